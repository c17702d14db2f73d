/**
 * The gateway owns every open connection: it enforces the connection limits, decodes frames,
 * keeps unauthenticated clients behind the authentication gate, and hands authenticated
 * clients' messages to the sessions (the session manager, which routes each to its session).
 * Data flows one way: socket → protocol → sessions.
 *
 * @example
 * ```ts
 * const gateway = new Gateway({ auth, session, log, maxClients: 32, … });
 * app.get("/ws", runtime.upgrade((peer) => gateway.accept(peer)));
 * keys.onKeysRemoved((fingerprints) => gateway.disconnectKeys(fingerprints));
 * ```
 */
import { randomUUID } from "node:crypto";
import type { Logger } from "../log/logger.ts";
import { decodeClientFrame, frameExceeds } from "../protocol/decode.ts";
import { encodeServerMessage } from "../protocol/encode.ts";
import { CLOSE_CODES, type CloseCode, type ErrorCode } from "../protocol/errors.ts";
import type { KeyIdentity, ResumeRequest } from "../protocol/message-parts.ts";
import { AUTH_NAMESPACE, type ClientMessage } from "../protocol/messages.ts";
import type { PeerInfo, PeerSocket, SocketEvents } from "../runtime/types.ts";
import { Metrics } from "../shared/metrics.ts";
import { Connection, type IssuedChallenge } from "./connection.ts";

/** What a device is told when pairing fails, by kind (a bad key's reason is told as it is). */
const PAIR_FAILED_MESSAGES: Partial<Record<Extract<PairVerdict, { ok: false }>["kind"], string>> = {
  bad_code: "the pairing code is wrong, used or expired; run `claude-relay pair` on the relay's machine for a new one",
  declined: "the key was not added: the person at the relay said no or did not answer",
  internal: "the relay could not add the key to authorized_keys; its log says why",
  unavailable: "pairing is off on this relay",
};

/** Largest frame accepted before authentication: an auth.response with an RSA-8192 SSHSIG fits. */
export const PRE_AUTH_MAX_FRAME_BYTES = 16 * 1024;

export type AuthVerdict = { ok: true; key: KeyIdentity } | { ok: false; kind: string; reason: string; fingerprint?: string };

/** What the gateway needs from authentication (src/auth). */
export interface AuthPort {
  issueChallenge(clientId: string, peer: PeerInfo): IssuedChallenge;
  /** `challenge` is the object {@link issueChallenge} returned for this connection. */
  verify(challenge: IssuedChallenge, signature: string, peer: PeerInfo): Promise<AuthVerdict>;
  /** Failed attempts from this address are over the limit: refuse before any work. */
  isRateLimited(address: string): boolean;
  recordFailure(address: string): void;
}

export type SessionMessage = Exclude<ClientMessage, { type: "auth.response" | "ping" | "pair.request" }>;

/** A failed pairing's `kind` picks what the device is told (see PAIR_FAILED_MESSAGES); `reason` is for the log. */
export type PairVerdict =
  | { ok: true; fingerprint: string }
  | { ok: false; kind: "bad_code" | "bad_key" | "declined" | "internal" | "unavailable"; reason: string };

/** What the gateway needs from pairing (src/pair): a device's `pair.request`, before authentication. */
export interface PairingPort {
  request(input: { code: string; publicKey: string; name?: string; peer: PeerInfo }): Promise<PairVerdict>;
}

/** What the gateway needs from the sessions (src/session/session-manager.ts). */
export interface SessionPort {
  /** Sends auth.ok (with the default session's snapshot) and any replay, then live events. */
  join(connection: Connection, resume: ResumeRequest | undefined): void;
  leave(connection: Connection): void;
  handle(connection: Connection, message: SessionMessage): void;
}

export interface GatewayOptions {
  auth: AuthPort;
  session: SessionPort;
  log: Logger;
  maxClients: number;
  maxMessageBytes: number;
  maxBufferedBytes: number;
  authTimeoutMs: number;
  /** Unauthenticated sockets one address may hold at once. */
  maxPendingPerAddress: number;
  /** Invalid frames a connection may send per minute (burst as large) before it is cut off; 0: no limit. */
  maxInvalidFrames: number;
  metrics?: Metrics;
  /** Absent: `pair.request` is answered with pair_failed. */
  pairing?: PairingPort;
}

