/**
 * SSH signature blobs (RFC 8709 §6, RFC 5656 §3.1.2) from the raw signatures that node:crypto and
 * WebCrypto produce. No `node:` imports: the browser app uses it too.
 *
 * @example
 * ```ts
 * ed25519SignatureBlob(rawSignature64);             // string "ssh-ed25519" · string sig
 * ecdsaSignatureBlob("nistp256", ieeeP1363RS);      // string "ecdsa-sha2-nistp256" · string (mpint r · mpint s)
 * ```
 */
import type { EcdsaCurveName } from "./public-key.ts";
import { WireWriter } from "./wire.ts";

/** The blob for a raw 64-byte Ed25519 signature. */
export function ed25519SignatureBlob(signature: Uint8Array): Uint8Array {
  return new WireWriter().string("ssh-ed25519").string(signature).toBytes();
}

/** The blob for an ECDSA signature in IEEE P1363 form (r ‖ s, each the curve's size), as WebCrypto returns it. */
export function ecdsaSignatureBlob(curve: EcdsaCurveName, p1363: Uint8Array): Uint8Array {
  const half = p1363.length / 2;
  const rs = new WireWriter().mpint(p1363.subarray(0, half)).mpint(p1363.subarray(half)).toBytes();
  return new WireWriter().string(`ecdsa-sha2-${curve}`).string(rs).toBytes();
}
