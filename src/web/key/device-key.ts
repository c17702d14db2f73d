/**
 * The device key: made in the browser on the first visit (WebCrypto Ed25519, or ECDSA P-256 where
 * the browser lacks Ed25519), non-extractable, kept in IndexedDB, and described as OpenSSH would.
 *
 * @example
 * ```ts
 * const key = await loadOrCreateDeviceKey({ db: openKeyDb() });
 * key.line;        // "ssh-ed25519 AAAA… claude-relay:Chrome-on-Android 2026-11-28"
 * key.fingerprint; // "SHA256:…"
 * ```
 */
import type { KeyDb } from "./key-db.ts";
import { authorizedKeysLine, type DeviceKeyAlgorithm, deviceKeyComment, fingerprintOf, keygenListing, publicKeyBlob } from "./ssh-public-key.ts";

/** What IndexedDB holds. */
export interface StoredDeviceKey {
  algorithm: DeviceKeyAlgorithm;
  privateKey: CryptoKey;
  publicBlob: Uint8Array;
  comment: string;
}

export interface DeviceKey extends StoredDeviceKey {
  /** The authorized_keys line. */
  line: string;
  fingerprint: string;
  /** As `ssh-keygen -l` prints it. */
  listing: string;
}

export interface DeviceKeyDeps {
  db: KeyDb<StoredDeviceKey>;
  subtle?: SubtleCrypto;
  userAgent?: string;
  now?: () => Date;
}

/** The browser can make neither kind of key (no WebCrypto: not a secure context, or an old browser). */
export class DeviceKeyUnavailableError extends Error {
  override readonly name = "DeviceKeyUnavailableError";
}

/** The stored key, or a new one (stored before it is returned). */
export async function loadOrCreateDeviceKey(deps: DeviceKeyDeps): Promise<DeviceKey> {
  const subtle = deps.subtle ?? crypto.subtle;
  const stored = await deps.db.get();
  if (stored) return describe(stored, subtle);
  const created = await generate(subtle, deviceKeyComment(deps.userAgent ?? navigator.userAgent, (deps.now ?? (() => new Date()))()));
  await deps.db.put(created);
  return describe(created, subtle);
}

/** Deletes the stored key: the next {@link loadOrCreateDeviceKey} makes a new one. */
export function forgetDeviceKey(db: KeyDb<StoredDeviceKey>): Promise<void> {
  return db.remove();
}

async function generate(subtle: SubtleCrypto | undefined, comment: string): Promise<StoredDeviceKey> {
  if (!subtle) throw new DeviceKeyUnavailableError("this browser offers no WebCrypto here; open the relay over https (or on localhost)");
  const made = (await tryGenerate(subtle, { name: "Ed25519" })) ?? (await tryGenerate(subtle, { name: "ECDSA", namedCurve: "P-256" }));
  if (!made) throw new DeviceKeyUnavailableError("this browser can make neither an Ed25519 nor a P-256 key");
  const raw = new Uint8Array(await subtle.exportKey("raw", made.pair.publicKey));
  return { algorithm: made.algorithm, privateKey: made.pair.privateKey, publicBlob: publicKeyBlob(made.algorithm, raw), comment };
}

async function tryGenerate(
  subtle: SubtleCrypto,
  params: { name: "Ed25519" } | EcKeyGenParams,
): Promise<{ algorithm: DeviceKeyAlgorithm; pair: CryptoKeyPair } | undefined> {
  try {
    // extractable=false applies to the private key; the public key is always exportable.
    const pair = (await subtle.generateKey(params, false, ["sign", "verify"])) as CryptoKeyPair;
    return { algorithm: params.name === "Ed25519" ? "ed25519" : "p256", pair };
  } catch {
    return undefined; // NotSupportedError (or a TypeError in older engines): try the next kind
  }
}

async function describe(stored: StoredDeviceKey, subtle: SubtleCrypto): Promise<DeviceKey> {
  const fingerprint = await fingerprintOf(stored.publicBlob, subtle);
  return {
    ...stored,
    line: authorizedKeysLine(stored.publicBlob, stored.algorithm, stored.comment),
    fingerprint,
    listing: keygenListing(stored.algorithm, fingerprint, stored.comment),
  };
}