export class Gateway {
  readonly connections = new Set<Connection>();
  readonly metrics: Metrics;
  readonly #options: GatewayOptions;
  readonly #pendingByAddress = new Map<string, number>();
  #accepting = true;

  constructor(options: GatewayOptions) {
    this.#options = options;
    this.metrics = options.metrics ?? new Metrics();
  }

  /** Socket callbacks for one new peer (given to the runtime adapter's `upgrade`). */
  accept(peer: PeerInfo): SocketEvents {
    return new GatewaySocketEvents(this, peer);
  }

  /** @internal Called by {@link GatewaySocketEvents} when the upgrade completes. */
  opened(peer: PeerInfo, socket: PeerSocket): Connection {
    const connection = new Connection({
      clientId: randomUUID(),
      peer,
      socket,
      maxBufferedBytes: this.#options.maxBufferedBytes,
      maxInvalidFrames: this.#options.maxInvalidFrames,
      metrics: this.metrics,
      log: this.#options.log,
    });
    this.#open(connection);
    return connection;
  }

  /** @internal */
  received(connection: Connection, data: string | ArrayBuffer | Uint8Array): void {
    this.#message(connection, data);
  }

  /** @internal */
  closed(connection: Connection, code: number, reason: string): void {
    this.#closed(connection, code, reason);
  }

  /**
   * Stops admitting connections and closes every open one: 1001 for an orderly stop, 1011 when
   * the relay stops because of an internal error.
   */
  closeAll(why: "shutting_down" | "internal" = "shutting_down"): void {
    this.#accepting = false;
    for (const connection of this.connections) {
      if (why === "internal") connection.fail("internal", "the relay hit an internal error and is restarting; reconnect shortly", CLOSE_CODES.internal);
      else connection.fail("shutting_down", "the relay is shutting down; reconnect when it is back", CLOSE_CODES.shutdown);
    }
  }

  /** Disconnects the clients of keys removed from authorized_keys (`auth_failed`, 4401). */
  disconnectKeys(fingerprints: readonly string[]): void {
    for (const connection of this.connections) {
      if (connection.key && fingerprints.includes(connection.key.fingerprint)) {
        connection.log.warn("key removed from authorized_keys: disconnecting");
        this.metrics.inc("claude_relay_disconnects_total", { reason: "key_removed" });
        connection.fail("auth_failed", "your key is no longer authorized", CLOSE_CODES.authFailed);
      }
    }
  }

  /** Why the gateway cannot take more clients now; empty when it can. */
  degraded(): string[] {
    return this.connections.size >= this.#options.maxClients ? ["at --max-clients capacity"] : [];
  }

  // `connection.log` builds a child logger on each use: read it only where a line is written.
  #open(connection: Connection): void {
    if (!this.#accepting) return this.#refuse(connection, "shutting_down", "the relay is shutting down", CLOSE_CODES.shutdown);
    if (this.connections.size >= this.#options.maxClients) {
      connection.log.warn("refused: server full", { maxClients: this.#options.maxClients });
      return this.#refuse(
        connection,
        "server_full",
        `the relay already has ${this.#options.maxClients} connections (--max-clients); try again later`,
        CLOSE_CODES.tryAgainLater,
      );
    }
    const address = connection.peer.address;
    if (this.#options.auth.isRateLimited(address)) {
      connection.log.warn("refused: too many failed authentications from this address");
      return this.#refuse(
        connection,
        "rate_limited",
        "too many failed authentication attempts from your address; wait and try again",
        CLOSE_CODES.tryAgainLater,
      );
    }
    const pending = this.#pendingByAddress.get(address) ?? 0;
    if (pending >= this.#options.maxPendingPerAddress) {
      connection.log.warn("refused: too many unauthenticated connections from this address", { pending });
      return this.#refuse(connection, "rate_limited", "too many unauthenticated connections from your address", CLOSE_CODES.tryAgainLater);
    }
    this.metrics.inc("claude_relay_connections_total");
    this.#pendingByAddress.set(address, pending + 1);
    this.connections.add(connection);
    connection.log.debug("connected", { host: connection.peer.host });
    this.#challenge(connection);
  }

