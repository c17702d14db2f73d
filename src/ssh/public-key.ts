/**
 * SSH public keys: supported types, `ssh-keygen -l` fingerprints, and conversion of a public key blob
 * into a node:crypto KeyObject (cached per blob, since the same keys log in again and again).
 *
 * @example
 * ```ts
 * const key = publicKeyFromBlob(blob);   // throws PublicKeyError for unsupported/malformed blobs
 * key.type;                              // "ssh-ed25519"
 * fingerprintOf(blob);                   // "SHA256:+DiY3wvvV6TuJJhbpZisF/zLDA0zPMSvHdkr4UvCOqU"
 * ```
 */
import { createHash, createPublicKey, type KeyObject } from "node:crypto";
import { WireError, WireReader } from "./wire.ts";

/** Key types the relay can verify. */
export const SUPPORTED_KEY_TYPES = [
  "ssh-ed25519",
  "ecdsa-sha2-nistp256",
  "ecdsa-sha2-nistp384",
  "ecdsa-sha2-nistp521",
  "ssh-rsa",
  "sk-ssh-ed25519@openssh.com",
  "sk-ecdsa-sha2-nistp256@openssh.com",
] as const;

export type SshKeyType = (typeof SUPPORTED_KEY_TYPES)[number];

/** True for a key type name the relay supports. */
export function isSupportedKeyType(name: string): name is SshKeyType {
  return (SUPPORTED_KEY_TYPES as readonly string[]).includes(name);
}

/** Curve parameters for the ECDSA key types (hash follows the curve, RFC 5656 §6.2.1). */
export const ECDSA_CURVES = {
  nistp256: { jwkCurve: "P-256", coordinateBytes: 32, hash: "sha256" },
  nistp384: { jwkCurve: "P-384", coordinateBytes: 48, hash: "sha384" },
  nistp521: { jwkCurve: "P-521", coordinateBytes: 66, hash: "sha512" },
} as const;

export type EcdsaCurveName = keyof typeof ECDSA_CURVES;

/** A public key ready for verification. */
export type PublicKey =
  | { type: "ssh-ed25519"; keyObject: KeyObject }
  | { type: `ecdsa-sha2-${EcdsaCurveName}`; curve: EcdsaCurveName; keyObject: KeyObject }
  | { type: "ssh-rsa"; keyObject: KeyObject; modulusBytes: number }
  | { type: "sk-ssh-ed25519@openssh.com"; keyObject: KeyObject; application: Uint8Array }
  | { type: "sk-ecdsa-sha2-nistp256@openssh.com"; curve: "nistp256"; keyObject: KeyObject; application: Uint8Array };

/** A public key blob that is malformed or of an unsupported type. */
export class PublicKeyError extends Error {
  override readonly name = "PublicKeyError";
}

/** OpenSSH refuses RSA keys below 1024 bits; very large moduli are refused to bound verification cost. */
const RSA_MIN_BITS = 1024;
const RSA_MAX_BITS = 16384;
const CACHE_LIMIT = 1024;

/**
 * The fingerprint exactly as `ssh-keygen -l` prints it: `SHA256:` + unpadded base64 of sha256(blob).
 *
 * @example
 * fingerprintOf(blob) // "SHA256:uNiVztksCsDhcc0u9e8BujQXVUpKZIDTMczCvj3tD2s"
 */
export function fingerprintOf(blob: Uint8Array): string {
  return `SHA256:${createHash("sha256").update(blob).digest("base64").replace(/=+$/, "")}`;
}

/** The key type name stored at the start of a public key blob, or undefined when unreadable. */
export function keyTypeOfBlob(blob: Uint8Array): string | undefined {
  try {
    return new WireReader(blob).readString();
  } catch {
    return undefined;
  }
}

const cache = new Map<string, PublicKey>();
/** By blob object (entries' blobs live as long as their parsed authorized_keys). */
const byBlob = new WeakMap<Uint8Array, PublicKey>();

/**
 * Parses a public key blob into a verification-ready {@link PublicKey}. Results are cached by blob
 * (bounded; oldest entries evicted first).
 *
 * @example
 * const key = publicKeyFromBlob(entry.blob);
 */
