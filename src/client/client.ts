/**
 * The claude-relay client library: connects to a relay (over the global `WebSocket` by default:
 * Bun, Deno, browsers), answers `auth.challenge` with an SSH key, and delivers the shared
 * session's events — in `seq` order, each once — across network drops, relay restarts and
 * slow-consumer cut-offs by reconnecting with `resume: { sessionId, lastSeq }`. With a v2 relay it
 * can also follow other sessions (`attach`), each with its own numbering, re-attached from where
 * it stood after every reconnect, or move its focus to another one (`follow`): then its getters and
 * sends are about that session.
 *
 * It composes the parts: one login and link per connection (connection.ts), whether and when to
 * reconnect (reconnect-policy.ts), where the client stands in each session (attached-session.ts,
 * session-attachments.ts).
 *
 * @example
 * ```ts
 * import { openSigner } from "./signer.ts";
 * import { RelayClient } from "./client.ts";
 *
 * const signer = await openSigner({ identity: "/home/me/.ssh/id_ed25519" });
 * const client = new RelayClient({ signer });
 * client.on("claude.event", ({ event }) => console.log(event));
 * client.on("permission.request", (request) => client.allow(request.requestId));
 * const ok = await client.connect("ws://127.0.0.1:7717/ws");   // resolves on auth.ok
 * client.prompt("Add a test for the parser");
 * await client.waitFor("claude.event", (e) => (e.event as { type?: string }).type === "result", 120_000);
 * await client.close();
 * signer.close();
 * ```
 */

import { type Logger, silentLogger } from "../log/silent-logger.ts";
import type { ClientMessage } from "../protocol/messages.ts";
import { Emitter } from "../shared/emitter.ts";
import { AttachedSession, type SessionJoin, type SessionSnapshot } from "./attached-session.ts";
import { type BackoffSettings, backoffSettings, type ReconnectBackoffOptions } from "./backoff.ts";
import { type ChallengeCheck, type ConnectionEnd, RelayConnection, type RelayMessage } from "./connection.ts";
import type { ConnectionState } from "./connection-state.ts";
import { giveUpError, RelayClientError, RelayRequestError } from "./errors.ts";
import {
  type AuthOkMessage,
  type ClaudeEventMessage,
  type ErrorMessage,
  type HistoryMessage,
  type ImageMediaType,
  isSessionEvent,
  type PermissionMode,
  type PermissionRequestMessage,
  type PermissionResolvedMessage,
  type PongMessage,
  type ReplayGapMessage,
  type SessionAttachedMessage,
  type SessionCapabilities,
  type SessionCapabilitiesMessage,
  type SessionConfiguredMessage,
  type SessionCreatedMessage,
  type SessionDetachedMessage,
  type SessionEventMessage,
  type SessionInfo,
  type SessionStateMessage,
  type SessionStoppedMessage,
  type SessionsMessage,
  type UserPromptMessage,
} from "./messages.ts";
import { PendingRequests } from "./pending-requests.ts";
import { pushIterator } from "./push-iterator.ts";
import { decideReconnect } from "./reconnect-policy.ts";
import type { RelayTls } from "./relay-tls.ts";
import { attachFrom, SessionAttachments } from "./session-attachments.ts";
import { findSession } from "./session-lookup.ts";
import type { ChallengeSigner } from "./signer.ts";
import { NO_GLOBAL_WEBSOCKET, type TransportFactory, webSocketTransport } from "./transport.ts";

export type { SessionJoin, SessionSnapshot } from "./attached-session.ts";
export type { ChallengeCheck, ChallengePeer } from "./connection.ts";
// The library's entry point also names what its events carry and how it fails.
export { RelayClientError, type RelayClientErrorCode, RelayRequestError } from "./errors.ts";
export type * from "./messages.ts";
export { findSession, type SessionLookup } from "./session-lookup.ts";
export type { PeerTrust, Transport, TransportFactory, TransportHandlers } from "./transport.ts";

/** An image for Claude to see with a prompt (v2): its type and its bytes in standard base64. */
export interface PromptImage {
  mediaType: ImageMediaType;
  data: string;
}

/** How much of a session's past `follow()` asks for: every event the relay holds, or none (live events only). */
export type FollowReplay = "held" | "live";

/** What `events()` yields: every session event in seq order, each once; gaps; errors sent to this client. */
export type RelayEvent = SessionEventMessage | ReplayGapMessage | ErrorMessage;

/**
 * `idle` (before connect) → `connecting` → `authenticating` → `open`; after an unexpected close
 * `reconnecting` → `authenticating` → `open` …; `closed` is final.
 */
export type ClientState = "idle" | "connecting" | "authenticating" | "open" | "reconnecting" | "closed";

/** One lost connection. */
export interface DisconnectInfo {
  code: number;
  reason: string;
  /** The error frame the relay sent just before closing, if any (e.g. slow_consumer, shutting_down). */
  error?: ErrorMessage;
  willReconnect: boolean;
  /** Delay before the next attempt, when reconnecting. */
  delayMs?: number;
  /** Consecutive attempt number of the next try (1 = first retry). */
  attempt?: number;
}

/** The client stopped for good. */
export interface CloseInfo {
  code: number;
  reason: string;
  /** Why, unless `close()` was called. */
  error?: RelayClientError;
}

