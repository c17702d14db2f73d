/**
 * The relay's VAPID key pair (RFC 8292): an ECDSA P-256 key made once and kept in the state dir
 * (`push/vapid.json`, 0600), so the subscriptions browsers made for its public key keep working
 * across restarts. The public key goes to clients in `auth.ok` (`push.vapidPublicKey`, the
 * `applicationServerKey` of PushManager.subscribe); the private key signs each push's JWT.
 *
 * A key file that group or others may read is refused, not silently fixed: whoever could read it
 * could push to every subscribed device as this relay, so the user decides (chmod 600 it, or
 * delete it and have devices subscribe again).
 *
 * @example
 * ```ts
 * const vapid = await loadOrCreateVapidKeys(stateDir);
 * vapid.publicKey;  // "BEl6…" base64url, 65 bytes: 0x04 ‖ x ‖ y
 * vapid.privateKey; // base64url, the 32-byte scalar d
 * ```
 */
import { readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { writeFileAtomically } from "../shared/atomic-write.ts";

export interface VapidKeys {
  /** Uncompressed P-256 point, base64url (87 characters). */
  publicKey: string;
  /** The private scalar d, base64url (43 characters). */
  privateKey: string;
}

/** The key file cannot be used; the message says what to do. */
export class VapidKeyError extends Error {
  override name = "VapidKeyError";
}

/** Where the key pair lives in the state dir. */
export function vapidKeyPath(stateDir: string): string {
  return join(stateDir, "push", "vapid.json");
}

/**
 * Reads the key pair, or makes and stores it when there is none yet.
 *
 * @example
 * const { publicKey } = await loadOrCreateVapidKeys("/home/me/.local/state/claude-relay");
 */
export async function loadOrCreateVapidKeys(stateDir: string): Promise<VapidKeys> {
  const path = vapidKeyPath(stateDir);
  let mode: number;
  try {
    mode = statSync(path).mode;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "ENOENT") throw new VapidKeyError(`cannot read ${path}: ${(error as Error).message}`);
    const made = await generateVapidKeys();
    writeFileAtomically(path, `${JSON.stringify(made)}\n`, 0o600);
    return made;
  }
  if ((mode & 0o077) !== 0) {
    throw new VapidKeyError(
      `${path} (the Web Push signing key) may be read by other users (mode ${(mode & 0o777).toString(8)}): ` +
        `run chmod 600 ${path} if nobody else could have read it, or delete it to make a new one (devices then subscribe again)`,
    );
  }
  return parseVapidKeys(readFileSync(path, "utf8"), path);
}

/** A fresh P-256 key pair in the form above (WebCrypto: the same on Bun, Deno and in the binary). */
export async function generateVapidKeys(): Promise<VapidKeys> {
  const pair = (await crypto.subtle.generateKey({ name: "ECDSA", namedCurve: "P-256" }, true, ["sign", "verify"])) as CryptoKeyPair;
  const jwk = await crypto.subtle.exportKey("jwk", pair.privateKey);
  const point = Buffer.concat([Buffer.from([4]), Buffer.from(jwk.x!, "base64url"), Buffer.from(jwk.y!, "base64url")]);
  return { publicKey: point.toString("base64url"), privateKey: jwk.d! };
}

function parseVapidKeys(text: string, path: string): VapidKeys {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new VapidKeyError(`${path} is not JSON; delete it to make a new key (devices then subscribe again)`);
  }
  const { publicKey, privateKey } = (value ?? {}) as Record<string, unknown>;
  if (typeof publicKey !== "string" || typeof privateKey !== "string") {
    throw new VapidKeyError(`${path} lacks publicKey or privateKey; delete it to make a new key (devices then subscribe again)`);
  }
  if (Buffer.from(publicKey, "base64url").length !== 65 || Buffer.from(privateKey, "base64url").length !== 32) {
    throw new VapidKeyError(`${path} does not hold a P-256 key pair; delete it to make a new key (devices then subscribe again)`);
  }
  return { publicKey, privateKey };
}