export function publicKeyFromBlob(blob: Uint8Array): PublicKey {
  // The same blob object again (an authorized_keys entry at each login; blobs are never changed
  // once parsed): no base64 key for the map.
  const known = byBlob.get(blob);
  if (known) return known;
  const cacheKey = Buffer.from(blob.buffer, blob.byteOffset, blob.byteLength).toString("base64");
  let key = cache.get(cacheKey);
  if (!key) {
    key = parseBlob(blob);
    if (cache.size >= CACHE_LIMIT) cache.delete(cache.keys().next().value!);
    cache.set(cacheKey, key);
  }
  byBlob.set(blob, key);
  return key;
}

function parseBlob(blob: Uint8Array): PublicKey {
  try {
    const reader = new WireReader(blob);
    const type = reader.readString();
    const key = parseBody(type, reader);
    reader.expectEnd("public key");
    return key;
  } catch (error) {
    if (error instanceof PublicKeyError) throw error;
    if (error instanceof WireError) throw new PublicKeyError(`malformed public key: ${error.message}`);
    throw new PublicKeyError(`unusable public key: ${(error as Error).message}`);
  }
}

function parseBody(type: string, reader: WireReader): PublicKey {
  switch (type) {
    case "ssh-ed25519":
      return { type, keyObject: ed25519Key(reader.readBytes()) };
    case "sk-ssh-ed25519@openssh.com": {
      const keyObject = ed25519Key(reader.readBytes());
      return { type, keyObject, application: reader.readBytes() };
    }
    case "ecdsa-sha2-nistp256":
    case "ecdsa-sha2-nistp384":
    case "ecdsa-sha2-nistp521": {
      const curve = type.slice("ecdsa-sha2-".length) as EcdsaCurveName;
      return { type, curve, keyObject: ecdsaKey(curve, reader) };
    }
    case "sk-ecdsa-sha2-nistp256@openssh.com": {
      const keyObject = ecdsaKey("nistp256", reader);
      return { type, curve: "nistp256", keyObject, application: reader.readBytes() };
    }
    case "ssh-rsa":
      return rsaKey(reader);
    default:
      throw new PublicKeyError(`unsupported key type ${JSON.stringify(type)}`);
  }
}

function ed25519Key(raw: Uint8Array): KeyObject {
  if (raw.length !== 32) throw new PublicKeyError(`ed25519 key must be 32 bytes, got ${raw.length}`);
  return createPublicKey({ key: { kty: "OKP", crv: "Ed25519", x: b64url(raw) }, format: "jwk" });
}

function ecdsaKey(curve: EcdsaCurveName, reader: WireReader): KeyObject {
  const named = reader.readString();
  if (named !== curve) throw new PublicKeyError(`curve ${JSON.stringify(named)} does not match key type (${curve})`);
  const point = reader.readBytes();
  const { jwkCurve, coordinateBytes } = ECDSA_CURVES[curve];
  // OpenSSH only emits uncompressed points: 0x04 || X || Y.
  if (point.length !== 1 + 2 * coordinateBytes || point[0] !== 0x04) {
    throw new PublicKeyError(`${curve} public point is not an uncompressed point of the right size`);
  }
  const x = point.subarray(1, 1 + coordinateBytes);
  const y = point.subarray(1 + coordinateBytes);
  return createPublicKey({ key: { kty: "EC", crv: jwkCurve, x: b64url(x), y: b64url(y) }, format: "jwk" });
}

function rsaKey(reader: WireReader): PublicKey {
  const e = reader.readMpintMagnitude();
  const n = reader.readMpintMagnitude();
  const bits = bitLength(n);
  if (bits < RSA_MIN_BITS || bits > RSA_MAX_BITS) {
    throw new PublicKeyError(`RSA modulus of ${bits} bits outside ${RSA_MIN_BITS}..${RSA_MAX_BITS}`);
  }
  if (e.length === 0 || e.length > 8) throw new PublicKeyError("implausible RSA public exponent");
  const keyObject = createPublicKey({ key: { kty: "RSA", n: b64url(n), e: b64url(e) }, format: "jwk" });
  return { type: "ssh-rsa", keyObject, modulusBytes: n.length };
}

function bitLength(magnitude: Uint8Array): number {
  if (magnitude.length === 0) return 0;
  return (magnitude.length - 1) * 8 + (32 - Math.clz32(magnitude[0]!));
}

function b64url(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString("base64url");
}
