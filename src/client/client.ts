/**
 * The claude-relay client library: connects to a relay (over the global `WebSocket` by default:
 * Bun, Deno, browsers), answers `auth.challenge` with an SSH key, and delivers the shared
 * session's events — in `seq` order, each once — across network drops, relay restarts and
 * slow-consumer cut-offs by reconnecting with `resume: { sessionId, lastSeq }`. With a v2 relay it
 * can also follow other sessions (`attach`), each with its own numbering, re-attached from where
 * it stood after every reconnect.
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
import { Emitter } from "../shared/emitter.ts";
import { silentLogger, type Logger } from "../log/silent-logger.ts";
import type { ClientMessage } from "../protocol/messages.ts";
import { AttachedSession, type SessionSnapshot } from "./attached-session.ts";
import { SessionAttachments } from "./session-attachments.ts";
import { backoffSettings, type BackoffSettings, type ReconnectBackoffOptions } from "./backoff.ts";
import type { ConnectionState } from "./connection-state.ts";
import { RelayConnection, type ChallengeCheck, type ConnectionEnd, type RelayMessage } from "./connection.ts";
import { giveUpError, RelayClientError } from "./errors.ts";
import {
  isSessionEvent,
  type AuthOkMessage,
  type ErrorMessage,
  type PermissionRequestMessage,
  type PongMessage,
  type ReplayGapMessage,
  type SessionEventMessage,
  type SessionStateMessage,
  type ClaudeEventMessage,
  type UserPromptMessage,
  type PermissionResolvedMessage,
  type SessionAttachedMessage,
  type SessionCreatedMessage,
  type SessionDetachedMessage,
  type SessionsMessage,
  type SessionStoppedMessage,
  type SessionConfiguredMessage,
  type SessionCapabilitiesMessage,
  type HistoryMessage,
} from "./messages.ts";
import { pushIterator } from "./push-iterator.ts";
import { decideReconnect } from "./reconnect-policy.ts";
import type { ChallengeSigner } from "./signer.ts";
import { NO_GLOBAL_WEBSOCKET, webSocketTransport, type TransportFactory } from "./transport.ts";
import type { RelayTls } from "./relay-tls.ts";

// The library's entry point also names what its events carry and how it fails.
export { RelayClientError, type RelayClientErrorCode } from "./errors.ts";
export type * from "./messages.ts";
export type { ChallengeCheck, ChallengePeer } from "./connection.ts";
export type { PeerTrust, Transport, TransportFactory, TransportHandlers } from "./transport.ts";
export type { SessionSnapshot } from "./attached-session.ts";

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
  /** v2: the relay's list of sessions changed (also in `auth.ok.sessions`). */
  sessions: [SessionsMessage];
  /** v2: answers to `session.create`, `attach`, `detach`, `session.stop`, `session.configure` and `history.list`. */
  "session.created": [SessionCreatedMessage];
  "session.attached": [SessionAttachedMessage];
  "session.detached": [SessionDetachedMessage];
  "session.stopped": [SessionStoppedMessage];
  "session.configured": [SessionConfiguredMessage];
  history: [HistoryMessage];
  /** v2: a followed session's models, slash commands or permission modes changed. */
  "session.capabilities": [SessionCapabilitiesMessage];
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
  readonly #session: AttachedSession;
  /** The other sessions followed (v2 `attach`). */
  readonly #others = new SessionAttachments();
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
    this.#session = new AttachedSession(options.resume, { replayHeld: options.replayHeld === true });
    this.#connectTimeoutMs = options.connectTimeoutMs ?? 15_000;
    this.#heartbeat = options.heartbeat === false ? undefined : { intervalMs: options.heartbeat?.intervalMs ?? 15_000, timeoutMs: options.heartbeat?.timeoutMs ?? 45_000 };
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

  /** The relay's session id (Claude Code's session UUID), once known. */
  get sessionId(): string | undefined {
    return this.#session.sessionId;
  }

  /** The highest seq delivered; what a reconnect resumes from. */
  get lastSeq(): number {
    return this.#session.lastSeq;
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
    return this.#session.pendingPermissions;
  }

  /** The session's state as last reported (auth.ok, then each session.state); undefined before auth.ok. */
  get sessionState(): SessionSnapshot | undefined {
    return this.#session.state;
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
      const offClose = name === "close" ? () => {} : this.on("close", (info) => finish(() => reject(info.error ?? new RelayClientError("closed", `client closed while waiting for ${String(name)}`))));
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
        return () => stops.forEach((stop) => stop());
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
   * Sends a user message to Claude; every client sees it as `user.prompt`.
   *
   * @example
   * client.prompt("Run the tests", "p-1");
   */
  prompt(text: string, id?: string): void {
    this.#send(id === undefined ? { type: "prompt", text } : { type: "prompt", text, id });
  }

  /**
   * Allows a pending tool use, optionally with a changed input.
   *
   * @example
   * client.allow(request.requestId, { ...request.input, content: "edited" });
   */
  allow(requestId: string, updatedInput?: Record<string, unknown>): void {
    this.#send({ type: "permission.response", requestId, behavior: "allow", ...(updatedInput && { updatedInput }) });
  }

  /**
   * Denies a pending tool use; `message` tells Claude why.
   *
   * @example
   * client.deny(request.requestId, "not that file");
   */
  deny(requestId: string, message?: string): void {
    this.#send({ type: "permission.response", requestId, behavior: "deny", ...(message !== undefined && { message }) });
  }

  /** Interrupts Claude's current turn (pending permission requests are withdrawn). */
  interrupt(): void {
    this.#send({ type: "interrupt" });
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
        resume: () => this.#session.resume(),
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
    if (this.#session.joined(ok, { resumed })) this.#emit("warning", `the relay runs another session now (${ok.sessionId}); seqs start over`);
    this.#clientId = ok.clientId;
    this.#key = ok.key;
    this.#others.detach(ok.sessionId); // joined at login: followed as the default session
    if (ok.sessions) this.#forgetGone(ok.sessions);
    this.#setState("open");
    for (const message of this.#others.reattach()) this.#connection?.send(message);
    this.#emit("frame", ok as unknown as Record<string, unknown>);
    this.#emit("auth.ok", ok, { resumed });
    const first = this.#firstConnect;
    this.#firstConnect = undefined;
    first?.resolve(ok);
    for (const message of this.#queue.splice(0)) this.#connection?.send(message);
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
        return this.#emit("pong", message);
      case "sessions":
        this.#forgetGone(message.sessions);
        return this.#emit("sessions", message);
      case "session.attached":
        this.#sessionFor(message.sessionId)?.attached(message);
        return this.#emit("session.attached", message);
      case "session.created":
        return this.#emit("session.created", message);
      case "session.detached":
        return this.#emit("session.detached", message);
      case "session.stopped":
        this.#others.detach(message.sessionId);
        return this.#emit("session.stopped", message);
      case "session.configured":
        return this.#emit("session.configured", message);
      case "session.capabilities":
        return this.#emit("session.capabilities", message);
      case "history":
        return this.#emit("history", message);
      case "error":
        return this.#emit("error", message);
    }
  }

  /** Where events of `sessionId` are tracked: the default session, an attached one, or none (not followed). */
  #sessionFor(sessionId: string): AttachedSession | undefined {
    return this.#others.get(sessionId) ?? (sessionId === this.#session.sessionId ? this.#session : undefined);
  }

  #forgetGone(listed: readonly { sessionId: string }[]): void {
    for (const sessionId of this.#others.retain(listed.map((info) => info.sessionId))) this.#emit("warning", `session ${sessionId} is no longer listed by the relay; no longer following it`);
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

  #send(message: ClientMessage): void {
    if (this.#state === "open") return this.#connection?.send(message);
    if (this.#state === "closed" || this.#state === "idle") {
      throw new RelayClientError(this.#state === "idle" ? "not_connected" : "closed", `cannot send ${message.type}: the client is ${this.#state === "idle" ? "not connected" : "closed"}`);
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
