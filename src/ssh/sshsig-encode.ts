/**
 * Making an SSHSIG (OpenSSH PROTOCOL.sshsig) without Node: the signed data, the binary blob and the
 * armor `ssh-keygen -Y sign` prints. No `node:` imports, so the browser app signs with the same code
 * as the terminal client; the hash and the key's signing are passed in (node:crypto or WebCrypto).
 *
 *     byte[6] "SSHSIG" · uint32 version (1) · string publickey · string namespace ·
 *     string reserved · string hash_algorithm · string signature
 *
 * @example
 * ```ts
 * const armored = await signSshsig({
 *   publicKey, namespace: "claude-relay", hashAlgorithm: "sha512", message,
 *   digest: async (bytes) => new Uint8Array(await crypto.subtle.digest("SHA-512", bytes)),
 *   rawSign: async (data) => ed25519SignatureBlob(new Uint8Array(await crypto.subtle.sign("Ed25519", key, data))),
 * });
 * ```
 */
import { toBase64 } from "./base64.ts";
import { WireWriter } from "./wire.ts";

export const SSHSIG_MAGIC = "SSHSIG";
export const SSHSIG_VERSION = 1;
export const SSHSIG_HASH_ALGORITHMS = ["sha256", "sha512"] as const;
export type SshSigHashAlgorithm = (typeof SSHSIG_HASH_ALGORITHMS)[number];

export const ARMOR_BEGIN = "-----BEGIN SSH SIGNATURE-----";
export const ARMOR_END = "-----END SSH SIGNATURE-----";
/** ssh-keygen wraps armored base64 at 70 columns. */
const ARMOR_LINE_WIDTH = 70;

/** A parsed SSHSIG blob. `signature` is the inner SSH signature blob (algorithm name + signature bytes). */
export interface SshSignature {
  publicKey: Uint8Array;
  namespace: string;
  reserved: Uint8Array;
  hashAlgorithm: SshSigHashAlgorithm;
  signature: Uint8Array;
}

/** The fields before H(message) in the signed data, for the last namespace and hash used (always the same in the relay). */
let header: { namespace: string; hashAlgorithm: string; bytes: Uint8Array } | undefined;

/**
 * The bytes the key signs, given H(message): "SSHSIG" · string namespace · string reserved ·
 * string hash_algorithm · string H(message). The reserved field is always empty, as in OpenSSH.
 * One allocation: the fields before the digest are encoded once and reused (every login needs them).
 *
 * @example
 * signedDataForDigest("claude-relay", "sha512", sha512(message))
 */
export function signedDataForDigest(namespace: string, hashAlgorithm: SshSigHashAlgorithm, digest: Uint8Array): Uint8Array {
  if (header?.namespace !== namespace || header.hashAlgorithm !== hashAlgorithm) {
    header = {
      namespace,
      hashAlgorithm,
      bytes: new WireWriter().raw(SSHSIG_MAGIC).string(namespace).string(new Uint8Array(0)).string(hashAlgorithm).toBytes(),
    };
  }
  const prefix = header.bytes;
  const out = new Uint8Array(prefix.length + 4 + digest.length);
  out.set(prefix, 0);
  new DataView(out.buffer).setUint32(prefix.length, digest.length);
  out.set(digest, prefix.length + 4);
  return out;
}

/**
 * Encodes an SSHSIG blob.
 *
 * @example
 * armorSignature(encodeSignatureBlob({ publicKey, namespace: "claude-relay", reserved: new Uint8Array(0), hashAlgorithm: "sha512", signature }))
 */
export function encodeSignatureBlob(sig: SshSignature, version: number = SSHSIG_VERSION): Uint8Array {
  return new WireWriter()
    .raw(SSHSIG_MAGIC)
    .uint32(version)
    .string(sig.publicKey)
    .string(sig.namespace)
    .string(sig.reserved)
    .string(sig.hashAlgorithm)
    .string(sig.signature)
    .toBytes();
}

/**
 * Armors an SSHSIG blob exactly as ssh-keygen does (70-column base64, trailing newline).
 *
 * @example
 * armorSignature(blob) // "-----BEGIN SSH SIGNATURE-----\nU1NIU0lH…\n-----END SSH SIGNATURE-----\n"
 */
export function armorSignature(blob: Uint8Array): string {
  const base64 = toBase64(blob);
  const lines: string[] = [];
  for (let i = 0; i < base64.length; i += ARMOR_LINE_WIDTH) lines.push(base64.slice(i, i + ARMOR_LINE_WIDTH));
  return `${ARMOR_BEGIN}\n${lines.join("\n")}\n${ARMOR_END}\n`;
}

export interface SshsigRequest {
  /** Public key blob of the signing key. */
  publicKey: Uint8Array;
  namespace: string;
  hashAlgorithm: SshSigHashAlgorithm;
  message: Uint8Array;
  /** H(bytes) with `hashAlgorithm`. */
  digest(bytes: Uint8Array): Uint8Array | Promise<Uint8Array>;
  /** Signs the SSHSIG signed data; returns the SSH signature blob (see signature-blob.ts). */
  rawSign(data: Uint8Array): Promise<Uint8Array>;
}

/**
 * The whole of `ssh-keygen -Y sign`: hash the message, sign the signed data, wrap and armor.
 *
 * @example
 * const armored = await signSshsig({ publicKey, namespace: "claude-relay", hashAlgorithm: "sha512", message, digest, rawSign });
 */
export async function signSshsig(request: SshsigRequest): Promise<string> {
  const { publicKey, namespace, hashAlgorithm } = request;
  const data = signedDataForDigest(namespace, hashAlgorithm, await request.digest(request.message));
  const signature = await request.rawSign(data);
  return armorSignature(encodeSignatureBlob({ publicKey, namespace, reserved: new Uint8Array(0), hashAlgorithm, signature }));
}