export type RelayClientEvents = {
  /** Authenticated (first connect and every reconnect); `resumed` when a resume was sent. */
  "auth.ok": [message: AuthOkMessage, info: { resumed: boolean }];
  /**
   * The client joined the session it follows (see `follow`): at auth.ok for the default session,
   * at `session.attached` for another. `resumed`: a replay follows (events up to `lastSeq` are
   * the past); `first`: the first join since the session was chosen (not a reconnect).
   */
  joined: [session: SessionJoin & { lastSeq: number }, info: { resumed: boolean; first: boolean }];
  /** v2: the relay's list of sessions changed (also in `auth.ok.sessions`). */
  sessions: [SessionsMessage];
  /** v2: answers to `session.create`, `attach`, `detach`, `session.stop` and `history.list`. */
  "session.created": [SessionCreatedMessage];
  "session.attached": [SessionAttachedMessage];
  "session.detached": [SessionDetachedMessage];
  "session.stopped": [SessionStoppedMessage];
  /** v2: answer to `configure` (the session's mode and model now). */
  "session.configured": [SessionConfiguredMessage];
  history: [HistoryMessage];
  /** v2: a session's pickers changed (a new Claude process told others). */
  "session.capabilities": [SessionCapabilitiesMessage];
  "claude.event": [ClaudeEventMessage];
  "user.prompt": [UserPromptMessage];
  "permission.request": [PermissionRequestMessage];
  "permission.resolved": [PermissionResolvedMessage];
  "session.state": [SessionStateMessage];
  /** Every session event, in seq order, each seq once. */
  event: [SessionEventMessage];
  /** Events the client will never get (announced by the relay, or detected). */
  "replay.gap": [ReplayGapMessage];
  pong: [PongMessage];
  /** An `error` frame from the relay (to this client, no seq). */
  error: [ErrorMessage];
  /** Every frame received, after deduplication (heartbeat pongs excepted): for logging and `--json`. */
  frame: [Record<string, unknown>];
  state: [state: ClientState, previous: ClientState];
  disconnect: [DisconnectInfo];
  close: [CloseInfo];
  /** Something odd but survivable: an invalid frame, a dropped duplicate, a detected gap. */
  warning: [message: string];
};

export interface RelayClientOptions {
  /** Answers the challenge (see `openSigner`). The client does not close it. */
  signer: ChallengeSigner;
  /** Reconnect after unexpected closes (default on). `false` ends the client at the first drop. */
  reconnect?: boolean | ReconnectBackoffOptions;
  /** Continue an earlier session: the first auth.response already carries this resume. */
  resume?: { sessionId: string; lastSeq: number };
  /**
   * Follow this session instead of the default one: its id, or the start of it when that names one
   * session (see `follow`). `connect()` rejects with `unknown_session` when the relay has none such.
   */
  session?: string;
  /**
   * Without `resume`: ask at the first login for every event the relay still holds, so what
   * happened before joining is delivered first (events up to `auth.ok.lastSeq`), then live ones.
   * What the relay no longer holds is reported as a `replay.gap` (reason `evicted`).
   */
  replayHeld?: boolean;
  /** WebSocket open + authentication must finish within this. Default 15 s. */
  connectTimeoutMs?: number;
  /** Application pings to notice a dead network; `false` disables. Default every 15 s, dead after 45 s of silence. */
  heartbeat?: false | { intervalMs?: number; timeoutMs?: number };
  /** Messages sent while reconnecting are queued up to this many, then sent after auth.ok. Default 100. */
  maxQueuedMessages?: number;
  /** Outstanding `ping()` calls. Default 16. */
  maxPendingPings?: number;
  /** Checks each challenge before it is signed; throwing refuses it (`challenge_refused`, no reconnect). */
  checkChallenge?: ChallengeCheck;
  /**
   * TLS with the relay's certificate checked before signing: `relayTls({ fingerprint })`,
   * `relayTls({ knownRelays })` or `relayTls()` (relay-tls.ts; Node.js, Bun, Deno). Its check runs
   * before `checkChallenge`; its transport is used unless `transport` is given.
   */
  tls?: RelayTls;
  /** How to reach the relay. Default: the global `WebSocket` (see `webSocketTransportFor` for runtimes without one). */
  transport?: TransportFactory;
  log?: Logger;
}

/** The login states of one connection that the client reports as `authenticating`. */
const AUTHENTICATING = new Set<ConnectionState>(["awaiting_challenge", "signing", "authenticating"]);

/**
 * A connection to one relay that survives drops. Events are delivered through `on(name, fn)`;
 * sends are fire-and-forget (queued while reconnecting).
 *
 * @example
 * ```ts
 * const client = new RelayClient({ signer, reconnect: { initialDelayMs: 250 } });
 * client.on("disconnect", (d) => console.error(`lost (${d.code}); retry in ${d.delayMs} ms`));
 * client.on("event", (e) => console.log(e.seq, e.type));
 * await client.connect("ws://127.0.0.1:7717/ws");
 * ```
 */
