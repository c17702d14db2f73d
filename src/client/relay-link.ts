/**
 * The client's link to one relay that survives drops: one authenticated connection at a time
 * (connection.ts), and after an unexpected close the reconnect loop — whether and when to try
 * again (reconnect-policy.ts), a fresh backoff on wake-up — until it gives up or is closed. While
 * reconnecting, messages wait in a bounded queue and go out after the next auth.ok. What the
 * messages mean is the model's business (session-directory.ts); the facade (client.ts) joins both.
 *
 * @example
 * ```ts
 * const link = new RelayLink(settings, { emit, resume: () => undefined, authenticated: (ok) => true, message: console.log, connectionLost: () => {} });
 * const ok = link.connect("ws://127.0.0.1:7717/ws"); // resolves when the facade calls link.joined(ok)
 * link.send({ type: "prompt", text: "hi" });         // queued until open
 * await link.close();
 * ```
 */
import type { Logger } from "../log/silent-logger.ts";
import type { ClientMessage } from "../protocol/messages.ts";
import { type BackoffSettings, backoffSettings } from "./backoff.ts";
import type { ClientState, CloseInfo, EmitClientEvent, RelayClientOptions } from "./client-types.ts";
import { type ChallengeCheck, type ConnectionEnd, RelayConnection, type RelayMessage } from "./connection.ts";
import type { ConnectionState } from "./connection-state.ts";
import { giveUpError, RelayClientError } from "./errors.ts";
import type { AuthOkMessage } from "./messages.ts";
import { decideReconnect } from "./reconnect-policy.ts";
import type { ChallengeSigner } from "./signer.ts";
import { type TransportFactory, webSocketTransport } from "./transport.ts";

export interface LinkSettings {
  signer: ChallengeSigner;
  log: Logger;
  /** Undefined: no reconnecting after the first drop. */
  backoff: BackoffSettings | undefined;
  connectTimeoutMs: number;
  heartbeat: { intervalMs: number; timeoutMs: number } | undefined;
  maxQueued: number;
  maxPendingPings: number;
  checkChallenge: ChallengeCheck | undefined;
  transport: TransportFactory;
  /** v3: the live view at login. */
  partial: boolean;
}

/**
 * The client's options with their defaults: 15 s to log in, a ping every 15 s (dead after 45 s of
 * silence), 100 queued messages, 16 pings in flight; the TLS check runs before `checkChallenge`.
 *
 * @example
 * linkSettings({ signer, reconnect: false }, silentLogger).backoff; // undefined
 */
export function linkSettings(options: RelayClientOptions, log: Logger): LinkSettings {
  return {
    signer: options.signer,
    log,
    backoff: options.reconnect === false ? undefined : backoffSettings(options.reconnect === true ? {} : options.reconnect),
    connectTimeoutMs: options.connectTimeoutMs ?? 15_000,
    heartbeat:
      options.heartbeat === false ? undefined : { intervalMs: options.heartbeat?.intervalMs ?? 15_000, timeoutMs: options.heartbeat?.timeoutMs ?? 45_000 },
    maxQueued: options.maxQueuedMessages ?? 100,
    maxPendingPings: options.maxPendingPings ?? 16,
    checkChallenge: chainChecks(options.tls?.checkChallenge, options.checkChallenge),
    transport: options.transport ?? options.tls?.transport ?? webSocketTransport,
    partial: options.partial === true,
  };
}

/** Both checks in order (the TLS one first); the first to throw refuses the challenge. */
function chainChecks(first: ChallengeCheck | undefined, second: ChallengeCheck | undefined): ChallengeCheck | undefined {
  if (!first || !second) return first ?? second;
  return async (challenge, peer) => {
    await first(challenge, peer);
    await second(challenge, peer);
  };
}

