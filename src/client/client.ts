/**
 * The claude-relay client library: connects to a relay (over the global `WebSocket` by default:
 * Bun, Deno, browsers), answers `auth.challenge` with an SSH key, and delivers the shared
 * session's events — in `seq` order, each once — across network drops, relay restarts and
 * slow-consumer cut-offs by reconnecting with `resume: { sessionId, lastSeq }`. With a v2 relay it
 * can also follow other sessions (`attach`), each with its own numbering, re-attached from where
 * it stood after every reconnect, or move its focus to another one (`follow`): then its getters and
 * sends are about that session.
 *
 * It is a facade over two parts: one login and link per connection (connection.ts) with the
 * reconnect loop here (when: reconnect-policy.ts), and the model of the relay (session-directory.ts:
 * the session list, where the client stands in each session followed, the requests waiting for
 * their answer by id; each session followed also as one value, `sessionViews`, for a page that
 * mirrors it); the thin request wrappers (sessions, history, review, live view) are in relay-requests.ts. Protocol rules both clients need
 * live beside it: Claude's questions (questions.ts), permission answers and "allow for this
 * session" (permission-answers.ts).
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
import type { SessionSnapshot, SessionView } from "./attached-session.ts";
import { eventStream, waitForEvent } from "./client-listening.ts";
import type { ClientState, CloseInfo, EmitClientEvent, FollowReplay, PromptImage, RelayClientEvents, RelayClientOptions, RelayEvent } from "./client-types.ts";
import { RelayClientError } from "./errors.ts";
import type {
  AuthOkMessage,
  PermissionMode,
  PermissionRequestMessage,
  SessionAttachedMessage,
  SessionCapabilities,
  SessionConfiguredMessage,
  SessionInfo,
} from "./messages.ts";
import { type PermissionAnswer, permissionResponse } from "./permission-answers.ts";
import { linkSettings, RelayLink } from "./relay-link.ts";
import { RelayRequests } from "./relay-requests.ts";
import { SessionDirectory } from "./session-directory.ts";
import { NO_GLOBAL_WEBSOCKET } from "./transport.ts";

export type { SessionJoin, SessionSnapshot, SessionView } from "./attached-session.ts";
export type * from "./client-types.ts";
export type { ChallengeCheck, ChallengePeer } from "./connection.ts";
// The library's entry point also names what its events carry and how it fails.
export { RelayClientError, type RelayClientErrorCode, RelayRequestError } from "./errors.ts";
export type * from "./messages.ts";
export type { PermissionAnswer, PermissionUpdate } from "./permission-answers.ts";
export { findSession, type SessionLookup } from "./session-lookup.ts";
export type { PeerTrust, Transport, TransportFactory, TransportHandlers } from "./transport.ts";

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
export class RelayClient extends RelayRequests {
  readonly #emitter: Emitter<RelayClientEvents>;
  readonly #log: Logger;
  /** What the client knows about the relay: sessions, positions, pending requests, requests by id. */
  readonly #directory: SessionDirectory;
  /** The connection and the reconnect loop. */
  readonly #link: RelayLink;
  /** v3: the live view of every session followed (the `partial` option). */
  readonly #partial: boolean;

  /** Throws `no_websocket` when no `transport` is given and the runtime has no global WebSocket (Node.js 20). */
  constructor(options: RelayClientOptions) {
    super();
    if (!options.transport && !options.tls && typeof globalThis.WebSocket !== "function") throw new RelayClientError("no_websocket", NO_GLOBAL_WEBSOCKET);
    this.#log = options.log ?? silentLogger;
    this.#emitter = new Emitter((error, name) => this.#log.error("a client event listener threw", { event: name, error: String(error) }));
    const emit: EmitClientEvent = (name, ...args) => this.#emit(name, ...args);
    const directory = new SessionDirectory(
      {
        ...(options.resume && { resume: options.resume }),
        ...(options.session !== undefined && { session: options.session }),
        replayHeld: options.replayHeld === true,
      },
      {
        emit,
        sendNow: (message) => this.#link.sendNow(this.#withPartial(message)),
        stop: (error) => void this.#link.finish({ code: 1000, reason: "no such session", error }),
      },
    );
    this.#directory = directory;
    this.#partial = options.partial === true;
    this.#link = new RelayLink(linkSettings(options, this.#log), {
      emit,
      resume: () => directory.resume(),
      authenticated: (ok, info) => directory.loggedIn(ok, info),
      opened: (ok, info) => directory.join(ok, info),
      message: (message) => directory.receive(message),
      connectionLost: (error) => directory.connectionLost(error),
    });
  }

  get state(): ClientState {
    return this.#link.state;
  }

  get url(): string {
    return this.#link.url;
  }

  /** The id of the session this client follows (Claude Code's session UUID), once known. */
  get sessionId(): string | undefined {
    return this.#directory.sessionId;
  }

  /** The relay's default session (the one `serve --cwd` runs), once authenticated. */
  get defaultSessionId(): string | undefined {
    return this.#directory.defaultSessionId;
  }

  /**
   * The focused session's pickers (v2): Claude's models and slash commands and the permission
   * modes the relay accepts, once its Claude has started (auth.ok, session.attached, then each
   * `session.capabilities`).
   */
  get capabilities(): SessionCapabilities | undefined {
    return this.#directory.capabilitiesOf(this.sessionId);
  }

  /** The relay's sessions as last reported (auth.ok, then each `sessions` update); oldest first. */
  get sessions(): SessionInfo[] {
    return this.#directory.sessions;
  }

  /** The highest seq delivered; what a reconnect resumes from. */
  get lastSeq(): number {
    return this.#directory.lastSeq;
  }

  /** This connection's id as the relay knows it (`by` of our prompts and answers); changes on reconnect. */
  get clientId(): string | undefined {
    return this.#directory.lastAuthOk?.clientId;
  }

  /** The key the relay accepted. */
  get key(): AuthOkMessage["key"] | undefined {
    return this.#directory.lastAuthOk?.key;
  }

  /** Permission requests still waiting for an answer, oldest first. */
  get pendingPermissions(): PermissionRequestMessage[] {
    return this.#directory.pendingPermissions;
  }

  /** The session's state as last reported (auth.ok, then each session.state); undefined before auth.ok. */
  get sessionState(): SessionSnapshot | undefined {
    return this.#directory.sessionState;
  }

  /**
   * Every session followed, each as one value (position, pending requests, state, pickers); the
   * `sessionView` event reports each change.
   *
   * @example
   * for (const view of client.sessionViews) console.log(view.sessionId, view.pendingPermissions.length);
   */
  get sessionViews(): SessionView[] {
    return this.#directory.views;
  }

  /** The sessions followed besides the default one (see {@link attach}). */
  get attachedSessions(): string[] {
    return this.#directory.attachedSessions;
  }

  /** The current WebSocket (for diagnostics and tests); replaced on every reconnect. */
  get socket(): WebSocket | undefined {
    return this.#link.socket;
  }

  /** Resolves once the client has stopped for good. */
  get closed(): Promise<CloseInfo> {
    return this.#link.closed;
  }

  /**
   * A session's pickers (v2), any session the client has heard of.
   *
   * @example
   * client.capabilitiesOf("a2c4…")?.permissionModes; // ["default", "acceptEdits", "plan"]
   */
  capabilitiesOf(sessionId: string): SessionCapabilities | undefined {
    return this.#directory.capabilitiesOf(sessionId);
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
    return waitForEvent(this, name, match, timeoutMs);
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
    return eventStream(this, options);
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
    return this.#link.connect(url);
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
    this.#send({ type: "prompt", text, ...(id !== undefined && { id }), ...(images && images.length > 0 && { images }), ...this.#directory.sessionField() });
  }

  /**
   * Allows a pending tool use, optionally with a changed input, and (v2) with permission updates
   * that spare the same question again. For "allow for this session" pass
   * `forThisSession(request.suggestions)` (or use {@link respond} with `allowForSession(request)`):
   * echoed as they are, Claude's suggestions for Bash and WebFetch are written to the project's settings.
   *
   * @example
   * client.allow(request.requestId, { ...request.input, content: "edited" });
   * client.allow(request.requestId, undefined, forThisSession(request.suggestions));
   */
  allow(requestId: string, updatedInput?: Record<string, unknown>, updatedPermissions?: Array<Record<string, unknown>>): void {
    this.#send(
      permissionResponse(
        requestId,
        { behavior: "allow", ...(updatedInput && { updatedInput }), ...(updatedPermissions && { updatedPermissions }) },
        this.#directory.sessionField(),
      ),
    );
  }

  /**
   * Denies a pending tool use; `message` tells Claude why.
   *
   * @example
   * client.deny(request.requestId, "not that file");
   */
  deny(requestId: string, message?: string): void {
    this.#send(permissionResponse(requestId, { behavior: "deny", ...(message !== undefined && { message }) }, this.#directory.sessionField()));
  }

  /**
   * Answers a permission request of any session followed (permission-answers.ts builds the
   * answers: `allowForSession`, `questionAnswer` for Claude's questions).
   *
   * @example
   * client.respond(request, questionAnswer(request, answersFor(readQuestions(request.input), choices)));
   */
  respond(request: Pick<PermissionRequestMessage, "requestId" | "sessionId">, answer: PermissionAnswer): void {
    this.#send(permissionResponse(request.requestId, answer, request.sessionId === this.defaultSessionId ? {} : { sessionId: request.sessionId }));
  }

  /** Interrupts Claude's current turn (pending permission requests are withdrawn). */
  interrupt(): void {
    this.#send({ type: "interrupt", ...this.#directory.sessionField() });
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
    const state = this.state;
    if (state !== "open" && state !== "reconnecting")
      throw new RelayClientError(state === "closed" ? "closed" : "not_connected", `cannot follow a session while ${state}`);
    const id = this.#directory.resolve(sessionId);
    const detach = this.#directory.leaveFocus(id);
    if (detach) this.#send(detach);
    return this.request<SessionAttachedMessage>(this.#directory.focusOn(id, options.replay ?? "live"), "session.attached");
  }

  /**
   * Changes a session's permission mode and/or model (v2 `session.configure`; default: the focused
   * session); resolves once Claude has taken them, with the session's mode and model now. Rejects
   * with a `RelayRequestError` (`invalid_message`: a mode or model that may not be chosen, in the
   * relay's words; `claude_unavailable`).
   *
   * @example
   * await client.configure({ permissionMode: "plan" });
   * const { model } = await client.configure({ model: "haiku" }, "a2c4…");
   */
  async configure(change: { permissionMode?: PermissionMode; model?: string }, sessionId = this.sessionId): Promise<SessionConfiguredMessage> {
    if (sessionId === undefined) throw new RelayClientError("not_connected", "configure needs a joined session");
    return this.request<SessionConfiguredMessage>({ type: "session.configure", sessionId, ...change }, "session.configured");
  }

  /**
   * Sends `message` with a fresh `id` (queued while reconnecting) and resolves with the relay's
   * `reply` carrying that id: the generic form of `createSession`, `configure`, `changes` … for any request
   * and answer pair of the protocol. Rejects with a `RelayRequestError` when the relay answers
   * with an `error` carrying the id, and with `closed` when the connection ends first.
   *
   * @example
   * const changes = await client.request({ type: "changes.get", sessionId }, "changes");
   */
  request<T extends Record<string, unknown>>(message: ClientMessage, reply: string): Promise<T> {
    return this.#directory.request<T>(message, reply, (withId) => this.#send(withId));
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
    if (this.state === "closed") throw new RelayClientError("closed", `cannot attach to ${sessionId}: the client is closed`);
    const lastSeq = this.#directory.attach(sessionId, options.lastSeq);
    // Not open yet: the login joins the default session and re-attaches the others.
    if (this.state === "open") this.#send({ type: "session.attach", sessionId, lastSeq, ...(options.id !== undefined && { id: options.id }) });
  }

  /**
   * Stops following a session (the relay answers `session.detached`). A detached default session
   * is joined again at the next login.
   *
   * @example
   * client.detach("a2c4e6f8-…");
   */
  detach(sessionId: string, options: { id?: string } = {}): void {
    if (this.state === "closed") throw new RelayClientError("closed", `cannot detach from ${sessionId}: the client is closed`);
    this.#directory.detach(sessionId);
    // Not open: the next login simply does not re-attach it.
    if (this.state === "open") this.#send({ type: "session.detach", sessionId, ...(options.id !== undefined && { id: options.id }) });
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
    return this.#link.ping(timeoutMs);
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
    this.#link.wake(timeoutMs);
  }

  /** Stops for good: closes the socket (1000), cancels reconnecting. Resolves once closed. */
  async close(): Promise<void> {
    await this.#link.finish({ code: 1000, reason: "client closed" });
  }

  #send(message: ClientMessage): void {
    this.#link.send(this.#withPartial(message));
  }

  /** With the `partial` option, every `session.attach` asks for the live view too. */
  #withPartial(message: ClientMessage): ClientMessage {
    return this.#partial && message.type === "session.attach" ? { ...message, partial: true } : message;
  }

  #emit<K extends keyof RelayClientEvents>(name: K, ...args: RelayClientEvents[K]): void {
    this.#emitter.emit(name, ...args);
    // The first join completes connect(): the session asked for is followed.
    if (name === "joined") this.#link.joined(this.#directory.lastAuthOk!);
  }
}