export class RelayClient {
  readonly #signer: ChallengeSigner;
  readonly #log: Logger;
  readonly #emitter: Emitter<RelayClientEvents>;
  readonly #backoff: BackoffSettings | undefined;
  /** The default session, which every login joins (v1: the relay's one session). */
  #session: AttachedSession;
  /** The other sessions followed (v2 `attach`, and the one `follow` focuses on). */
  readonly #others = new SessionAttachments();
  /**
   * The session the client focuses on instead of the default one (`follow`, the `session`
   * option): what was asked for until the first auth.ok resolves it, then its id. Undefined: the
   * default session (v1 behaviour).
   */
  #target: { query: string; sessionId?: string; replay: FollowReplay } | undefined;
  /** A `session.attached` for the focused session is awaited: it is the join. */
  #joinPending = false;
  /** The followed session was joined since it was chosen (a later join is a reconnect, not a first). */
  #joinedBefore = false;
  #sessionList: SessionInfo[] = [];
  /** Each session's pickers as last reported. */
  readonly #capabilities = new Map<string, SessionCapabilities>();
  #lastAuthOk: AuthOkMessage | undefined;
  #defaultSessionId: string | undefined;
  readonly #requests = new PendingRequests("c");
  readonly #connectTimeoutMs: number;
  readonly #heartbeat: { intervalMs: number; timeoutMs: number } | undefined;
  readonly #maxQueued: number;
  readonly #maxPendingPings: number;
  readonly #checkChallenge: ChallengeCheck | undefined;
  readonly #transport: TransportFactory;
  readonly #queue: ClientMessage[] = [];
  #state: ClientState = "idle";
  #url = "";
  #connection: RelayConnection | undefined;
  #everAuthenticated = false;
  /** Failed attempts since the last auth.ok: what the reconnect policy decides on. */
  #streak = { attempts: 0, authTimeouts: 0, since: undefined as number | undefined };
  #reconnectTimer: ReturnType<typeof setTimeout> | undefined;
  #firstConnect: { resolve: (ok: AuthOkMessage) => void; reject: (error: Error) => void } | undefined;
  #closed: Promise<CloseInfo>;
  #resolveClosed!: (info: CloseInfo) => void;
  #clientId: string | undefined;
  #key: AuthOkMessage["key"] | undefined;

  /** Throws `no_websocket` when no `transport` is given and the runtime has no global WebSocket (Node.js 20). */
  constructor(options: RelayClientOptions) {
    if (!options.transport && !options.tls && typeof globalThis.WebSocket !== "function") throw new RelayClientError("no_websocket", NO_GLOBAL_WEBSOCKET);
    this.#signer = options.signer;
    this.#log = options.log ?? silentLogger;
    this.#emitter = new Emitter((error, name) => this.#log.error("a client event listener threw", { event: name, error: String(error) }));
    this.#backoff = options.reconnect === false ? undefined : backoffSettings(options.reconnect === true ? {} : options.reconnect);
    const replayHeld = options.replayHeld === true;
    this.#session = new AttachedSession(options.session === undefined ? options.resume : undefined, { replayHeld });
    if (options.session !== undefined) this.#target = { query: options.session, replay: replayHeld ? "held" : "live" };
    this.#connectTimeoutMs = options.connectTimeoutMs ?? 15_000;
    this.#heartbeat =
      options.heartbeat === false ? undefined : { intervalMs: options.heartbeat?.intervalMs ?? 15_000, timeoutMs: options.heartbeat?.timeoutMs ?? 45_000 };
    this.#maxQueued = options.maxQueuedMessages ?? 100;
    this.#maxPendingPings = options.maxPendingPings ?? 16;
    this.#checkChallenge = chainChecks(options.tls?.checkChallenge, options.checkChallenge);
    this.#transport = options.transport ?? options.tls?.transport ?? webSocketTransport;
    this.#closed = new Promise((resolve) => (this.#resolveClosed = resolve));
  }

  get state(): ClientState {
    return this.#state;
  }

  get url(): string {
    return this.#url;
  }

  /** The id of the session this client follows (Claude Code's session UUID), once known. */
  get sessionId(): string | undefined {
    return this.#target ? this.#target.sessionId : this.#session.sessionId;
  }

  /** The relay's default session (the one `serve --cwd` runs), once authenticated. */
  get defaultSessionId(): string | undefined {
    return this.#defaultSessionId;
  }

  /**
   * The focused session's pickers (v2): Claude's models and slash commands and the permission
   * modes the relay accepts, once its Claude has started (auth.ok, session.attached, then each
   * `session.capabilities`).
   */
  get capabilities(): SessionCapabilities | undefined {
    const sessionId = this.sessionId;
    return sessionId === undefined ? undefined : this.#capabilities.get(sessionId);
  }

  /** The relay's sessions as last reported (auth.ok, then each `sessions` update); oldest first. */
  get sessions(): SessionInfo[] {
    return this.#sessionList;
  }

  /** The highest seq delivered; what a reconnect resumes from. */
  get lastSeq(): number {
    return this.#followed()?.lastSeq ?? 0;
  }

  /** This connection's id as the relay knows it (`by` of our prompts and answers); changes on reconnect. */
  get clientId(): string | undefined {
    return this.#clientId;
  }

  /** The key the relay accepted. */
  get key(): AuthOkMessage["key"] | undefined {
    return this.#key;
  }

  /** Permission requests still waiting for an answer, oldest first. */
  get pendingPermissions(): PermissionRequestMessage[] {
    return this.#followed()?.pendingPermissions ?? [];
  }

  /** The session's state as last reported (auth.ok, then each session.state); undefined before auth.ok. */
  get sessionState(): SessionSnapshot | undefined {
    return this.#followed()?.state;
  }

  /** The sessions followed besides the default one (see {@link attach}). */
  get attachedSessions(): string[] {
    return this.#others.ids;
  }

  /** The current WebSocket (for diagnostics and tests); replaced on every reconnect. */
  get socket(): WebSocket | undefined {
    return this.#connection?.transport?.socket;
  }

  /** Resolves once the client has stopped for good. */
  get closed(): Promise<CloseInfo> {
    return this.#closed;
  }

  /**
   * Adds a listener; returns a function that removes it.
   *
   * @example
   * const off = client.on("session.state", (s) => console.log(s.state));
   */
  on<K extends keyof RelayClientEvents>(name: K, listener: (...args: RelayClientEvents[K]) => void): () => void {
    return this.#emitter.on(name, listener);
  }