/** What the link needs from the client around it. */
export interface LinkHooks {
  emit: EmitClientEvent;
  /** The `resume` of the next login. */
  resume(): { sessionId: string; lastSeq: number } | undefined;
  /** auth.ok, before the link is open; false when the client cannot go on (it was closed). */
  authenticated(ok: AuthOkMessage, info: { resumed: boolean }): boolean;
  /** auth.ok, once open and before the queued messages go out. */
  opened(ok: AuthOkMessage, info: { resumed: boolean }): void;
  message(message: RelayMessage): void;
  /** The connection ended: nothing on it will be answered. */
  connectionLost(error: Error): void;
}

/** The login states of one connection that the client reports as `authenticating`. */
const AUTHENTICATING = new Set<ConnectionState>(["awaiting_challenge", "signing", "authenticating"]);

export class RelayLink {
  readonly #settings: LinkSettings;
  readonly #hooks: LinkHooks;
  readonly #queue: ClientMessage[] = [];
  #state: ClientState = "idle";
  #url = "";
  #connection: RelayConnection | undefined;
  #everAuthenticated = false;
  /** Failed attempts since the last auth.ok: what the reconnect policy decides on. */
  #streak = { attempts: 0, authTimeouts: 0, since: undefined as number | undefined };
  #reconnectTimer: ReturnType<typeof setTimeout> | undefined;
  #firstConnect: { resolve: (ok: AuthOkMessage) => void; reject: (error: Error) => void } | undefined;
  readonly #closed: Promise<CloseInfo>;
  #resolveClosed!: (info: CloseInfo) => void;

  constructor(settings: LinkSettings, hooks: LinkHooks) {
    this.#settings = settings;
    this.#hooks = hooks;
    this.#closed = new Promise((resolve) => (this.#resolveClosed = resolve));
  }

  get state(): ClientState {
    return this.#state;
  }

  get url(): string {
    return this.#url;
  }

  get socket(): WebSocket | undefined {
    return this.#connection?.transport?.socket;
  }

  get closed(): Promise<CloseInfo> {
    return this.#closed;
  }

