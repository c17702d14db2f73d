/**
 * One client connection and its state machine, in the spirit of ws's WebSocketServer:
 *
 *     authenticating ──auth ok──▶ authenticated
 *          │                           │
 *          └──────── close() ──────────┴──▶ closing ──socket closed──▶ closed
 *
 * The connection owns its state: the gateway drives it through methods (a challenge sent, a
 * challenge taken for one attempt, authenticated, a pong, closed) and reads it through getters.
 * Each connection has its own context (id, peer, key once known, last pong); nothing here is
 * shared between connections, so an error on one never reaches another.
 */
import type { Logger } from "../log/logger.ts";
import { type CloseCode, type ErrorCode, errorFrame } from "../protocol/errors.ts";
import type { KeyIdentity } from "../protocol/message-parts.ts";
import { formatHostPort, type PeerInfo, type PeerSocket } from "../runtime/types.ts";
import type { Metrics } from "../shared/metrics.ts";
import { TokenBucket } from "../shared/token-bucket.ts";

export type ConnectionState = "authenticating" | "authenticated" | "closing" | "closed";

/**
 * How long a closing handshake may take before the TCP connection is dropped: a peer that stopped
 * reading never receives our close frame, and must not hold its buffers forever.
 */
export const CLOSE_GRACE_MS = 2000;

/** The challenge a connection was sent, as the auth service issued it (it may carry more fields). */
export interface IssuedChallenge {
  /** The exact text the client signs. */
  text: string;
  expiresInMs: number;
}

/** What the relay's end of one client connection is built from. */
export interface ClientConnectionOptions {
  clientId: string;
  peer: PeerInfo;
  socket: PeerSocket;
  /** The relay's logger; the connection adds its clientId, remote address and key fingerprint. */
  log: Logger;
  /** Unsent bytes above which the client is a slow consumer and is cut off. */
  maxBufferedBytes: number;
  /** Invalid frames allowed per minute (burst as large); 0: no limit. */
  maxInvalidFrames?: number;
  metrics?: Metrics;
  now?: () => number;
}

export class Connection {
  readonly clientId: string;
  readonly peer: PeerInfo;
  readonly openedAt: number;
  #state: ConnectionState = "authenticating";
  #key: KeyIdentity | undefined;
  /** The challenge sent to this connection and not yet answered; single use. */
  #challenge: IssuedChallenge | undefined;
  #lastPongAt: number;
  /** Invalid frames this client may still send before it is cut off; undefined when unlimited. */
  readonly #invalidFrames: TokenBucket | undefined;
  /** Timer ending an unanswered challenge. */
  #authTimer: ReturnType<typeof setTimeout> | undefined;
  #closeTimer: ReturnType<typeof setTimeout> | undefined;
  readonly #baseLog: Logger;
  readonly #socket: PeerSocket;
  readonly #maxBufferedBytes: number;
  readonly #now: () => number;
  readonly #metrics: Metrics | undefined;

  constructor(options: ClientConnectionOptions) {
    this.clientId = options.clientId;
    this.peer = options.peer;
    this.#socket = options.socket;
    this.#maxBufferedBytes = options.maxBufferedBytes;
    this.#now = options.now ?? Date.now;
    this.#metrics = options.metrics;
    this.openedAt = this.#now();
    const perMinute = options.maxInvalidFrames ?? 0;
    this.#invalidFrames = perMinute > 0 ? new TokenBucket(perMinute, perMinute, this.openedAt) : undefined;
    this.#lastPongAt = this.openedAt;
    this.#baseLog = options.log;
  }

  /**
   * A logger whose lines carry this connection's context. Built on use rather than kept: logging
   * is rare per connection, and a relay may hold thousands of idle ones.
   */
  get log(): Logger {
    const remote = formatHostPort(this.peer.address, this.peer.port);
    return this.#baseLog.child(this.#key ? { clientId: this.clientId, remote, fingerprint: this.#key.fingerprint } : { clientId: this.clientId, remote });
  }

  get state(): ConnectionState {
    return this.#state;
  }

  /** The key the client proved; undefined until it authenticated. */
  get key(): KeyIdentity | undefined {
    return this.#key;
  }

  /** When the client last answered a ping (or connected). */
  get lastPongAt(): number {
    return this.#lastPongAt;
  }

  get isOpen(): boolean {
    return this.#state === "authenticating" || this.#state === "authenticated";
  }