  /**
   * The next `name` event (matching `match`), or a `timeout` error after `timeoutMs` (default 30 s).
   * Rejects when the client closes first.
   *
   * @example
   * const result = await client.waitFor("claude.event", (e) => (e.event as any).type === "result");
   */
  waitFor<K extends keyof RelayClientEvents>(
    name: K,
    match: (...args: RelayClientEvents[K]) => boolean = () => true,
    timeoutMs = 30_000,
  ): Promise<RelayClientEvents[K][0]> {
    return new Promise((resolve, reject) => {
      const finish = (done: () => void) => {
        clearTimeout(timer);
        off();
        offClose();
        done();
      };
      const timer = setTimeout(() => finish(() => reject(new RelayClientError("timeout", `no ${String(name)} within ${timeoutMs} ms`))), timeoutMs);
      const off = this.on(name, (...args) => {
        if (match(...args)) finish(() => resolve(args[0]));
      });
      const offClose =
        name === "close"
          ? () => {}
          : this.on("close", (info) => finish(() => reject(info.error ?? new RelayClientError("closed", `client closed while waiting for ${String(name)}`))));
    });
  }

  /**
   * The session's events as an async iterator: every session event in seq order (each once, across
   * reconnects), `replay.gap`s and the `error`s the relay sends this client. The loop ends when the
   * client closes (throwing the reason when it failed), when `signal` aborts, or on `break`. A
   * consumer that falls `maxBuffered` events behind (default 10 000) gets a `queue_full` error.
   *
   * @example
   * ```ts
   * for await (const event of client.events()) {
   *   if (event.type === "claude.event" && (event.event as { type?: string }).type === "result") break;
   * }
   * ```
   */
  events(options: { signal?: AbortSignal; maxBuffered?: number } = {}): AsyncIterableIterator<RelayEvent> {
    return pushIterator<RelayEvent>(
      (sink) => {
        if (this.#state === "closed") {
          sink.end();
          return () => {};
        }
        const stops = [
          this.on("event", (event) => sink.push(event)),
          this.on("replay.gap", (gap) => sink.push(gap)),
          this.on("error", (error) => sink.push(error)),
          this.on("close", (info) => sink.end(info.error)),
        ];
        return () => {
          for (const stop of stops) stop();
        };
      },
      { ...options, overflowError: (max) => new RelayClientError("queue_full", `events() consumer fell ${max} events behind`) },
    );
  }

