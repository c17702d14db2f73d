/**
 * One connection to a relay, from opening the transport to its close. The login is a state
 * machine (connection-state.ts): wait for `auth.challenge`, check it and sign it, send
 * `auth.response` with the resume position, wait for `auth.ok`. Then the authenticated link:
 * frames in and out, application pings, and a heartbeat that notices a relay gone silent (a
 * half-open TCP connection never closes by itself). A connection ends once and says how;
 * whether to try again is its owner's decision (reconnect-policy.ts).
 *
 * @example
 * ```ts
 * const connection = new RelayConnection(
 *   { url, signer, transport: webSocketTransport, resume: () => undefined, connectTimeoutMs: 15_000, maxPendingPings: 16, log },
 *   {
 *     state: (state) => console.log(state),      // connecting → awaiting_challenge → signing → authenticating → open
 *     challenge: () => {},
 *     open: (ok) => console.log("logged in as", ok.key.fingerprint),
 *     message: (message) => console.log(message.type),
 *     unknown: () => {},
 *     warning: (text) => console.warn(text),
 *     end: (end) => console.log("closed", end.code),
 *   },
 * );
 * connection.start();
 * ```
 */
import type { Logger } from "../log/silent-logger.ts";
import type { ClientMessage } from "../protocol/messages.ts";
import { type ConnectionEvent, type ConnectionState, transition } from "./connection-state.ts";
import { RelayClientError } from "./errors.ts";
import { type AuthChallengeMessage, type AuthOkMessage, decodeServerFrame, type ErrorMessage, type PongMessage, type ServerMessage } from "./messages.ts";
import type { LocalFailure } from "./reconnect-policy.ts";
import type { ChallengeSigner } from "./signer.ts";
import type { PeerTrust, Transport, TransportFactory } from "./transport.ts";

/** What a check before signing knows of the connection the challenge came on. */
export interface ChallengePeer {
  /** The URL this connection was opened to. */
  url: string;
  /** The DER certificate the relay presented on this connection, when the transport can see it (TLS). */
  certificate?: Uint8Array;
  /** Whether that certificate is valid for the host under the trusted CAs, when the transport can tell. */
  trust?: PeerTrust;
}

/**
 * Looks at the relay's challenge before the key signs it; throwing (or rejecting) refuses it:
 * nothing is signed and the connection ends with `challenge_refused` (the thrown error is the
 * `cause` of the client's error). This is where a client binds the login to the TLS connection
 * (the challenge's `tls:` line against `certificate`, the one the transport saw), so a challenge
 * relayed from another server is never signed: see relay-tls.ts.
 */
export type ChallengeCheck = (challenge: AuthChallengeMessage, peer: ChallengePeer) => void | Promise<void>;

export interface RelayConnectionOptions {
  url: string;
  signer: ChallengeSigner;
  transport: TransportFactory;
  /** The resume to send with the signature; asked when the signature is ready, so it is current. */
  resume: () => { sessionId: string; lastSeq: number } | undefined;
  checkChallenge?: ChallengeCheck;
  /** Transport open + login must finish within this. */
  connectTimeoutMs: number;
  /** Application pings once open; a relay silent for `timeoutMs` is given up on. */
  heartbeat?: { intervalMs: number; timeoutMs: number };
  /** Outstanding `ping()` calls. */
  maxPendingPings: number;
  log: Logger;
}

/** How a connection ended. */
export interface ConnectionEnd {
  /** WebSocket close code; {@link ABANDONED} when this side gave up on it; 0 when it failed here for good. */
  code: number;
  reason: string;
  /** The relay's last `error` frame (e.g. slow_consumer, shutting_down, auth_failed). */
  relayError?: ErrorMessage;
  /** This side's failure, in words for a person; `cause`: what a check before signing threw. */
  failure?: { kind: LocalFailure; message: string; cause?: unknown };
}

/** What the relay sends after the handshake (the connection consumes auth.challenge and auth.ok itself). */
export type RelayMessage = Exclude<ServerMessage, AuthChallengeMessage | AuthOkMessage>;

/** What a connection reports to its owner. Nothing is reported after `end`, or after `close()`. */
export interface ConnectionHandlers {
  state(state: ConnectionState, previous: ConnectionState): void;
  /** The challenge, before it is checked and signed. */
  challenge(challenge: AuthChallengeMessage): void;
  /** Logged in; `resumed` when the response carried a resume. */
  open(ok: AuthOkMessage, info: { resumed: boolean }): void;
  /** Every later frame in order, except the heartbeat's own pongs. Session events only once open. */
  message(message: RelayMessage): void;
  /** A frame of a type this client does not know. */
  unknown(frame: Record<string, unknown>, type: string): void;
  /** Something odd but survivable (an invalid or out-of-order frame). */
  warning(text: string): void;
  end(end: ConnectionEnd): void;
}

