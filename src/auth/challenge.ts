/**
 * Creates each connection's auth challenge: fresh randomness and expiry, in the canonical text of
 * src/protocol/challenge.ts (which clients parse too).
 *
 * @example
 * ```ts
 * const challenge = createChallenge({ server: "laptop.local:7777", connectionId: "c-42", now: new Date(), ttlMs: 10_000 });
 * ws.send(JSON.stringify({ type: "auth.challenge", protocol: 1, namespace: "claude-relay", challenge: challenge.text, expiresInMs: 10_000 }));
 * ```
 */
import { randomBytes } from "node:crypto";
import { type ChallengeFields, formatChallenge } from "../protocol/challenge.ts";

export const NONCE_BYTES = 32;

export interface Challenge extends ChallengeFields {
  /** The exact text to send and to verify against. */
  text: string;
}

export interface CreateChallengeOptions {
  /** host:port as the client addressed the server (its Host header). */
  server: string;
  connectionId: string;
  now: Date;
  ttlMs: number;
  /** The certificate fingerprint of the connection's TLS session (`SHA256:…`); absent over plain ws. */
  tls?: string;
  /** Injected for tests; defaults to node:crypto randomBytes. */
  random?: (size: number) => Uint8Array;
}

/**
 * Builds a fresh challenge. Control characters in `server`/`connectionId` are dropped so that a
 * hostile Host header cannot add lines to the signed text.
 *
 * @example
 * createChallenge({ server: "127.0.0.1:7777", connectionId: "c1", now: new Date(), ttlMs: 10_000 }).text
 */
export function createChallenge(options: CreateChallengeOptions): Challenge {
  const nonce = options.random ? Buffer.from(options.random(NONCE_BYTES)) : randomBytes(NONCE_BYTES);
  const fields: ChallengeFields = {
    server: singleLine(options.server),
    ...(options.tls === undefined ? {} : { tls: options.tls }),
    connection: singleLine(options.connectionId),
    nonce: nonce.toString("base64url"),
    expiresAt: new Date(options.now.getTime() + options.ttlMs),
  };
  return { ...fields, text: formatChallenge(fields) };
}

function singleLine(value: string): string {
  return value.replace(/[\u0000-\u001f\u007f]/g, "");
}
