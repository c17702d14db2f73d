/**
 * The authentication service the gateway talks to: issues each connection's challenge, checks the
 * answer against the live authorized_keys, and limits failed attempts per address.
 *
 * @example
 * ```ts
 * const auth = createAuthService({ store: openAuthorizedKeys({ path }), challengeTtlMs: 10_000 });
 * const challenge = auth.issueChallenge("c1", { address: "127.0.0.1", port: 5000, host: "127.0.0.1:7717" });
 * const verdict = await auth.verify(challenge, armoredSignature, peer);
 * ```
 */
import { formatHostPort, type PeerInfo } from "../runtime/types.ts";
import type { IssuedChallenge } from "../server/connection.ts";
import type { AuthPort, AuthVerdict } from "../server/gateway.ts";
import { authenticate } from "./authenticator.ts";
import { createChallenge } from "./challenge.ts";
import type { AuthorizedKeysStore } from "./key-store.ts";
import { FailedAuthLimiter } from "./rate-limit.ts";

export interface AuthServiceOptions {
  store: AuthorizedKeysStore;
  /** How long a challenge stays valid (the relay uses --auth-timeout). */
  challengeTtlMs: number;
  limiter?: FailedAuthLimiter;
  now?: () => number;
}

/** What this service issues: the store's checkpoint when the connection opened and the expiry ride along. */
interface ServiceChallenge extends IssuedChallenge {
  keysCheckpoint: number;
  expiresAt: Date;
}

export function createAuthService(options: AuthServiceOptions): AuthPort {
  const { store, challengeTtlMs } = options;
  const limiter = options.limiter ?? new FailedAuthLimiter();
  const now = options.now ?? Date.now;
  return {
    issueChallenge(clientId: string, peer: PeerInfo): ServiceChallenge {
      const server = peer.host || formatHostPort(peer.address, peer.port);
      const challenge = createChallenge({ server, tls: peer.tlsFingerprint, connectionId: clientId, now: new Date(now()), ttlMs: challengeTtlMs });
      return { text: challenge.text, expiresInMs: challengeTtlMs, keysCheckpoint: store.checkpoint(), expiresAt: challenge.expiresAt };
    },
    async verify(challenge: IssuedChallenge, signature: string, peer: PeerInfo): Promise<AuthVerdict> {
      // The gateway hands back the object issueChallenge returned. Keys as of a check made after
      // the connection opened: every edit saved before the client connected applies (key-store.ts).
      const issued = challenge as ServiceChallenge;
      const keys = store.current(issued.keysCheckpoint).entries;
      return authenticate({ keys, challenge: issued.text, expiresAt: issued.expiresAt, signature, peerAddress: peer.address, now: new Date(now()) });
    },
    isRateLimited: (address) => limiter.isLimited(address, now()),
    recordFailure: (address) => limiter.recordFailure(address, now()),
  };
}