  /** Starts connecting; resolves with auth.ok at {@link joined}, rejects when the first connection fails for good. */
  connect(url: string): Promise<AuthOkMessage> {
    if (this.#state !== "idle") return Promise.reject(new RelayClientError("closed", `connect() called in state ${this.#state}`));
    this.#url = url;
    return new Promise((resolve, reject) => {
      this.#firstConnect = { resolve, reject };
      this.#setState("connecting");
      this.#open();
    });
  }

  /** The session asked for was joined: the first connect is complete. */
  joined(ok: AuthOkMessage): void {
    const first = this.#firstConnect;
    this.#firstConnect = undefined;
    first?.resolve(ok);
  }

  /** Sends now when open, queues while connecting or reconnecting; throws when idle, closed or the queue is full. */
  send(message: ClientMessage): void {
    if (this.#state === "open") return this.#connection?.send(message);
    if (this.#state === "closed" || this.#state === "idle") {
      throw new RelayClientError(
        this.#state === "idle" ? "not_connected" : "closed",
        `cannot send ${message.type}: the client is ${this.#state === "idle" ? "not connected" : "closed"}`,
      );
    }
    if (this.#queue.length >= this.#settings.maxQueued) {
      throw new RelayClientError("queue_full", `${this.#queue.length} messages already wait for the connection; ${message.type} not sent`);
    }
    this.#queue.push(message);
  }

  /** Sends on the current connection, ahead of the queue (login traffic). */
  sendNow(message: ClientMessage): void {
    this.#connection?.send(message);
  }

  ping(timeoutMs: number): Promise<number> {
    if (this.#state !== "open" || !this.#connection) return Promise.reject(new RelayClientError("not_connected", `cannot ping while ${this.#state}`));
    return this.#connection.ping(timeoutMs);
  }

  /** Waiting to reconnect: try now with a fresh backoff. Open: ping, and replace a connection that does not answer. */
  wake(timeoutMs: number): void {
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

  /** Stops for good; resolves once the last connection's socket is closed. */
  finish(info: CloseInfo): Promise<void> {
    if (this.#state === "closed") return Promise.resolve();
    clearTimeout(this.#reconnectTimer);
    const connection = this.#connection;
    this.#connection = undefined;
    const socketClosed = connection?.close(1000, "client closed", new RelayClientError("closed", "client closed")) ?? Promise.resolve();
    this.#queue.length = 0;
    this.#hooks.connectionLost(info.error ?? new RelayClientError("closed", "client closed"));
    this.#setState("closed");
    if (this.#firstConnect) {
      this.#firstConnect.reject(info.error ?? new RelayClientError("closed", "closed before authenticating"));
      this.#firstConnect = undefined;
    }
    this.#hooks.emit("close", info);
    this.#resolveClosed(info);
    return socketClosed;
  }

  #open(): void {
    const settings = this.#settings;
    const emit = this.#hooks.emit;
    const connection = new RelayConnection(
      {
        url: this.#url,
        signer: settings.signer,
        transport: settings.transport,
        resume: () => this.#hooks.resume(),
        ...(settings.partial && { partial: true }),
        ...(settings.checkChallenge && { checkChallenge: settings.checkChallenge }),
        connectTimeoutMs: settings.connectTimeoutMs,
        ...(settings.heartbeat && { heartbeat: settings.heartbeat }),
        maxPendingPings: settings.maxPendingPings,
        log: settings.log,
      },
      {
        state: (state) => {
          if (AUTHENTICATING.has(state)) this.#setState("authenticating");
        },
        challenge: (challenge) => emit("frame", challenge as unknown as Record<string, unknown>),
        open: (ok, info) => this.#onAuthenticated(ok, info),
        message: (message) => this.#hooks.message(message),
        unknown: (frame) => emit("frame", frame),
        warning: (text) => emit("warning", text),
        end: (end) => this.#onConnectionEnd(end),
      },
    );
    this.#connection = connection;
    connection.start();
  }

  #onAuthenticated(ok: AuthOkMessage, info: { resumed: boolean }): void {
    this.#everAuthenticated = true;
    this.#streak = { attempts: 0, authTimeouts: 0, since: undefined };
    if (!this.#hooks.authenticated(ok, info)) return;
    this.#setState("open");
    this.#hooks.opened(ok, info);
    for (const message of this.#queue.splice(0)) this.#connection?.send(message);
  }

  #onConnectionEnd(end: ConnectionEnd): void {
    this.#connection = undefined;
    this.#hooks.connectionLost(new RelayClientError("closed", `the connection to ${this.#url} ended before the relay answered`));
    this.#settings.log.info("connection closed", { url: this.#url, code: end.code, reason: end.reason, error: end.relayError?.code ?? end.failure?.kind });
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
      this.#settings.backoff,
      Math.random(),
    );
    const lost = { code: end.code, reason: end.reason, ...(end.relayError && { error: end.relayError }) };
    if (decision.action === "give_up") {
      const error = giveUpError(decision.reason, {
        url: this.#url,
        signer: this.#settings.signer,
        closeCode: end.code,
        closeReason: end.reason,
        ...(end.relayError && { relayError: end.relayError }),
        ...(end.failure && { localMessage: end.failure.message, localCause: end.failure.cause }),
        attempts: streak.attempts,
        elapsedMs,
      });
      if (this.#everAuthenticated) this.#hooks.emit("disconnect", { ...lost, willReconnect: false });
      void this.finish({ code: end.code, reason: end.reason, error });
      return;
    }
    streak.attempts = decision.attempt;
    streak.authTimeouts = decision.authTimeouts;
    this.#hooks.emit("disconnect", { ...lost, willReconnect: true, delayMs: decision.delayMs, attempt: decision.attempt });
    this.#setState("reconnecting");
    this.#reconnectTimer = setTimeout(() => {
      this.#reconnectTimer = undefined;
      if (this.#state === "reconnecting") this.#open();
    }, decision.delayMs);
  }

  #setState(state: ClientState): void {
    const previous = this.#state;
    if (previous === state) return;
    this.#state = state;
    this.#hooks.emit("state", state, previous);
  }
}