/** Close code for connections this side abandons (a timeout, a silent relay). */
export const ABANDONED = 4000;

const HEARTBEAT_ID_PREFIX = "claude-relay-client-heartbeat-";

interface PendingPing {
  sentAt: number;
  timer: ReturnType<typeof setTimeout>;
  resolve: (rttMs: number) => void;
  reject: (error: Error) => void;
}

/**
 * One connection attempt and, once logged in, the link it becomes.
 *
 * @example
 * const connection = new RelayConnection(options, handlers);
 * connection.start();
 * // … once open:
 * connection.send({ type: "prompt", text: "hi" });
 * await connection.close(1000, "bye", new RelayClientError("closed", "client closed"));
 */
export class RelayConnection {
  readonly #options: RelayConnectionOptions;
  readonly #handlers: ConnectionHandlers;
  readonly #pings = new Map<string, PendingPing>();
  #transport: Transport | undefined;
  #state: ConnectionState = "connecting";
  #resumed = false;
  #relayError: ErrorMessage | undefined;
  #lastFrameAt = 0;
  #pingCounter = 0;
  #connectTimer: ReturnType<typeof setTimeout> | undefined;
  #heartbeatTimer: ReturnType<typeof setInterval> | undefined;

  constructor(options: RelayConnectionOptions, handlers: ConnectionHandlers) {
    this.#options = options;
    this.#handlers = handlers;
  }

  get state(): ConnectionState {
    return this.#state;
  }

  get transport(): Transport | undefined {
    return this.#transport;
  }