  /**
   * Connects and authenticates. Resolves with `auth.ok`; rejects (and the client is closed) when
   * the first connection fails: `unreachable`, `auth_failed` (the key is not authorized),
   * `auth_timeout` (twice), `signer_failed`, `challenge_refused`. Reconnecting applies once connected.
   *
   * @example
   * const ok = await client.connect("ws://127.0.0.1:7717/ws");
   * console.log(ok.state.state, ok.state.pendingPermissions.length);
   */
  connect(url: string): Promise<AuthOkMessage> {
    if (this.#state !== "idle") return Promise.reject(new RelayClientError("closed", `connect() called in state ${this.#state}`));
    this.#url = url;
    return new Promise((resolve, reject) => {
      this.#firstConnect = { resolve, reject };
      this.#setState("connecting");
      this.#open();
    });
  }

  /**
   * Sends a user message to Claude; every client sees it as `user.prompt`. `images` (v2, at most
   * 8): base64 PNG, JPEG, GIF or WebP for Claude to see with the text (see `readPromptImage`).
   *
   * @example
   * client.prompt("Run the tests", "p-1");
   * client.prompt("What is wrong on this page?", undefined, [{ mediaType: "image/png", data: base64 }]);
   */
  prompt(text: string, id?: string, images?: PromptImage[]): void {
    this.#send({ type: "prompt", text, ...(id !== undefined && { id }), ...(images && images.length > 0 && { images }), ...this.#sessionField() });
  }

  /**
   * Allows a pending tool use, optionally with a changed input, and (v2) with permission updates
   * that spare the same question again — the request's `suggestions`, echoed ("allow for this
   * session").
   *
   * @example
   * client.allow(request.requestId, { ...request.input, content: "edited" });
   * client.allow(request.requestId, undefined, request.suggestions);
   */
  allow(requestId: string, updatedInput?: Record<string, unknown>, updatedPermissions?: Array<Record<string, unknown>>): void {
    this.#send({
      type: "permission.response",
      requestId,
      behavior: "allow",
      ...(updatedInput && { updatedInput }),
      ...(updatedPermissions && updatedPermissions.length > 0 && { updatedPermissions }),
      ...this.#sessionField(),
    });
  }

  /**
   * Denies a pending tool use; `message` tells Claude why.
   *
   * @example
   * client.deny(request.requestId, "not that file");
   */
  deny(requestId: string, message?: string): void {
    this.#send({ type: "permission.response", requestId, behavior: "deny", ...(message !== undefined && { message }), ...this.#sessionField() });
  }

  /** Interrupts Claude's current turn (pending permission requests are withdrawn). */
  interrupt(): void {
    this.#send({ type: "interrupt", ...this.#sessionField() });
  }

  /**
   * Moves the client's focus to another session: stops receiving the current one's events
   * (`session.detach`) and receives `sessionId`'s (`session.attach`) — with `replay: "held"` every event the relay still
   * holds first (events up to the answer's `lastSeq` are the past), with `"live"` (the default)
   * only what follows. From then on `events()`, the `event` listeners, `sessionState`,
   * `pendingPermissions`, `prompt`, `allow`, `deny` and `interrupt` are about that session, also
   * across reconnects. Resolves with `session.attached`; rejects with a `RelayRequestError`
   * (`unknown_session`) when the relay has no such session, or `unknown_session` when `sessionId`
   * is neither an id in `sessions` nor the unambiguous start of one.
   *
   * @example
   * const attached = await client.follow("a2c4", { replay: "held" });
   * console.log(attached.state.state);
   */
  async follow(sessionId: string, options: { replay?: FollowReplay } = {}): Promise<SessionAttachedMessage> {
    if (this.#state !== "open" && this.#state !== "reconnecting")
      throw new RelayClientError(this.#state === "closed" ? "closed" : "not_connected", `cannot follow a session while ${this.#state}`);
    const found = findSession(this.#sessionList, sessionId);
    // A session created a moment ago may not be in the list yet: its whole id is still good.
    const id = found.ok ? found.session.sessionId : found.problem === "unknown" && sessionId.length >= 32 ? sessionId : undefined;
    if (id === undefined) throw new RelayClientError("unknown_session", found.ok ? "" : found.message);
    const previous = this.sessionId;
    if (previous !== undefined && previous !== id) {
      this.#others.detach(previous);
      this.#send({ type: "session.detach", sessionId: previous });
    }
    return this.#request<SessionAttachedMessage>(this.#focusOn(id, options.replay ?? "live"), "session.attached");
  }

  /** Moves the focus to `sessionId` (its join awaited); returns the `session.attach` to send. */
  #focusOn(sessionId: string, replay: FollowReplay): ClientMessage & { type: "session.attach" } {
    if (sessionId === this.#defaultSessionId) {
      // Back to the default session: followed afresh like any other, and again joined at each login.
      this.#target = undefined;
      this.#session = new AttachedSession(undefined, { replayHeld: replay === "held" });
    } else {
      this.#target = { query: sessionId, sessionId, replay };
      this.#others.follow(sessionId, replay);
    }
    this.#joinPending = true;
    this.#joinedBefore = false;
    return { type: "session.attach", sessionId, lastSeq: attachFrom(this.#followed()!) };
  }

  /**
   * Changes the focused session's permission mode and/or model (v2 `session.configure`); resolves
   * once Claude has taken them, with the session's mode and model now. Rejects with a
   * `RelayRequestError` (`invalid_message`: a mode or model that may not be chosen, in the relay's
   * words; `claude_unavailable`).
   *
   * @example
   * await client.configure({ permissionMode: "plan" });
   * const { model } = await client.configure({ model: "haiku" });
   */
  async configure(change: { permissionMode?: PermissionMode; model?: string }): Promise<SessionConfiguredMessage> {
    const sessionId = this.sessionId;
    if (sessionId === undefined) throw new RelayClientError("not_connected", "configure needs a joined session");
    return this.#request<SessionConfiguredMessage>({ type: "session.configure", sessionId, ...change }, "session.configured");
  }

  /**
   * Starts a new session (its own Claude) in `cwd`, an absolute directory on the relay's machine
   * inside one of its `--allow-dir`s; resolves with its id. The client does not follow it: call
   * `follow(id)`. Rejects with a `RelayRequestError`: `invalid_session_dir` (the message says what
   * is wrong with the directory), `too_many_sessions`.
   *
   * @example
   * const id = await client.createSession("/home/me/code/api");
   * await client.follow(id);
   */
  async createSession(cwd: string): Promise<string> {
    const created = await this.#request<SessionCreatedMessage>({ type: "session.create", cwd }, "session.created");
    return created.sessionId;
  }

  /**
   * Follows another session of a v2 relay: its events are delivered like the default session's
   * (`event` etc., with their own `sessionId` and seqs), each once and in order, from after
   * `lastSeq` (absent: where this client stands in it, or everything the relay holds). The
   * attachment is re-established after every reconnect from where it stood, and dropped when the
   * session leaves the relay's list. Before the client is open it is sent at login. The default
   * session is joined at every login anyway: attaching to it only asks for a replay after
   * `lastSeq` (duplicates are dropped). `id` is sent only when the client is open.
   *
   * @example
   * client.attach("a2c4e6f8-…");                  // everything the relay holds, then live
   * client.attach("a2c4e6f8-…", { lastSeq: 57 }); // what came after seq 57
   */
  attach(sessionId: string, options: { lastSeq?: number; id?: string } = {}): void {
    if (this.#state === "closed") throw new RelayClientError("closed", `cannot attach to ${sessionId}: the client is closed`);
    const isDefault = sessionId === this.#session.sessionId;
    const lastSeq = isDefault ? (options.lastSeq ?? this.#session.lastSeq) : this.#others.attach(sessionId, options.lastSeq);
    // Not open yet: the login joins the default session and re-attaches the others.
    if (this.#state === "open") this.#send({ type: "session.attach", sessionId, lastSeq, ...(options.id !== undefined && { id: options.id }) });
  }

  /**
   * Stops following a session (the relay answers `session.detached`). A detached default session
   * is joined again at the next login.
   *
   * @example
   * client.detach("a2c4e6f8-…");
   */
  detach(sessionId: string, options: { id?: string } = {}): void {
    if (this.#state === "closed") throw new RelayClientError("closed", `cannot detach from ${sessionId}: the client is closed`);
    this.#others.detach(sessionId);
    // Not open: the next login simply does not re-attach it.
    if (this.#state === "open") this.#send({ type: "session.detach", sessionId, ...(options.id !== undefined && { id: options.id }) });
  }

  /**
   * Sends any client message (e.g. one read as JSON). `auth.response` is the client's own business.
   *
   * @example
   * client.send({ type: "prompt", text: "hi", id: "42" });
   */
  send(message: ClientMessage): void {
    if (message.type === "auth.response") throw new RelayClientError("closed", "auth.response is sent by the client itself");
    this.#send(message);
  }

  /**
   * Application-level ping; resolves with the round trip in ms. Needs an open connection.
   *
   * @example
   * console.log(`rtt ${await client.ping()} ms`);
   */
  ping(timeoutMs = 10_000): Promise<number> {
    if (this.#state !== "open" || !this.#connection) return Promise.reject(new RelayClientError("not_connected", `cannot ping while ${this.#state}`));
    return this.#connection.ping(timeoutMs);
  }

  /**
   * The device woke up or came back online (a browser's `visibilitychange` or `online`): waiting
   * to reconnect, it tries at once with a fresh backoff; connected, it checks the connection with
   * a ping and replaces it (resuming) when the relay does not answer within `timeoutMs` — a
   * socket that slept through a network change often looks open but is dead.
   *
   * @example
   * document.addEventListener("visibilitychange", () => document.hidden || client.wake());
   */
  wake(timeoutMs = 4000): void {
    if (this.#state === "reconnecting") {
      clearTimeout(this.#reconnectTimer);
      this.#reconnectTimer = undefined;
      this.#streak = { attempts: 0, authTimeouts: 0, since: undefined };
      this.#open();
      return;
    }
    const connection = this.#connection;
    if (this.#state !== "open" || !connection) return;
    connection.ping(timeoutMs).catch((error: RelayClientError) => {
      if (error.code === "timeout") connection.abandon(`no pong within ${timeoutMs} ms after waking up`);
    });
  }

  /** Stops for good: closes the socket (1000), cancels reconnecting. Resolves once closed. */
  async close(): Promise<void> {
    await this.#finish({ code: 1000, reason: "client closed" });
  }

  // ── connections ───────────────────────────────────────────────────────────────────────────────

  #open(): void {
    const connection = new RelayConnection(
      {
        url: this.#url,
        signer: this.#signer,
        transport: this.#transport,
        // Following another session, the default one's past is not wanted: it is detached at once.
        resume: () => (this.#target ? undefined : this.#session.resume()),
        ...(this.#checkChallenge && { checkChallenge: this.#checkChallenge }),
        connectTimeoutMs: this.#connectTimeoutMs,
        ...(this.#heartbeat && { heartbeat: this.#heartbeat }),
        maxPendingPings: this.#maxPendingPings,
        log: this.#log,
      },
      {
        state: (state) => {
          if (AUTHENTICATING.has(state)) this.#setState("authenticating");
        },
        challenge: (challenge) => this.#emit("frame", challenge as unknown as Record<string, unknown>),
        open: (ok, { resumed }) => this.#onAuthenticated(ok, resumed),
        message: (message) => this.#onMessage(message),
        unknown: (frame) => this.#emit("frame", frame),
        warning: (text) => this.#emit("warning", text),
        end: (end) => this.#onConnectionEnd(end),
      },
    );
    this.#connection = connection;
    connection.start();
  }

  #onConnectionEnd(end: ConnectionEnd): void {
    this.#connection = undefined;
    this.#requests.failAll(new RelayClientError("closed", `the connection to ${this.#url} ended before the relay answered`));
    this.#log.info("connection closed", { url: this.#url, code: end.code, reason: end.reason, error: end.relayError?.code ?? end.failure?.kind });
    const now = Date.now();
    const streak = this.#streak;
    streak.since ??= now;
    const elapsedMs = now - streak.since;
    const decision = decideReconnect(
      {
        closeCode: end.code,
        ...(end.relayError && { relayError: end.relayError.code }),
        ...(end.failure && { localFailure: end.failure.kind }),
        everAuthenticated: this.#everAuthenticated,
        attempts: streak.attempts,
        authTimeouts: streak.authTimeouts,
        elapsedMs,
      },
      this.#backoff,
      Math.random(),
    );
    const lost = { code: end.code, reason: end.reason, ...(end.relayError && { error: end.relayError }) };
    if (decision.action === "give_up") {
      const error = giveUpError(decision.reason, {
        url: this.#url,
        signer: this.#signer,
        closeCode: end.code,
        closeReason: end.reason,
        ...(end.relayError && { relayError: end.relayError }),
        ...(end.failure && { localMessage: end.failure.message, localCause: end.failure.cause }),
        attempts: streak.attempts,
        elapsedMs,
      });
      if (this.#everAuthenticated) this.#emit("disconnect", { ...lost, willReconnect: false });
      void this.#finish({ code: end.code, reason: end.reason, error });
      return;
    }
    streak.attempts = decision.attempt;
    streak.authTimeouts = decision.authTimeouts;
    this.#emit("disconnect", { ...lost, willReconnect: true, delayMs: decision.delayMs, attempt: decision.attempt });
    this.#setState("reconnecting");
    this.#reconnectTimer = setTimeout(() => {
      this.#reconnectTimer = undefined;
      if (this.#state === "reconnecting") this.#open();
    }, decision.delayMs);
  }

  /** Stops for good; resolves once the last connection's socket is closed. */
  #finish(info: CloseInfo): Promise<void> {
    if (this.#state === "closed") return Promise.resolve();
    clearTimeout(this.#reconnectTimer);
    const connection = this.#connection;
    this.#connection = undefined;
    const socketClosed = connection?.close(1000, "client closed", new RelayClientError("closed", "client closed")) ?? Promise.resolve();
    this.#queue.length = 0;
    this.#requests.failAll(info.error ?? new RelayClientError("closed", "client closed"));
    this.#setState("closed");
    if (this.#firstConnect) {
      this.#firstConnect.reject(info.error ?? new RelayClientError("closed", "closed before authenticating"));
      this.#firstConnect = undefined;
    }
    this.#emit("close", info);
    this.#resolveClosed(info);
    return socketClosed;
  }

  // ── incoming ──────────────────────────────────────────────────────────────────────────────────

  #onAuthenticated(ok: AuthOkMessage, resumed: boolean): void {
    this.#everAuthenticated = true;
    this.#streak = { attempts: 0, authTimeouts: 0, since: undefined };
    this.#clientId = ok.clientId;
    this.#key = ok.key;
    this.#defaultSessionId = ok.sessionId;
    this.#lastAuthOk = ok;
    if (ok.sessions) this.#sessionList = ok.sessions;
    if (ok.capabilities) this.#capabilities.set(ok.sessionId, ok.capabilities);
    const target = this.#resolveTarget(ok);
    if (target === "unknown") return;
    if (!target && this.#session.joined(ok, { resumed })) this.#emit("warning", `the relay runs another session now (${ok.sessionId}); seqs start over`);
    this.#others.detach(ok.sessionId); // joined at login: followed as the default session
    if (ok.sessions) this.#forgetGone(ok.sessions);
    this.#setState("open");
    if (target && target.sessionId !== ok.sessionId) this.#connection?.send({ type: "session.detach", sessionId: ok.sessionId });
    // The focused session joins at its session.attached (the re-attach sent here).
    this.#joinPending = target !== undefined;
    for (const message of this.#others.reattach()) {
      if (target && message.type === "session.attach" && message.sessionId === target.sessionId) this.#rejoin(message);
      else this.#connection?.send(message);
    }
    this.#emit("frame", ok as unknown as Record<string, unknown>);
    this.#emit("auth.ok", ok, { resumed });
    if (!target) {
      this.#announceJoin({ ...ok, lastSeq: ok.lastSeq ?? this.#session.lastSeq }, resumed);
      this.#resolveFirstConnect(ok);
    }
    for (const message of this.#queue.splice(0)) this.#connection?.send(message);
  }

  /**
   * The session to focus on after this login: undefined for the default one. The first login turns
   * the `session` option into an id (and follows it); one that names no session ends the client
   * (`unknown_session`). A focused session that is gone after a reconnect (stopped meanwhile) falls
   * back to the default one.
   */
  #resolveTarget(ok: AuthOkMessage): { sessionId: string } | undefined | "unknown" {
    const target = this.#target;
    if (!target) return undefined;
    if (target.sessionId === undefined) {
      const found = findSession(ok.sessions ?? [], target.query);
      if (!found.ok) {
        void this.#finish({ code: 1000, reason: "no such session", error: new RelayClientError("unknown_session", found.message) });
        return "unknown";
      }
      target.sessionId = found.session.sessionId;
      if (target.sessionId === ok.sessionId) {
        // The default session after all: joined at this very login.
        this.#target = undefined;
        return undefined;
      }
      this.#others.follow(target.sessionId, target.replay);
      return { sessionId: target.sessionId };
    }
    if (ok.sessions && !ok.sessions.some((session) => session.sessionId === target.sessionId)) {
      this.#emit("warning", `session ${target.sessionId} is no longer open on the relay (stopped meanwhile); following the default session`);
      this.#others.detach(target.sessionId);
      this.#target = undefined;
      this.#session = new AttachedSession();
      this.#joinedBefore = false;
      return undefined;
    }
    return { sessionId: target.sessionId };
  }

  /**
   * Sends the focused session's attach at login with an id, so a refusal is tied to it: the
   * session may stop between the list auth.ok carries and the attach (`unknown_session`).
   */
  #rejoin(attach: ClientMessage & { type: "session.attach" }): void {
    const id = this.#requests.nextId();
    this.#connection?.send({ ...attach, id });
    this.#requests.wait(id, "session.attached").catch((error: unknown) => {
      // A lost connection is retried at the next login; only the relay's refusal is an answer.
      if (error instanceof RelayRequestError) this.#focusRefused(attach.sessionId, error);
    });
  }

  /**
   * The relay refused to attach the focused session at login (it stopped meanwhile): the first
   * connect fails with `unknown_session` (nothing was joined yet); after a reconnect the client
   * falls back to the default session, as when the session is missing from auth.ok's list.
   */
  #focusRefused(sessionId: string, error: RelayRequestError): void {
    if (this.#target?.sessionId !== sessionId) return; // the focus moved meanwhile (follow)
    this.#others.detach(sessionId);
    if (error.code === "unknown_session") this.#sessionList = this.#sessionList.filter((session) => session.sessionId !== sessionId);
    if (this.#firstConnect) {
      const message = `the relay refused to join session ${sessionId} (stopped since it was listed?): ${error.code}: ${error.message}`;
      void this.#finish({ code: 1000, reason: "no such session", error: new RelayClientError("unknown_session", message, undefined, { cause: error }) });
      return;
    }
    this.#emit("warning", `session ${sessionId} is no longer open on the relay (${error.code}: ${error.message}); following the default session`);
    const defaultId = this.#defaultSessionId;
    if (defaultId !== undefined) this.#connection?.send(this.#focusOn(defaultId, "live"));
  }

  /** `session.attached`: the session's state now; for the session in focus, awaited, its join. */
  #onAttached(attached: SessionAttachedMessage): void {
    const session = this.#sessionFor(attached.sessionId);
    if (!session) return;
    // A replay follows when the attach named a position (or asked for everything held).
    const replaying = session.resume() !== undefined;
    session.attached(attached);
    if (!this.#joinPending || attached.sessionId !== this.sessionId) return;
    this.#joinPending = false;
    this.#announceJoin(attached, replaying);
    if (this.#lastAuthOk) this.#resolveFirstConnect(this.#lastAuthOk);
  }

  #announceJoin(join: SessionJoin & { lastSeq: number }, resumed: boolean): void {
    const first = !this.#joinedBefore;
    this.#joinedBefore = true;
    this.#emit("joined", join, { resumed, first });
  }

  #resolveFirstConnect(ok: AuthOkMessage): void {
    const first = this.#firstConnect;
    this.#firstConnect = undefined;
    first?.resolve(ok);
  }

  #onMessage(message: RelayMessage): void {
    if (isSessionEvent(message)) return this.#onSessionEvent(message);
    this.#emit("frame", message as unknown as Record<string, unknown>);
    switch (message.type) {
      case "replay.gap": {
        const gap = this.#sessionFor(message.sessionId)?.gapAnnounced(message);
        return gap && this.#emit("replay.gap", gap);
      }
      case "pong":
        this.#emit("pong", message);
        break;
      case "sessions":
        this.#sessionList = message.sessions;
        this.#forgetGone(message.sessions);
        this.#emit("sessions", message);
        break;
      case "session.attached":
        if (message.capabilities) this.#capabilities.set(message.sessionId, message.capabilities);
        this.#onAttached(message);
        this.#emit("session.attached", message);
        break;
      case "session.created":
        this.#emit("session.created", message);
        break;
      case "session.capabilities": {
        const { type: _, sessionId, ...pickers } = message;
        this.#capabilities.set(sessionId, pickers);
        this.#emit("session.capabilities", message);
        break;
      }
      case "session.configured":
        this.#emit("session.configured", message);
        break;
      case "session.detached":
        this.#emit("session.detached", message);
        break;
      case "session.stopped":
        this.#others.detach(message.sessionId);
        this.#emit("session.stopped", message);
        break;
      case "history":
        this.#emit("history", message);
        break;
      case "error":
        this.#emit("error", message);
        break;
    }
    // After the listeners: a reply that settles a request is seen by `on` first, like any frame.
    this.#requests.settle(message);
  }

  /**
   * Where events of `sessionId` are tracked: the default session, an attached one, or none (not
   * followed — also the default one while the focus is elsewhere, until its detach is answered).
   */
  #sessionFor(sessionId: string): AttachedSession | undefined {
    const other = this.#others.get(sessionId);
    if (other) return other;
    if (this.#target) return undefined;
    return sessionId === (this.#session.sessionId ?? this.#defaultSessionId) ? this.#session : undefined;
  }

  /** Forgets attached sessions the relay no longer lists; the one in focus is kept (its loss is for the next login to handle). */
  #forgetGone(listed: readonly { sessionId: string }[]): void {
    const keep = [...listed.map((info) => info.sessionId), ...(this.#target?.sessionId !== undefined ? [this.#target.sessionId] : [])];
    for (const sessionId of this.#others.retain(keep)) this.#emit("warning", `session ${sessionId} is no longer listed by the relay; no longer following it`);
  }

  /** The session in focus: the default one, or the one `follow` chose. */
  #followed(): AttachedSession | undefined {
    return this.#target?.sessionId !== undefined ? this.#others.get(this.#target.sessionId) : this.#session;
  }

  #onSessionEvent(event: SessionEventMessage): void {
    const session = this.#sessionFor(event.sessionId);
    // A session detached a moment ago may still have events on the way.
    if (!session) return this.#emit("warning", `dropped seq ${event.seq} of session ${event.sessionId}, which this client does not follow`);
    const verdict = session.accept(event);
    if (!verdict.deliver) return this.#emit("warning", `dropped a duplicate of seq ${event.seq}`);
    if (verdict.gap) {
      this.#emit("warning", `seqs ${verdict.gap.fromSeq}…${verdict.gap.toSeq} never arrived`);
      this.#emit("replay.gap", { type: "replay.gap", sessionId: event.sessionId, ...verdict.gap, reason: "detected" });
    }
    this.#emit("frame", event as unknown as Record<string, unknown>);
    // Each session event type is also an event name of the same payload type.
    (this.#emit as (name: SessionEventMessage["type"], event: SessionEventMessage) => void)(event.type, event);
    this.#emit("event", event);
  }

  // ── outgoing ──────────────────────────────────────────────────────────────────────────────────

  /** Sends `message` with a fresh id and waits for its `reply` (or the error echoing the id). */
  #request<T extends Record<string, unknown>>(message: ClientMessage, reply: string): Promise<T> {
    const id = this.#requests.nextId();
    this.#send({ ...message, id } as ClientMessage);
    return this.#requests.wait<T>(id, reply);
  }

  /** The `sessionId` field of prompts and answers: present when following a session other than the default. */
  #sessionField(): { sessionId?: string } {
    const sessionId = this.#target?.sessionId;
    return sessionId === undefined ? {} : { sessionId };
  }

  #send(message: ClientMessage): void {
    if (this.#state === "open") return this.#connection?.send(message);
    if (this.#state === "closed" || this.#state === "idle") {
      throw new RelayClientError(
        this.#state === "idle" ? "not_connected" : "closed",
        `cannot send ${message.type}: the client is ${this.#state === "idle" ? "not connected" : "closed"}`,
      );
    }
    if (this.#queue.length >= this.#maxQueued) {
      throw new RelayClientError("queue_full", `${this.#queue.length} messages already wait for the connection; ${message.type} not sent`);
    }
    this.#queue.push(message);
  }

  #setState(state: ClientState): void {
    const previous = this.#state;
    if (previous === state) return;
    this.#state = state;
    this.#emit("state", state, previous);
  }

  #emit<K extends keyof RelayClientEvents>(name: K, ...args: RelayClientEvents[K]): void {
    this.#emitter.emit(name, ...args);
  }
}

/** Both checks in order (the TLS one first); the first to throw refuses the challenge. */
function chainChecks(first: ChallengeCheck | undefined, second: ChallengeCheck | undefined): ChallengeCheck | undefined {
  if (!first || !second) return first ?? second;
  return async (challenge, peer) => {
    await first(challenge, peer);
    await second(challenge, peer);
  };
}
