/**
 * The claude-relay client library: connects to a relay over the global `WebSocket` (Bun, Deno,
 * browsers), answers `auth.challenge` with an SSH key, and delivers the shared session's events —
 * in `seq` order, each once — across network drops, relay restarts and slow-consumer cut-offs by
 * reconnecting with `resume: { sessionId, lastSeq }`.
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
import { silentLogger, type Logger } from "../log/logger.ts";
import { CLOSE_CODES } from "../protocol/errors.ts";
import { serverMessages, type ClientMessage } from "../protocol/messages.ts";
import { isPlainObject, type Infer } from "../protocol/schema.ts";
import { ReconnectBackoff, type ReconnectBackoffOptions } from "./backoff.ts";
import { SessionCursor } from "./session-cursor.ts";
import type { ChallengeSigner } from "./signer.ts";

type ServerMessageTypes = typeof serverMessages;
/** A server message of type `K`, as validated by the protocol schemas (extension fields kept). */
export type ServerMessageOf<K extends keyof ServerMessageTypes> = Infer<ServerMessageTypes[K]>;
export type AuthChallengeMessage = ServerMessageOf<"auth.challenge">;
export type AuthOkMessage = ServerMessageOf<"auth.ok">;
export type ErrorMessage = ServerMessageOf<"error">;
export type PongMessage = ServerMessageOf<"pong">;
export type ClaudeEventMessage = ServerMessageOf<"claude.event">;
export type UserPromptMessage = ServerMessageOf<"user.prompt">;
export type PermissionRequestMessage = ServerMessageOf<"permission.request">;
export type PermissionResolvedMessage = ServerMessageOf<"permission.resolved">;
export type SessionStateMessage = ServerMessageOf<"session.state">;
/** `reason: "detected"` marks a gap the client noticed itself (seqs jumped without an announced gap). */
export type ReplayGapMessage = Omit<ServerMessageOf<"replay.gap">, "reason"> & { reason?: "evicted" | "session_changed" | "detected" };
export type SessionEventMessage = ClaudeEventMessage | UserPromptMessage | PermissionRequestMessage | PermissionResolvedMessage | SessionStateMessage;

const SESSION_EVENT_TYPES = new Set<string>(["claude.event", "user.prompt", "permission.request", "permission.resolved", "session.state"]);

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

export type RelayClientErrorCode =
  | "auth_failed"
  | "auth_timeout"
  | "unreachable"
  | "connection_lost"
  | "gave_up"
  | "signer_failed"
  | "closed"
  | "not_connected"
  | "queue_full"
  | "timeout";

/** Why the client failed, with a code a program can branch on and a message a person can act on. */
export class RelayClientError extends Error {
  override readonly name = "RelayClientError";
  constructor(
    readonly code: RelayClientErrorCode,
    message: string,
    readonly closeCode?: number,
  ) {
    super(message);
  }
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
  /** WebSocket open + authentication must finish within this. Default 15 s. */
  connectTimeoutMs?: number;
  /** Application pings to notice a dead network; `false` disables. Default every 15 s, dead after 45 s of silence. */
  heartbeat?: false | { intervalMs?: number; timeoutMs?: number };
  /** Messages sent while reconnecting are queued up to this many, then sent after auth.ok. Default 100. */
  maxQueuedMessages?: number;
  /** Outstanding `ping()` calls. Default 16. */
  maxPendingPings?: number;
  log?: Logger;
}

interface Attempt {
  socket: WebSocket;
  authenticated: boolean;
  resumed: boolean;
  lastError?: ErrorMessage;
  connectTimer?: ReturnType<typeof setTimeout>;
  heartbeatTimer?: ReturnType<typeof setInterval>;
  lastFrameAt: number;
}

interface PendingPing {
  sentAt: number;
  timer: ReturnType<typeof setTimeout>;
  resolve: (rttMs: number) => void;
  reject: (error: Error) => void;
}

