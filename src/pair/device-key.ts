/**
 * The public key a device offers in `pair.request`: an authorized_keys key field pair
 * (`<type> <base64>`), Ed25519 or ECDSA only — what a browser's WebCrypto or `ssh-keygen` makes
 * for a device key; RSA, DSA and security-key types are not paired. Pure.
 *
 * @example
 * ```ts
 * const key = parseDeviceKey("ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAI…");
 * if (key.ok) key.fingerprint; // "SHA256:…"
 * ```
 */
import { fingerprintOf, keyTypeOfBlob, PublicKeyError, publicKeyFromBlob } from "../ssh/public-key.ts";

export const PAIRABLE_KEY_TYPES = ["ssh-ed25519", "ecdsa-sha2-nistp256", "ecdsa-sha2-nistp384", "ecdsa-sha2-nistp521"] as const;

export interface DeviceKey {
  type: (typeof PAIRABLE_KEY_TYPES)[number];
  /** The key field, base64 as it goes into authorized_keys. */
  base64: string;
  blob: Uint8Array;
  fingerprint: string;
}

/**
 * Checks and parses a device's public key; a trailing comment is ignored.
 *
 * @example
 * parseDeviceKey("ssh-rsa AAAAB3…") // { ok: false, reason: "only Ed25519 and ECDSA keys can be paired, not ssh-rsa" }
 */
export function parseDeviceKey(text: string): { ok: true; key: DeviceKey } | { ok: false; reason: string } {
  const [type, base64] = text.trim().split(/\s+/);
  if (!type || !base64) return { ok: false, reason: 'publicKey must be "<type> <base64>", as in authorized_keys' };
  if (!(PAIRABLE_KEY_TYPES as readonly string[]).includes(type))
    return { ok: false, reason: `only Ed25519 and ECDSA keys can be paired, not ${type.slice(0, 64)}` };
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(base64)) return { ok: false, reason: "the key field is not base64" };
  const blob = new Uint8Array(Buffer.from(base64, "base64"));
  if (keyTypeOfBlob(blob) !== type) return { ok: false, reason: `the key data is not of type ${type}` };
  try {
    publicKeyFromBlob(blob);
  } catch (error) {
    if (error instanceof PublicKeyError) return { ok: false, reason: error.message };
    throw error;
  }
  return { ok: true, key: { type: type as DeviceKey["type"], base64: Buffer.from(blob).toString("base64"), blob, fingerprint: fingerprintOf(blob) } };
}
