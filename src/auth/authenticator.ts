/**
 * The single entry point the server calls to check an `auth.response`: parse the armored SSHSIG,
 * insist on namespace `claude-relay`, find the embedded public key among the authorized keys
 * (byte for byte), apply the line's restrictions (refusing options, expiry-time, from=), check the
 * challenge has not expired, and verify the signature over the exact challenge bytes.
 *
 * Never throws: every failure is `{ ok: false, reason }` with a precise reason for the log (send
 * the client only a generic auth_failed).
 *
 * @example
 * ```ts
 * const result = authenticate({ keys: store.current().entries, challenge: challenge.text,
 *   signature: msg.signature, peerAddress: remote, now: new Date() });
 * if (!result.ok) log.warn("auth failed", { reason: result.reason, fingerprint: result.fingerprint, remote });
 * ```
 */

import { parseChallenge } from "../protocol/challenge.ts";
import { AUTH_NAMESPACE } from "../protocol/messages.ts";
import { fingerprintOf, PublicKeyError, publicKeyFromBlob } from "../ssh/public-key.ts";
import { MAX_ARMORED_SIGNATURE_CHARS, parseArmoredSignature, SshSigError, signedData } from "../ssh/sshsig.ts";
import { verifySignature } from "../ssh/verify.ts";
import { bytesEqual } from "../ssh/wire.ts";
import type { AuthorizedKey } from "./authorized-keys.ts";
import { deviceNameOf } from "./device-name.ts";
import { matchFrom } from "./key-options.ts";

export interface AuthenticateInput {
  /** Current authorized keys (refused entries may be included; they never authenticate). */
  keys: readonly AuthorizedKey[];
  /** The exact challenge text this connection was sent. */
  challenge: string;
  /**
   * The challenge's expiry, when the caller issued it and kept it (the auth service does): the
   * text is then not parsed again to learn it. Absent: read from the canonical text.
   */
  expiresAt?: Date;
  /** The client's `signature` field, unvalidated. */
  signature: unknown;
  /** Socket peer address (IPv4-mapped IPv6 is fine). */
  peerAddress: string;
  now: Date;
}

export interface AuthenticatedKey {
  type: string;
  fingerprint: string;
  comment: string;
  /** What the session calls this device (see device-name.ts). */
  device: string;
}

export type AuthResult = { ok: true; key: AuthenticatedKey; line: number } | { ok: false; kind: AuthFailureKind; reason: string; fingerprint?: string };

/** A coarse, stable category of a failure, for metrics (the `reason` text is for people). */
export type AuthFailureKind = "malformed_signature" | "wrong_namespace" | "unknown_key" | "key_refused" | "challenge_expired" | "bad_signature" | "internal";

/**
 * Checks one auth response. See the module comment for the order of checks.
 *
 * @example
 * authenticate({ keys, challenge: text, signature: armored, peerAddress: "127.0.0.1", now: new Date() })
 */
export function authenticate(input: AuthenticateInput): AuthResult {
  try {
    return authenticateUnsafe(input);
  } catch (error) {
    // Defence in depth: a bug must fail closed, not crash the connection handler.
    return { ok: false, kind: "internal", reason: `internal verification error: ${(error as Error).message}` };
  }
}

function authenticateUnsafe({ keys, challenge, expiresAt, signature, peerAddress, now }: AuthenticateInput): AuthResult {
  if (typeof signature !== "string") return { ok: false, kind: "malformed_signature", reason: `signature must be a string, got ${describe(signature)}` };
  if (signature.length > MAX_ARMORED_SIGNATURE_CHARS) {
    return { ok: false, kind: "malformed_signature", reason: `signature of ${signature.length} chars exceeds ${MAX_ARMORED_SIGNATURE_CHARS}` };
  }
  let sig: ReturnType<typeof parseArmoredSignature>;
  try {
    sig = parseArmoredSignature(signature);
  } catch (error) {
    if (error instanceof SshSigError) return { ok: false, kind: "malformed_signature", reason: `invalid SSHSIG (${error.code}): ${error.message}` };
    throw error;
  }
  // Only failures report the signing key's fingerprint (a success reports its authorized_keys line's).
  const fingerprint = (): string => fingerprintOf(sig.publicKey);
  if (sig.namespace !== AUTH_NAMESPACE) {
    return {
      ok: false,
      kind: "wrong_namespace",
      fingerprint: fingerprint(),
      reason: `wrong signature namespace ${JSON.stringify(sig.namespace.slice(0, 64))}, expected ${AUTH_NAMESPACE}`,
    };
  }
  const candidates = keys.filter((k) => bytesEqual(k.blob, sig.publicKey));
  if (candidates.length === 0) return { ok: false, kind: "unknown_key", fingerprint: fingerprint(), reason: "key is not in authorized_keys" };
  // Like sshd, a key listed on several lines is accepted if any of its lines allows this login.
  const refusals = candidates.map((k) => refusalOf(k, peerAddress, now));
  const entry = candidates[refusals.indexOf(undefined)];
  if (!entry) return { ok: false, kind: "key_refused", fingerprint: fingerprint(), reason: refusals.join("; ") };

  const expiry = expiresAt ?? parseChallenge(challenge)?.expiresAt;
  if (!expiry) return { ok: false, kind: "internal", fingerprint: fingerprint(), reason: "server challenge is not canonical" };
  if (now.getTime() > expiry.getTime()) return { ok: false, kind: "challenge_expired", fingerprint: fingerprint(), reason: "challenge expired" };

  let key: ReturnType<typeof publicKeyFromBlob>;
  try {
    key = publicKeyFromBlob(entry.blob);
  } catch (error) {
    if (error instanceof PublicKeyError) return { ok: false, kind: "key_refused", fingerprint: fingerprint(), reason: error.message };
    throw error;
  }
  const data = signedData(sig.namespace, sig.hashAlgorithm, challenge);
  const verified = verifySignature(key, sig.signature, data, {
    allowNoTouch: entry.noTouchRequired,
    requireUserVerification: entry.verifyRequired,
  });
  if (!verified.ok)
    return { ok: false, kind: "bad_signature", fingerprint: fingerprint(), reason: `${verified.reason} (wrong key, or not over this connection's challenge)` };
  return {
    ok: true,
    key: { type: entry.type, fingerprint: entry.fingerprint, comment: entry.comment, device: deviceNameOf(entry) },
    line: entry.line,
  };
}

/**
 * Why an authorized key may not log in now from `peerAddress`, or undefined when it may.
 *
 * @example
 * refusalOf(entry, "10.0.0.7", new Date()) // "key expired at 2024-01-01T00:00:00.000Z (line 3)"
 */
export function refusalOf(entry: AuthorizedKey, peerAddress: string, now: Date): string | undefined {
  if (entry.refused) return `${entry.refused} (line ${entry.line})`;
  if (entry.expiresAt && now.getTime() >= entry.expiresAt.getTime()) {
    return `key expired at ${entry.expiresAt.toISOString()} (line ${entry.line})`;
  }
  if (entry.from !== undefined) {
    const match = matchFrom(entry.from, peerAddress);
    if (match.error) return `${match.error} (line ${entry.line})`;
    if (!match.allowed) return `address ${peerAddress} not allowed by from="${entry.from}" (line ${entry.line})`;
  }
  return undefined;
}

function describe(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "array";
  return typeof value;
}