  /** Opens the transport; the login follows by itself. */
  start(): void {
    const { url, connectTimeoutMs, log } = this.#options;
    try {
      this.#transport = this.#options.transport(url, {
        open: () => this.#transportOnOpen(),
        message: (data) => this.#transportOnMessage(data),
        close: (code, reason) => this.#end(code, reason),
      });
    } catch (error) {
      return this.#end(0, "", { kind: "invalid_url", message: `invalid relay URL ${url}: ${(error as Error).message}` });
    }
    this.#lastFrameAt = Date.now();
    this.#connectTimer = setTimeout(() => {
      log.warn("connect timed out", { url, connectTimeoutMs });
      this.abandon(`no auth.ok within ${connectTimeoutMs} ms`);
    }, connectTimeoutMs);
  }

  /** Sends a message (the owner sends only once open). */
  send(message: ClientMessage): void {
    this.#transport?.send(JSON.stringify(message));
  }

  /**
   * Application-level ping; resolves with the round trip in ms.
   *
   * @example
   * console.log(`rtt ${await connection.ping(10_000)} ms`);
   */
  ping(timeoutMs: number): Promise<number> {
    if (this.#pings.size >= this.#options.maxPendingPings) {
      return Promise.reject(new RelayClientError("queue_full", `${this.#pings.size} pings already outstanding`));
    }
    const id = `ping-${++this.#pingCounter}`;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.#pings.delete(id);
        reject(new RelayClientError("timeout", `no pong within ${timeoutMs} ms`));
      }, timeoutMs);
      this.#pings.set(id, { sentAt: Date.now(), timer, resolve, reject });
      this.send({ type: "ping", id });
    });
  }

  /** Ends the connection from the owner's side: outstanding pings fail with `why`; nothing more is reported. */
  close(code: number, reason: string, why: RelayClientError): Promise<void> {
    if (this.#state === "closed") return Promise.resolve();
    this.#stop(why);
    this.#to("end");
    return this.#transport?.close(code, reason) ?? Promise.resolve();
  }

  // ── transport events ──────────────────────────────────────────────────────────────────────────

  #transportOnOpen(): void {
    this.#to("transport_open");
  }

  #transportOnMessage(data: string | ArrayBuffer): void {
    if (this.#state === "closed") return;
    this.#lastFrameAt = Date.now();
    const decoded = decodeServerFrame(data);
    if (decoded.kind === "invalid") return this.#handlers.warning(`${decoded.problem}; ignored`);
    if (decoded.kind === "unknown") {
      this.#handlers.unknown(decoded.frame, decoded.type);
      return this.#handlers.warning(`the relay sent an unknown message type ${JSON.stringify(decoded.type)}; ignored`);
    }
    const message = decoded.message;
    switch (message.type) {
      case "auth.challenge":
        return this.#receiveChallenge(message);
      case "auth.ok":
        return this.#receiveAuthOk(message);
      case "pong":
        return this.#receivePong(message);
      case "error":
        this.#relayError = message;
        return this.#handlers.message(message);
      default:
        // A relay sends session events only to clients it has logged in.
        if (this.#state !== "open") return this.#handlers.warning(`the relay sent ${message.type} before auth.ok; ignored`);
        return this.#handlers.message(message);
    }
  }

  // ── the login ─────────────────────────────────────────────────────────────────────────────────

  #receiveChallenge(challenge: AuthChallengeMessage): void {
    if (!this.#to("challenge")) return this.#handlers.warning(`the relay sent auth.challenge while ${this.#state}; ignored`);
    this.#handlers.challenge(challenge);
    void this.#sign(challenge);
  }

  async #sign(challenge: AuthChallengeMessage): Promise<void> {
    const { signer, checkChallenge } = this.#options;
    if (checkChallenge) {
      const certificate = this.#transport?.peerCertificate?.();
      const trust = this.#transport?.peerTrust?.();
      try {
        await checkChallenge(challenge, { url: this.#options.url, ...(certificate && { certificate }), ...(trust && { trust }) });
      } catch (error) {
        if (this.#signing())
          this.#fail({ kind: "challenge_refused", message: `refused to sign the relay's challenge: ${(error as Error).message}`, cause: error });
        return;
      }
      if (!this.#signing()) return;
    }
    let signature: string;
    try {
      signature = await signer.sign(challenge.challenge);
    } catch (error) {
      if (this.#signing()) {
        this.#fail({ kind: "signer_failed", message: `cannot sign the challenge with ${signer.fingerprint} (${signer.source}): ${(error as Error).message}` });
      }
      return;
    }
    if (!this.#signing()) return;
    const resume = this.#options.resume();
    this.#resumed = resume !== undefined;
    this.#to("signed");
    this.send({ type: "auth.response", signature, ...(resume && { resume }) });
  }

  /** Still waiting for our signature (the connection may have ended while the signer worked). */
  #signing(): boolean {
    return this.#state === "signing";
  }

  #receiveAuthOk(ok: AuthOkMessage): void {
    if (!this.#to("auth_ok")) return this.#handlers.warning(`the relay sent auth.ok while ${this.#state}; ignored`);
    clearTimeout(this.#connectTimer);
    this.#startHeartbeat(); // before the owner hears of it: a listener may close the connection right away
    this.#handlers.open(ok, { resumed: this.#resumed });
  }

  // ── the authenticated link ────────────────────────────────────────────────────────────────────

  #receivePong(pong: PongMessage): void {
    if (pong.id?.startsWith(HEARTBEAT_ID_PREFIX)) return;
    const pending = pong.id === undefined ? undefined : this.#pings.get(pong.id);
    if (pending && pong.id !== undefined) {
      this.#pings.delete(pong.id);
      clearTimeout(pending.timer);
      pending.resolve(Date.now() - pending.sentAt);
    }
    this.#handlers.message(pong);
  }

  #startHeartbeat(): void {
    const heartbeat = this.#options.heartbeat;
    if (!heartbeat) return;
    this.#heartbeatTimer = setInterval(() => {
      const silentMs = Date.now() - this.#lastFrameAt;
      if (silentMs > heartbeat.timeoutMs) {
        this.#options.log.warn("relay silent, giving up on the connection", { url: this.#options.url, silentMs });
        return this.abandon(`nothing from the relay for ${heartbeat.timeoutMs} ms`);
      }
      this.send({ type: "ping", id: `${HEARTBEAT_ID_PREFIX}${++this.#pingCounter}` });
    }, heartbeat.intervalMs);
  }

  // ── ending ────────────────────────────────────────────────────────────────────────────────────

  /** Gives up on a connection that stopped answering; its late events are ignored. */
  abandon(reason: string): void {
    void this.#transport?.close(ABANDONED, reason.slice(0, 120));
    this.#end(ABANDONED, reason);
  }

  /** A failure here that retrying cannot fix. */
  #fail(failure: NonNullable<ConnectionEnd["failure"]>): void {
    void this.#transport?.close(1000, failure.kind.replaceAll("_", " "));
    this.#end(0, "", failure);
  }

  #end(code: number, reason: string, failure?: ConnectionEnd["failure"]): void {
    if (this.#state === "closed") return;
    this.#stop(new RelayClientError("connection_lost", "connection lost before the pong"));
    this.#to("end");
    this.#handlers.end({ code, reason, ...(this.#relayError && { relayError: this.#relayError }), ...(failure && { failure }) });
  }

  #stop(pingError: RelayClientError): void {
    clearTimeout(this.#connectTimer);
    clearInterval(this.#heartbeatTimer);
    for (const ping of this.#pings.values()) {
      clearTimeout(ping.timer);
      ping.reject(pingError);
    }
    this.#pings.clear();
  }

  #to(event: ConnectionEvent): boolean {
    const previous = this.#state;
    const next = transition(previous, event);
    if (next === undefined) return false;
    this.#state = next;
    this.#handlers.state(next, previous);
    return true;
  }
}
