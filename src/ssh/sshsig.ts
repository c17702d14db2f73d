/**
 * SSHSIG (OpenSSH PROTOCOL.sshsig): the armored signature `ssh-keygen -Y sign` prints, its binary
 * blob, and the "signed data" that the key actually signs.
 *
 *     byte[6] "SSHSIG" · uint32 version (1) · string publickey · string namespace ·
 *     string reserved · string hash_algorithm · string signature
 *
 * Parsing never throws anything but {@link SshSigError}, with a machine-readable `code`.
 *
 * @example
 * ```ts
 * const sig = parseArmoredSignature(armored);
 * const data = signedData(sig.namespace, sig.hashAlgorithm, challenge);
 * // verify sig.signature over `data` with sig.publicKey
 * ```
 */
import { hash } from "node:crypto";
import {
  ARMOR_BEGIN,
  ARMOR_END,
  SSHSIG_HASH_ALGORITHMS,
  SSHSIG_MAGIC,
  SSHSIG_VERSION,
  type SshSigHashAlgorithm,
  type SshSignature,
  signedDataForDigest,
} from "./sshsig-encode.ts";
import { bytesEqual, WireError, WireReader } from "./wire.ts";

export type { SshSigHashAlgorithm, SshSignature } from "./sshsig-encode.ts";
// Encoding lives in sshsig-encode.ts (no node: imports, shared with the browser app).
export { armorSignature, encodeSignatureBlob, SSHSIG_HASH_ALGORITHMS, SSHSIG_MAGIC, SSHSIG_VERSION } from "./sshsig-encode.ts";

/**
 * Upper bound on an armored signature. The largest legitimate one (16384-bit RSA: 2 KiB key + 2 KiB
 * signature) armors to ~6 KiB; anything bigger is refused before decoding.
 */
export const MAX_ARMORED_SIGNATURE_CHARS = 16 * 1024;

export type SshSigErrorCode = "too_large" | "bad_armor" | "bad_magic" | "unsupported_version" | "unsupported_hash" | "malformed";

/** Why an SSHSIG could not be parsed. */
export class SshSigError extends Error {
  override readonly name = "SshSigError";
  constructor(
    readonly code: SshSigErrorCode,
    message: string,
  ) {
    super(message);
  }
}

/**
 * Parses the armored text `ssh-keygen -Y sign` prints (CRLF and surrounding whitespace tolerated).
 *
 * @example
 * parseArmoredSignature("-----BEGIN SSH SIGNATURE-----\nU1NIU0lH…\n-----END SSH SIGNATURE-----\n")
 */
export function parseArmoredSignature(armored: string): SshSignature {
  return parseSignatureBlob(dearmor(armored));
}

/** Decodes the armor into the binary SSHSIG blob. */
export function dearmor(armored: string): Uint8Array {
  if (armored.length > MAX_ARMORED_SIGNATURE_CHARS) {
    throw new SshSigError("too_large", `armored signature of ${armored.length} chars exceeds ${MAX_ARMORED_SIGNATURE_CHARS}`);
  }
  const text = armored.trim();
  if (!text.startsWith(ARMOR_BEGIN)) throw new SshSigError("bad_armor", "missing -----BEGIN SSH SIGNATURE----- line");
  if (!text.endsWith(ARMOR_END)) throw new SshSigError("bad_armor", "missing -----END SSH SIGNATURE----- line");
  const body = text.slice(ARMOR_BEGIN.length, text.length - ARMOR_END.length).replace(/[\r\n\t ]/g, "");
  if (body.length === 0) throw new SshSigError("bad_armor", "empty signature body");
  // Node's base64 decoder silently skips invalid characters; insist on the strict alphabet instead.
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(body) || body.length % 4 !== 0) {
    throw new SshSigError("bad_armor", "signature body is not valid base64");
  }
  const bytes = Buffer.from(body, "base64");
  return new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

const MAGIC_BYTES = new TextEncoder().encode(SSHSIG_MAGIC);

/**
 * Parses a binary SSHSIG blob with bounds checks on every field. The byte fields of the result
 * are views into `blob`, not copies.
 *
 * @example
 * parseSignatureBlob(dearmor(text)).namespace // "claude-relay"
 */
export function parseSignatureBlob(blob: Uint8Array): SshSignature {
  try {
    const reader = new WireReader(blob);
    if (!bytesEqual(reader.readRaw(MAGIC_BYTES.length), MAGIC_BYTES)) throw new SshSigError("bad_magic", "blob does not start with SSHSIG");
    const version = reader.readUint32();
    if (version !== SSHSIG_VERSION) throw new SshSigError("unsupported_version", `unsupported SSHSIG version ${version}`);
    const publicKey = reader.readBytes();
    const namespace = reader.readString();
    const reserved = reader.readBytes();
    const hashAlgorithm = reader.readString();
    if (!(SSHSIG_HASH_ALGORITHMS as readonly string[]).includes(hashAlgorithm)) {
      throw new SshSigError("unsupported_hash", `unsupported hash algorithm ${JSON.stringify(hashAlgorithm.slice(0, 32))}`);
    }
    const signature = reader.readBytes();
    reader.expectEnd("SSHSIG");
    return { publicKey, namespace, reserved, hashAlgorithm: hashAlgorithm as SshSigHashAlgorithm, signature };
  } catch (error) {
    if (error instanceof SshSigError) throw error;
    if (error instanceof WireError) throw new SshSigError("malformed", `malformed SSHSIG: ${error.message}`);
    throw error;
  }
}

/**
 * The bytes the key signs: "SSHSIG" · string namespace · string reserved · string hash_algorithm ·
 * string H(message) (see {@link signedDataForDigest}). A string `message` is hashed as its UTF-8
 * bytes.
 *
 * @example
 * signedData("claude-relay", "sha512", challengeText)
 */
export function signedData(namespace: string, hashAlgorithm: SshSigHashAlgorithm, message: Uint8Array | string): Uint8Array {
  return signedDataForDigest(namespace, hashAlgorithm, hash(hashAlgorithm, message, "buffer"));
}
