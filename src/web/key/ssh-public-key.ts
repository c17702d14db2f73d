/**
 * The device key as OpenSSH sees it (pure, no I/O): its public key blob, its `authorized_keys`
 * line, its fingerprint and `ssh-keygen -l` listing, and the one shell command that authorizes it.
 *
 * @example
 * ```ts
 * const blob = publicKeyBlob("ed25519", raw32);
 * authorizedKeysLine(blob, "ed25519", "claude-relay:Chrome-on-Android 2026-11-28");
 * // "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAA… claude-relay:Chrome-on-Android 2026-11-28"
 * keygenListing("ed25519", "SHA256:…", "claude-relay:…"); // "256 SHA256:… claude-relay:… (ED25519)"
 * ```
 */
import { toBase64 } from "../../ssh/base64.ts";
import { WireWriter } from "../../ssh/wire.ts";

/** What the browser can make: Ed25519, else ECDSA P-256. */
export type DeviceKeyAlgorithm = "ed25519" | "p256";

export const SSH_KEY_TYPES: Record<DeviceKeyAlgorithm, string> = { ed25519: "ssh-ed25519", p256: "ecdsa-sha2-nistp256" };
const LISTING_NAMES: Record<DeviceKeyAlgorithm, string> = { ed25519: "ED25519", p256: "ECDSA" };

/**
 * The SSH public key blob (RFC 8709 / RFC 5656) from WebCrypto's raw public key export: 32 bytes
 * for Ed25519, the 65-byte uncompressed point for P-256.
 */
export function publicKeyBlob(algorithm: DeviceKeyAlgorithm, raw: Uint8Array): Uint8Array {
  if (algorithm === "ed25519") {
    if (raw.length !== 32) throw new Error(`an Ed25519 public key has 32 bytes, got ${raw.length}`);
    return new WireWriter().string("ssh-ed25519").string(raw).toBytes();
  }
  if (raw.length !== 65 || raw[0] !== 0x04) throw new Error("a P-256 public key must be a 65-byte uncompressed point");
  return new WireWriter().string("ecdsa-sha2-nistp256").string("nistp256").string(raw).toBytes();
}

/** The line to append to authorized_keys: `type base64 comment`. */
export function authorizedKeysLine(blob: Uint8Array, algorithm: DeviceKeyAlgorithm, comment: string): string {
  return `${SSH_KEY_TYPES[algorithm]} ${toBase64(blob)} ${comment}`;
}

/** `SHA256:` + unpadded base64 of SHA-256(blob), as `ssh-keygen -l` prints it. */
export async function fingerprintOf(blob: Uint8Array, subtle: SubtleCrypto = crypto.subtle): Promise<string> {
  const digest = new Uint8Array(await subtle.digest("SHA-256", blob as Uint8Array<ArrayBuffer>));
  return `SHA256:${toBase64(digest).replace(/=+$/, "")}`;
}

/** What `ssh-keygen -l -f` prints for the key: bits, fingerprint, comment, type. Both key kinds are 256 bits. */
export function keygenListing(algorithm: DeviceKeyAlgorithm, fingerprint: string, comment: string): string {
  return `256 ${fingerprint} ${comment} (${LISTING_NAMES[algorithm]})`;
}

/** The one command that authorizes the key on the relay's computer. */
export function authorizeCommand(line: string): string {
  return `echo ${shellQuote(line)} >> ~/.ssh/authorized_keys`;
}

function shellQuote(text: string): string {
  return `'${text.replaceAll("'", `'\\''`)}'`;
}

/**
 * A name for this device from its user agent, e.g. `Safari-on-iPhone`: enough to tell the lines in
 * authorized_keys apart. Only [A-Za-z0-9-] get in.
 */
export function deviceName(userAgent: string): string {
  const browser = /Edg\//.test(userAgent)
    ? "Edge"
    : /Firefox\//.test(userAgent)
      ? "Firefox"
      : /Chrom(e|ium)\//.test(userAgent)
        ? "Chrome"
        : /Safari\//.test(userAgent)
          ? "Safari"
          : "Browser";
  const platform = /iPhone/.test(userAgent)
    ? "iPhone"
    : /iPad/.test(userAgent)
      ? "iPad"
      : /Android/.test(userAgent)
        ? "Android"
        : /Mac OS X/.test(userAgent)
          ? "Mac"
          : /Windows/.test(userAgent)
            ? "Windows"
            : /Linux/.test(userAgent)
              ? "Linux"
              : "device";
  return `${browser}-on-${platform}`;
}

/** The device key's comment, e.g. `claude-relay:Safari-on-iPhone 2026-11-28`. */
export function deviceKeyComment(userAgent: string, now: Date): string {
  return `claude-relay:${deviceName(userAgent)} ${now.toISOString().slice(0, 10)}`;
}