const HEARTBEAT_ID_PREFIX = "claude-relay-client-heartbeat-";
/** Close code the client uses for connections it abandons itself (timeouts, dead network). */
const ABANDONED = 4000;

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
  readonly #backoff: ReconnectBackoff | undefined;
  readonly #cursor: SessionCursor;
  readonly #connectTimeoutMs: number;
  readonly #heartbeat: { intervalMs: number; timeoutMs: number } | undefined;
  readonly #maxQueued: number;
  readonly #maxPendingPings: number;
  readonly #queue: ClientMessage[] = [];
  readonly #pings = new Map<string, PendingPing>();
  readonly #pending = new Map<string, PermissionRequestMessage>();
  #state: ClientState = "idle";
  #url = "";
  #attempt: Attempt | undefined;
  #everAuthenticated = false;
  #authTimeouts = 0;
  #reconnectTimer: ReturnType<typeof setTimeout> | undefined;
  #firstConnect: { resolve: (ok: AuthOkMessage) => void; reject: (error: Error) => void } | undefined;
  #closed: Promise<CloseInfo>;
  #resolveClosed!: (info: CloseInfo) => void;
  #pingCounter = 0;
  #clientId: string | undefined;
  #key: AuthOkMessage["key"] | undefined;

  constructor(options: RelayClientOptions) {
    this.#signer = options.signer;
    this.#log = options.log ?? silentLogger;
    this.#emitter = new Emitter((error, name) => this.#log.error("a client event listener threw", { event: name, error: String(error) }));
    this.#backoff = options.reconnect === false ? undefined : new ReconnectBackoff(options.reconnect === true ? {} : options.reconnect);
    this.#cursor = new SessionCursor(options.resume);
    this.#connectTimeoutMs = options.connectTimeoutMs ?? 15_000;
    this.#heartbeat = options.heartbeat === false ? undefined : { intervalMs: options.heartbeat?.intervalMs ?? 15_000, timeoutMs: options.heartbeat?.timeoutMs ?? 45_000 };
    this.#maxQueued = options.maxQueuedMessages ?? 100;
    this.#maxPendingPings = options.maxPendingPings ?? 16;
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
    return this.#cursor.sessionId;
  }

  /** The highest seq delivered; what a reconnect resumes from. */
  get lastSeq(): number {
    return this.#cursor.lastSeq;
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
    return [...this.#pending.values()].sort((a, b) => a.seq - b.seq);
  }

  /** The current WebSocket (for diagnostics and tests); replaced on every reconnect. */
  get socket(): WebSocket | undefined {
    return this.#attempt?.socket;
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
   * Connects and authenticates. Resolves with `auth.ok`; rejects (and the client is closed) when
   * the first connection fails: `unreachable`, `auth_failed` (the key is not authorized),
   * `auth_timeout` (twice), `signer_failed`. Reconnecting applies once connected.
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
    if (this.#state !== "open") return Promise.reject(new RelayClientError("not_connected", `cannot ping while ${this.#state}`));
    if (this.#pings.size >= this.#maxPendingPings) return Promise.reject(new RelayClientError("queue_full", `${this.#pings.size} pings already outstanding`));
    const id = `ping-${++this.#pingCounter}`;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.#pings.delete(id);
        reject(new RelayClientError("timeout", `no pong within ${timeoutMs} ms`));
      }, timeoutMs);
      this.#pings.set(id, { sentAt: Date.now(), timer, resolve, reject });
      this.#transmit({ type: "ping", id });
    });
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
      this.#backoff?.reset();
      this.#open();
      return;
    }
    const attempt = this.#attempt;
    if (this.#state !== "open" || !attempt) return;
    this.ping(timeoutMs).catch((error: RelayClientError) => {
      if (error.code === "timeout") this.#abandon(attempt, `no pong within ${timeoutMs} ms after waking up`);
    });
  }

  /** Stops for good: closes the socket (1000), cancels reconnecting. Resolves once closed. */
  async close(): Promise<void> {
    if (this.#state === "closed") return;
    const attempt = this.#attempt;
    this.#finish({ code: 1000, reason: "client closed" });
    if (attempt && attempt.socket.readyState !== WebSocket.CLOSED) {
      const socketClosed = new Promise<void>((resolve) => attempt.socket.addEventListener("close", () => resolve(), { once: true }));
      attempt.socket.close(1000, "client closed");
      // A dead network never completes the closing handshake; don't wait for it forever.
      await Promise.race([socketClosed, new Promise<void>((resolve) => setTimeout(resolve, 1000))]);
    }
  }

  // ── connection lifecycle ──────────────────────────────────────────────────────────────────────

  #open(): void {
    let socket: WebSocket;
    try {
      socket = new WebSocket(this.#url);
    } catch (error) {
      return this.#finish({ code: 0, reason: "", error: new RelayClientError("unreachable", `invalid relay URL ${this.#url}: ${(error as Error).message}`) });
    }
    const attempt: Attempt = { socket, authenticated: false, resumed: false, lastFrameAt: Date.now() };
    this.#attempt = attempt;
    attempt.connectTimer = setTimeout(() => {
      this.#log.warn("connect timed out", { url: this.#url, connectTimeoutMs: this.#connectTimeoutMs });
      this.#abandon(attempt, `no auth.ok within ${this.#connectTimeoutMs} ms`);
    }, this.#connectTimeoutMs);
    socket.addEventListener("open", () => {
      if (this.#attempt === attempt) this.#setState("authenticating");
    });
    socket.addEventListener("message", (event) => {
      if (this.#attempt === attempt) this.#onFrame(attempt, event.data);
    });
    socket.addEventListener("close", (event) => {
      if (this.#attempt === attempt) this.#lost(attempt, event.code, event.reason);
    });
  }

  /** Gives up on a connection that stopped answering; its late events are ignored. */
  #abandon(attempt: Attempt, reason: string): void {
    if (this.#attempt !== attempt) return;
    try {
      attempt.socket.close(ABANDONED, reason.slice(0, 120));
    } catch {
      // already closing
    }
    this.#lost(attempt, ABANDONED, reason);
  }

  #lost(attempt: Attempt, code: number, reason: string): void {
    this.#stopTimers(attempt);
    this.#attempt = undefined;
    this.#rejectPings(new RelayClientError("connection_lost", "connection lost before the pong"));
    if (this.#state === "closed") return;
    const errorCode = attempt.lastError?.code;
    this.#log.info("connection closed", { url: this.#url, code, reason, error: errorCode });

    if (code === CLOSE_CODES.authFailed || errorCode === "auth_failed") {
      return this.#fail(code, reason, new RelayClientError("auth_failed", authFailedMessage(this.#signer), code), attempt);
    }
    if (code === CLOSE_CODES.authTimeout || errorCode === "auth_timeout") {
      // Once may be a slow agent (a confirmation prompt); twice in a row is not going to get better.
      if (++this.#authTimeouts > 1) {
        return this.#fail(code, reason, new RelayClientError("auth_timeout", "the relay timed out waiting for our signature twice in a row", code), attempt);
      }
    }
    if (!this.#everAuthenticated && code !== CLOSE_CODES.authTimeout) {
      const error = attempt.lastError
        ? new RelayClientError("unreachable", `the relay at ${this.#url} refused the connection: ${attempt.lastError.code}: ${attempt.lastError.message}`, code)
        : new RelayClientError("unreachable", `cannot connect to ${this.#url} (${describeClose(code, reason)})`, code);
      return this.#fail(code, reason, error, attempt);
    }
    const delayMs = this.#backoff?.next() ?? (this.#everAuthenticated ? undefined : 0);
    if (delayMs === undefined) {
      const error = this.#backoff
        ? new RelayClientError("gave_up", `gave up reconnecting to ${this.#url} after ${this.#backoff.maxAttempts} attempts`, code)
        : new RelayClientError("connection_lost", `connection to ${this.#url} lost (${describeClose(code, reason)})`, code);
      return this.#fail(code, reason, error, attempt);
    }
    const attemptNumber = this.#backoff?.attempt ?? 1;
    this.#emit("disconnect", { code, reason, ...(attempt.lastError && { error: attempt.lastError }), willReconnect: true, delayMs, attempt: attemptNumber });
    this.#setState("reconnecting");
    this.#reconnectTimer = setTimeout(() => {
      this.#reconnectTimer = undefined;
      if (this.#state === "reconnecting") this.#open();
    }, delayMs);
  }

  #fail(code: number, reason: string, error: RelayClientError, attempt: Attempt): void {
    if (this.#everAuthenticated) {
      this.#emit("disconnect", { code, reason, ...(attempt.lastError && { error: attempt.lastError }), willReconnect: false });
    }
    this.#finish({ code, reason, error });
  }

  #finish(info: CloseInfo): void {
    if (this.#state === "closed") return;
    if (this.#reconnectTimer) clearTimeout(this.#reconnectTimer);
    if (this.#attempt) this.#stopTimers(this.#attempt);
    this.#attempt = undefined;
    this.#rejectPings(new RelayClientError("closed", "client closed"));
    this.#queue.length = 0;
    this.#setState("closed");
    if (this.#firstConnect) {
      this.#firstConnect.reject(info.error ?? new RelayClientError("closed", "closed before authenticating"));
      this.#firstConnect = undefined;
    }
    this.#emit("close", info);
    this.#resolveClosed(info);
  }

  #stopTimers(attempt: Attempt): void {
    clearTimeout(attempt.connectTimer);
    clearInterval(attempt.heartbeatTimer);
  }

  #startHeartbeat(attempt: Attempt): void {
    const heartbeat = this.#heartbeat;
    if (!heartbeat) return;
    attempt.heartbeatTimer = setInterval(() => {
      if (Date.now() - attempt.lastFrameAt > heartbeat.timeoutMs) {
        this.#log.warn("relay silent, reconnecting", { url: this.#url, silentMs: Date.now() - attempt.lastFrameAt });
        return this.#abandon(attempt, `nothing from the relay for ${heartbeat.timeoutMs} ms`);
      }
      this.#transmit({ type: "ping", id: `${HEARTBEAT_ID_PREFIX}${++this.#pingCounter}` });
    }, heartbeat.intervalMs);
  }

  // ── incoming ──────────────────────────────────────────────────────────────────────────────────

  #onFrame(attempt: Attempt, data: unknown): void {
    attempt.lastFrameAt = Date.now();
    let frame: unknown;
    try {
      frame = JSON.parse(typeof data === "string" ? data : new TextDecoder().decode(data as ArrayBuffer));
    } catch {
      return this.#emit("warning", "the relay sent a frame that is not JSON; ignored");
    }
    if (!isPlainObject(frame) || typeof frame.type !== "string") return this.#emit("warning", "the relay sent a frame without a type; ignored");
    const type = frame.type;
    const schema = (serverMessages as Record<string, (typeof serverMessages)[keyof typeof serverMessages]>)[type];
    if (schema) {
      const checked = schema.parse(frame);
      if (!checked.ok) return this.#emit("warning", `the relay sent an invalid ${type}: ${checked.error}; ignored`);
    }
    if (SESSION_EVENT_TYPES.has(type)) return this.#onSessionEvent(frame as unknown as SessionEventMessage);
    switch (type) {
      case "auth.challenge":
        return void this.#answerChallenge(attempt, frame as unknown as AuthChallengeMessage);
      case "auth.ok":
        return this.#onAuthOk(attempt, frame as unknown as AuthOkMessage);
      case "replay.gap": {
        const gap = frame as unknown as ReplayGapMessage;
        this.#cursor.adopt(gap.sessionId);
        this.#cursor.skip(gap);
        this.#emit("frame", frame);
        return this.#emit("replay.gap", gap);
      }
      case "pong":
        return this.#onPong(frame as unknown as PongMessage);
      case "error": {
        const error = frame as unknown as ErrorMessage;
        attempt.lastError = error;
        this.#emit("frame", frame);
        return this.#emit("error", error);
      }
      default:
        this.#emit("frame", frame);
        this.#emit("warning", `the relay sent an unknown message type ${JSON.stringify(type)}; ignored`);
    }
  }

  async #answerChallenge(attempt: Attempt, challenge: AuthChallengeMessage): Promise<void> {
    this.#emit("frame", challenge as unknown as Record<string, unknown>);
    if (challenge.protocol !== 1) this.#emit("warning", `the relay speaks protocol ${challenge.protocol}; this client speaks 1`);
    let signature: string;
    try {
      signature = await this.#signer.sign(challenge.challenge);
    } catch (error) {
      if (this.#attempt !== attempt) return;
      const message = `cannot sign the challenge with ${this.#signer.fingerprint} (${this.#signer.source}): ${(error as Error).message}`;
      try {
        attempt.socket.close(1000, "signer failed");
      } catch {
        // already closing
      }
      this.#stopTimers(attempt);
      this.#attempt = undefined;
      return this.#finish({ code: 0, reason: "", error: new RelayClientError("signer_failed", message) });
    }
    if (this.#attempt !== attempt) return;
    const resume = this.#cursor.resume();
    attempt.resumed = resume !== undefined;
    this.#transmit({ type: "auth.response", signature, ...(resume && { resume }) });
  }

  #onAuthOk(attempt: Attempt, ok: AuthOkMessage): void {
    clearTimeout(attempt.connectTimer);
    attempt.authenticated = true;
    this.#everAuthenticated = true;
    this.#authTimeouts = 0;
    this.#backoff?.reset();
    if (this.#cursor.join(ok.sessionId, { resumed: attempt.resumed, lastSeq: ok.lastSeq }) && attempt.resumed) {
      this.#emit("warning", `the relay runs another session now (${ok.sessionId}); seqs start over`);
    }
    this.#clientId = ok.clientId;
    this.#key = ok.key;
    this.#pending.clear();
    for (const request of ok.state.pendingPermissions) this.#pending.set(request.requestId, request);
    this.#setState("open");
    this.#startHeartbeat(attempt);
    this.#emit("frame", ok as unknown as Record<string, unknown>);
    this.#emit("auth.ok", ok, { resumed: attempt.resumed });
    const first = this.#firstConnect;
    this.#firstConnect = undefined;
    first?.resolve(ok);
    for (const message of this.#queue.splice(0)) this.#transmit(message);
  }

  #onSessionEvent(event: SessionEventMessage): void {
    const verdict = this.#cursor.accept(event.sessionId, event.seq);
    if (!verdict.deliver) return this.#emit("warning", `dropped a duplicate of seq ${event.seq}`);
    if (verdict.gap) {
      this.#emit("warning", `seqs ${verdict.gap.fromSeq}…${verdict.gap.toSeq} never arrived`);
      this.#emit("replay.gap", { type: "replay.gap", sessionId: event.sessionId, ...verdict.gap, reason: "detected" });
    }
    if (event.type === "permission.request") this.#pending.set(event.requestId, event);
    if (event.type === "permission.resolved") this.#pending.delete(event.requestId);
    this.#emit("frame", event as unknown as Record<string, unknown>);
    // Each session event type is also an event name of the same payload type.
    (this.#emit as (name: SessionEventMessage["type"], event: SessionEventMessage) => void)(event.type, event);
    this.#emit("event", event);
  }

  #onPong(pong: PongMessage): void {
    if (pong.id?.startsWith(HEARTBEAT_ID_PREFIX)) return;
    const pending = pong.id === undefined ? undefined : this.#pings.get(pong.id);
    if (pending && pong.id !== undefined) {
      this.#pings.delete(pong.id);
      clearTimeout(pending.timer);
      pending.resolve(Date.now() - pending.sentAt);
    }
    this.#emit("frame", pong as unknown as Record<string, unknown>);
    this.#emit("pong", pong);
  }

  // ── outgoing ──────────────────────────────────────────────────────────────────────────────────

  #send(message: ClientMessage): void {
    if (this.#state === "open") return this.#transmit(message);
    if (this.#state === "closed" || this.#state === "idle") {
      throw new RelayClientError(this.#state === "idle" ? "not_connected" : "closed", `cannot send ${message.type}: the client is ${this.#state === "idle" ? "not connected" : "closed"}`);
    }
    if (this.#queue.length >= this.#maxQueued) {
      throw new RelayClientError("queue_full", `${this.#queue.length} messages already wait for the connection; ${message.type} not sent`);
    }
    this.#queue.push(message);
  }

  #transmit(message: ClientMessage): void {
    const socket = this.#attempt?.socket;
    if (socket?.readyState === WebSocket.OPEN) socket.send(JSON.stringify(message));
  }

  #rejectPings(error: RelayClientError): void {
    for (const ping of this.#pings.values()) {
      clearTimeout(ping.timer);
      ping.reject(error);
    }
    this.#pings.clear();
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

/** What a person should know when the relay refuses the key. */
function authFailedMessage(signer: ChallengeSigner): string {
  const source = signer.source === "agent" ? "from ssh-agent" : "from the key file";
  return `your key ${signer.fingerprint} (${source}) is not in the relay's authorized_keys, or may not log in from this address: the relay refused it`;
}

function describeClose(code: number, reason: string): string {
  if (code === 1006) return "no connection or it dropped: is the relay running and the URL right?";
  return reason ? `close ${code}: ${reason}` : `close ${code}`;
}