  /** Sends a fresh auth.challenge and starts the time to answer it. */
  #challenge(connection: Connection): void {
    const challenge = this.#options.auth.issueChallenge(connection.clientId, connection.peer);
    connection.challenged(challenge, this.#options.authTimeoutMs, () => {
      connection.log.warn("authentication timed out", { authTimeoutMs: this.#options.authTimeoutMs });
      this.metrics.inc("claude_relay_auth_failures_total", { reason: "timeout" });
      connection.fail("auth_timeout", "no valid auth.response in time", CLOSE_CODES.authTimeout);
    });
    connection.send(
      encodeServerMessage({ type: "auth.challenge", protocol: 1, namespace: AUTH_NAMESPACE, challenge: challenge.text, expiresInMs: challenge.expiresInMs }),
    );
  }

  #message(connection: Connection, data: string | ArrayBuffer | Uint8Array): void {
    if (!connection.isOpen) return;
    const limit = connection.isAuthenticated ? this.#options.maxMessageBytes : PRE_AUTH_MAX_FRAME_BYTES;
    if (frameExceeds(data, limit)) {
      connection.log.warn("frame too large", { limit, authenticated: connection.isAuthenticated });
      this.metrics.inc("claude_relay_frames_rejected_total", { code: "message_too_large" });
      return connection.fail(
        "message_too_large",
        `frames are limited to ${limit} bytes${connection.isAuthenticated ? "" : " before authentication"}`,
        CLOSE_CODES.tooLarge,
      );
    }
    const decoded = decodeClientFrame(data);
    if (!decoded.ok) {
      if (decoded.code === "unknown_type") connection.log.warn("unknown message type", { messageType: decoded.unknownType });
      else connection.log.debug("bad frame", { code: decoded.code, error: decoded.message });
      return this.#reject(connection, decoded.code, decoded.message, decoded.id);
    }
    const message = decoded.message;
    if (!connection.isAuthenticated) return this.#authenticate(connection, message);
    switch (message.type) {
      case "ping":
        return void connection.send(encodeServerMessage(message.id === undefined ? { type: "pong" } : { type: "pong", id: message.id }));
      case "auth.response":
      case "pair.request":
        return this.#reject(connection, "invalid_message", "already authenticated", message.id);
      default:
        return this.#options.session.handle(connection, message);
    }
  }

  #authenticate(connection: Connection, message: ClientMessage): void {
    if (message.type === "pair.request") return this.#pair(connection, message);
    if (message.type !== "auth.response") {
      return this.#reject(connection, "not_authenticated", "authenticate first: answer auth.challenge with auth.response", message.id);
    }
    const challenge = connection.takeChallenge();
    if (challenge === undefined) {
      return this.#reject(connection, "invalid_message", "one authentication attempt per connection; it is being verified", message.id);
    }
    const { peer } = connection;
    this.#options.auth.verify(challenge, message.signature, peer).then(
      (verdict) => {
        if (!connection.isOpen) return;
        const { log } = connection;
        if (!verdict.ok) {
          this.#options.auth.recordFailure(peer.address);
          this.metrics.inc("claude_relay_auth_failures_total", { reason: verdict.kind });
          log.warn("authentication failed", { reason: verdict.reason, fingerprint: verdict.fingerprint });
          return connection.fail("auth_failed", "authentication failed", CLOSE_CODES.authFailed);
        }
        this.#releasePending(connection);
        connection.markAuthenticated(verdict.key);
        log.info("authenticated", { keyType: verdict.key.type, comment: verdict.key.comment });
        this.#options.session.join(connection, message.resume);
      },
      (error: unknown) => {
        connection.log.error("authentication crashed", { error });
        connection.fail("internal", "internal error during authentication", CLOSE_CODES.internal);
      },
    );
  }

  /**
   * A device asks to be paired instead of logging in. The person at the relay may take a while to
   * answer, so the auth timer is stopped meanwhile; after pair.ok the device gets a fresh
   * challenge on the same connection (the first one was used up by this attempt).
   */
  #pair(connection: Connection, message: Extract<ClientMessage, { type: "pair.request" }>): void {
    if (connection.takeChallenge() === undefined) {
      return this.#reject(connection, "invalid_message", "one authentication attempt per connection; it is being verified", message.id);
    }
    connection.stopAuthTimer();
    const { peer, log } = connection;
    const pairing = this.#options.pairing;
    const verdict: Promise<PairVerdict> = pairing
      ? pairing.request({ code: message.code, publicKey: message.publicKey, ...(message.name !== undefined && { name: message.name }), peer })
      : Promise.resolve({ ok: false, kind: "unavailable", reason: "pairing is off on this relay" });
    verdict.then(
      (result) => {
        if (!result.ok) {
          // Counted even when the device has gone: hanging up at once must not make guessing free.
          this.#options.auth.recordFailure(peer.address);
          this.metrics.inc("claude_relay_auth_failures_total", { reason: `pair_${result.kind}` });
          log.warn("pairing failed", { reason: result.reason });
          return connection.fail("pair_failed", PAIR_FAILED_MESSAGES[result.kind] ?? result.reason, CLOSE_CODES.authFailed);
        }
        if (!connection.isOpen) return;
        log.info("paired: the device can now log in", { fingerprint: result.fingerprint });
        connection.send(encodeServerMessage({ type: "pair.ok", fingerprint: result.fingerprint }));
        this.#challenge(connection);
      },
      (error: unknown) => {
        log.error("pairing crashed", { error });
        connection.fail("internal", "internal error during pairing", CLOSE_CODES.internal);
      },
    );
  }

  #refuse(connection: Connection, code: "server_full" | "rate_limited" | "shutting_down", message: string, closeCode: CloseCode): void {
    this.metrics.inc("claude_relay_connections_refused_total", { reason: code });
    connection.fail(code, message, closeCode);
  }

  /**
   * Answers an invalid frame. A connection that keeps sending them (a broken or hostile client)
   * exhausts its allowance and is cut off with `rate_limited`; before authentication that also
   * counts as a failed attempt for its address, so a flood from one address is throttled there.
   */
  #reject(connection: Connection, code: ErrorCode, message: string, id?: string): void {
    this.metrics.inc("claude_relay_frames_rejected_total", { code });
    if (!connection.spendInvalidFrame()) {
      const perMinute = connection.invalidFramesPerMinute;
      connection.log.warn("too many invalid frames: disconnecting", { perMinute });
      this.metrics.inc("claude_relay_disconnects_total", { reason: "invalid_frames" });
      if (!connection.isAuthenticated) this.#options.auth.recordFailure(connection.peer.address);
      return connection.fail("rate_limited", `more than ${perMinute} invalid frames a minute; fix the client and reconnect`, CLOSE_CODES.tryAgainLater);
    }
    connection.sendError(code, message, id);
  }

  #closed(connection: Connection, code: number, reason: string): void {
    connection.markClosed();
    if (!this.connections.delete(connection)) return;
    connection.log.debug("disconnected", { code, reason });
    if (connection.key) this.#options.session.leave(connection);
    else this.#releasePending(connection);
  }

  #releasePending(connection: Connection): void {
    const address = connection.peer.address;
    const pending = (this.#pendingByAddress.get(address) ?? 1) - 1;
    if (pending > 0) this.#pendingByAddress.set(address, pending);
    else this.#pendingByAddress.delete(address);
  }
}

/**
 * The runtime's callbacks for one socket. A class rather than closures because there is one per
 * connection, and a reconnect storm brings thousands at once.
 */
class GatewaySocketEvents implements SocketEvents {
  readonly #gateway: Gateway;
  readonly #peer: PeerInfo;
  #connection: Connection | undefined;

  constructor(gateway: Gateway, peer: PeerInfo) {
    this.#gateway = gateway;
    this.#peer = peer;
  }

  open(socket: PeerSocket): void {
    this.#connection = this.#gateway.opened(this.#peer, socket);
  }
  message(data: string | ArrayBuffer | Uint8Array): void {
    if (this.#connection) this.#gateway.received(this.#connection, data);
  }
  close(code: number, reason: string): void {
    if (this.#connection) this.#gateway.closed(this.#connection, code, reason);
  }
  pong(): void {
    this.#connection?.markPong();
  }
}
