/**
 * The canonical auth challenge text (contract, "Authentication" and "Secure remote access"), as
 * both sides read it: the relay formats it, clients parse it before signing.
 *
 *     claude-relay-auth v1
 *     server: <host:port as the client addressed it>
 *     tls: SHA256:<fingerprint of the relay's certificate>      (only over TLS)
 *     connection: <connection id>
 *     nonce: <base64url of 32 random bytes>
 *     expires: <RFC 3339 time>
 *
 * Lines are joined with "\n" and there is no trailing newline; the client signs exactly these
 * bytes. The `tls:` line binds the signature to one TLS certificate: a client that sees another
 * fingerprint than its own connection's certificate is talking to a relay in the middle.
 *
 * @example
 * ```ts
 * const fields = parseChallenge(frame.challenge);
 * if (fields?.tls !== undefined && fields.tls !== fingerprintOfMyConnection) refuse();
 * ```
 */

export const CHALLENGE_HEADER = "claude-relay-auth v1";

export interface ChallengeFields {
  server: string;
  /** `SHA256:<base64>` of the relay certificate's DER, present when the relay serves TLS. */
  tls?: string;
  connection: string;
  nonce: string;
  expiresAt: Date;
}

/**
 * Renders challenge fields as canonical text.
 *
 * @example
 * formatChallenge({ server: "laptop:7717", connection: "c1", nonce, expiresAt }) // "claude-relay-auth v1\nserver: laptop:7717\n…"
 */
export function formatChallenge(fields: ChallengeFields): string {
  // One template, no intermediate array: the relay formats one per connection and parses one per login.
  const tls = fields.tls === undefined ? "" : `tls: ${fields.tls}\n`;
  return `${CHALLENGE_HEADER}\nserver: ${fields.server}\n${tls}connection: ${fields.connection}\nnonce: ${fields.nonce}\nexpires: ${fields.expiresAt.toISOString()}`;
}

const CANONICAL =
  /^claude-relay-auth v1\nserver: ([^\n]*)\n(?:tls: (SHA256:[A-Za-z0-9+/]{43})\n)?connection: ([^\n]*)\nnonce: ([A-Za-z0-9_-]{43})\nexpires: ([^\n]+)$/;

/**
 * Parses canonical challenge text; undefined unless it is exactly in canonical form (so that
 * re-formatting the result yields the same text).
 *
 * @example
 * parseChallenge(challenge.text)?.connection // "c1"
 */
export function parseChallenge(text: string): ChallengeFields | undefined {
  const m = CANONICAL.exec(text);
  if (!m) return undefined;
  const expiresAt = new Date(m[5]!);
  if (Number.isNaN(expiresAt.getTime())) return undefined;
  const fields: ChallengeFields = { server: m[1]!, ...(m[2] === undefined ? {} : { tls: m[2] }), connection: m[3]!, nonce: m[4]!, expiresAt };
  return formatChallenge(fields) === text ? fields : undefined;
}
