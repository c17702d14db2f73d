/**
 * The canonical auth challenge text (contract, "Authentication"):
 *
 *     claude-relay-auth v1
 *     server: <host:port as the client addressed it>
 *     connection: <connection id>
 *     nonce: <base64url of 32 random bytes>
 *     expires: <RFC 3339 time>
 *
 * Lines are joined with "\n" and there is no trailing newline; the client signs exactly these bytes.
 *
 * @example
 * ```ts
 * const challenge = createChallenge({ server: "laptop.local:7777", connectionId: "c-42", now: new Date(), ttlMs: 10_000 });
 * ws.send(JSON.stringify({ type: "auth.challenge", protocol: 1, namespace: "claude-relay", challenge: challenge.text, expiresInMs: 10_000 }));
 * ```
 */
import { randomBytes } from "node:crypto";

export const CHALLENGE_HEADER = "claude-relay-auth v1";
export const NONCE_BYTES = 32;

export interface ChallengeFields {
  server: string;
  connection: string;
  nonce: string;
  expiresAt: Date;
}

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
    connection: singleLine(options.connectionId),
    nonce: nonce.toString("base64url"),
    expiresAt: new Date(options.now.getTime() + options.ttlMs),
  };
  return { ...fields, text: formatChallenge(fields) };
}

/** Renders challenge fields as canonical text. */
export function formatChallenge(fields: ChallengeFields): string {
  return `${CHALLENGE_HEADER}\nserver: ${fields.server}\nconnection: ${fields.connection}\nnonce: ${fields.nonce}\nexpires: ${fields.expiresAt.toISOString()}`;
}

/**
 * Parses canonical challenge text; undefined unless it is exactly in canonical form (so that
 * re-formatting the result yields the same text).
 *
 * @example
 * parseChallenge(challenge.text)?.connection // "c1"
 */
export function parseChallenge(text: string): ChallengeFields | undefined {
  const m = /^claude-relay-auth v1\nserver: ([^\n]*)\nconnection: ([^\n]*)\nnonce: ([A-Za-z0-9_-]{43})\nexpires: ([^\n]+)$/.exec(text);
  if (!m) return undefined;
  const expiresAt = new Date(m[4]!);
  if (Number.isNaN(expiresAt.getTime())) return undefined;
  const fields = { server: m[1]!, connection: m[2]!, nonce: m[3]!, expiresAt };
  return formatChallenge(fields) === text ? fields : undefined;
}

function singleLine(value: string): string {
  return value.replace(/[\u0000-\u001f\u007f]/g, "");
}