  get isAuthenticated(): boolean {
    return this.#state === "authenticated";
  }

  /**
   * The client was sent `challenge`: it is the one its next attempt is checked against, and
   * `onTimeout` runs when no attempt settles within `timeoutMs`.
   *
   * @example
   * ```ts
   * connection.challenged(auth.issueChallenge(connection.clientId, connection.peer), 10_000, () => connection.fail(…));
   * ```
   */
  challenged(challenge: IssuedChallenge, timeoutMs: number, onTimeout: () => void): void {
    this.#challenge = challenge;
    this.stopAuthTimer();
    this.#authTimer = setTimeout(onTimeout, timeoutMs);
  }

  /** The challenge for one attempt (auth.response or pair.request), used up by taking it; undefined when an attempt is already under way. */
  takeChallenge(): IssuedChallenge | undefined {
    const challenge = this.#challenge;
    this.#challenge = undefined;
    return challenge;
  }

  /** Stops the time to answer the challenge (while the person at the relay decides on a pairing). */
  stopAuthTimer(): void {
    if (this.#authTimer) clearTimeout(this.#authTimer);
    this.#authTimer = undefined;
  }

  markAuthenticated(key: KeyIdentity): void {
    this.#state = "authenticated";
    this.#key = key;
    this.stopAuthTimer();
  }

  /**
   * Counts one invalid frame against the client's allowance: false once it is exhausted (the
   * client is then to be cut off); always true without a limit.
   */
  spendInvalidFrame(): boolean {
    return this.#invalidFrames?.take(this.#now()) ?? true;
  }

  /** Invalid frames allowed per minute; 0: no limit. */
  get invalidFramesPerMinute(): number {
    return this.#invalidFrames?.perMinute ?? 0;
  }

  /**
   * Sends one serialized frame. A client whose unsent bytes pass the cap is a slow consumer: it
   * gets `slow_consumer` and close 1013 and can resume by seq after reconnecting. A single frame
   * larger than the cap is still delivered to a client that had nothing queued.
   */
  send(frame: string): boolean {
    if (!this.isOpen) return false;
    const before = this.#socket.bufferedAmount();
    if (!this.#socket.send(frame)) return false;
    if (before > 0 && this.#socket.bufferedAmount() > this.#maxBufferedBytes) {
      this.log.warn("slow consumer: send buffer over the cap, disconnecting", {
        bufferedBytes: this.#socket.bufferedAmount(),
        maxBufferedBytes: this.#maxBufferedBytes,
      });
      this.#metrics?.inc("claude_relay_disconnects_total", { reason: "slow_consumer" });
      this.fail("slow_consumer", "too many unsent bytes queued for this client; reconnect and resume from your last seq", 1013);
      return false;
    }
    return true;
  }

  /** Sends several frames with their writes coalesced. */
  sendBatch(frames: readonly string[]): void {
    this.#socket.batch(() => {
      for (const frame of frames) if (!this.send(frame)) break;
    });
  }

  sendError(code: ErrorCode, message: string, id?: string): void {
    this.send(errorFrame(code, message, id));
  }

  /** Sends an error, then closes with `closeCode`. The error bypasses the slow-consumer check. */
  fail(code: ErrorCode, message: string, closeCode: CloseCode): void {
    if (!this.isOpen) return;
    this.#socket.send(errorFrame(code, message));
    this.close(closeCode, code);
  }

  close(code: number, reason: string): void {
    if (!this.isOpen) return;
    this.#state = "closing";
    this.stopAuthTimer();
    // Armed first: the runtime may report the close synchronously from inside close().
    this.#closeTimer = setTimeout(() => {
      if (this.#state === "closed") return;
      this.log.warn("closing handshake timed out: dropping the connection", { graceMs: CLOSE_GRACE_MS });
      this.#socket.terminate();
    }, CLOSE_GRACE_MS);
    this.#socket.close(code, reason);
  }

  /** Drops the connection without a handshake: for peers that stopped answering. */
  terminate(): void {
    if (this.#state === "closed") return;
    this.#state = "closing";
    this.stopAuthTimer();
    this.#socket.terminate();
  }

  ping(): boolean {
    return this.isOpen && this.#socket.ping();
  }

  markPong(): void {
    this.#lastPongAt = this.#now();
  }

  markClosed(): void {
    this.#state = "closed";
    this.stopAuthTimer();
    if (this.#closeTimer) clearTimeout(this.#closeTimer);
  }
}
