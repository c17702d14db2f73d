/**
 * Client-side signer: produces the armored SSHSIG for an auth challenge, exactly what
 * `ssh-keygen -Y sign -n claude-relay -f KEY` prints (sha512, 70-column armor), either through
 * ssh-agent or from an unencrypted private key file.
 *
 * @example
 * ```ts
 * const signer = await openSigner({ identity: "~/.ssh/id_ed25519" }); // agent if it holds the key, else the file
 * const signature = await signer.sign(msg.challenge);
 * ws.send(JSON.stringify({ type: "auth.response", signature }));
 * signer.close();
 * ```
 */

import { createHash, createPrivateKey, sign as cryptoSign, type KeyObject } from "node:crypto";
import { existsSync, readFileSync } from "node:fs";
import * as ed from "@noble/ed25519";
import sshpk from "sshpk";
import { AUTH_NAMESPACE } from "../protocol/messages.ts";
import { ECDSA_CURVES, type EcdsaCurveName, fingerprintOf, keyTypeOfBlob } from "../ssh/public-key.ts";
import { ecdsaSignatureBlob, ed25519SignatureBlob } from "../ssh/signature-blob.ts";
import { type SshSigHashAlgorithm, signSshsig } from "../ssh/sshsig-encode.ts";
import { bytesEqual, leftPad, WireWriter } from "../ssh/wire.ts";
import { SSH_AGENT_RSA_SHA2_512, SshAgentClient, SshAgentError } from "./ssh-agent.ts";

export interface ChallengeSigner {
  /** Public key blob of the signing key. */
  readonly publicKey: Uint8Array;
  /** `SHA256:…`, as ssh-keygen -l prints it. */
  readonly fingerprint: string;
  /** Where the key lives: ssh-agent, a key file, or the browser (a WebCrypto key in IndexedDB). */
  readonly source: "agent" | "file" | "browser";
  /** The key's comment (from ssh-agent or the key file), when it has one. */
  readonly comment?: string;
  /** Signs `message` (the exact challenge text) and returns the armored SSHSIG. */
  sign(message: string | Uint8Array): Promise<string>;
  /** Releases the agent connection, if any. */
  close(): void;
}

export interface SignerOptions {
  namespace?: string;
  /** Default sha512, as ssh-keygen. */
  hashAlgorithm?: SshSigHashAlgorithm;
}

/** A key could not be found, read or used for signing. */
export class SignerError extends Error {
  override readonly name = "SignerError";
}

/** Signs SSHSIG signed-data with one key and returns the SSH signature blob. */
type RawSigner = (data: Uint8Array) => Promise<Uint8Array>;

const encoder = new TextEncoder();

function makeSigner(
  publicKey: Uint8Array,
  source: ChallengeSigner["source"],
  comment: string | undefined,
  rawSign: RawSigner,
  options: SignerOptions,
  close = () => {},
): ChallengeSigner {
  const namespace = options.namespace ?? AUTH_NAMESPACE;
  const hashAlgorithm = options.hashAlgorithm ?? "sha512";
  return {
    publicKey,
    fingerprint: fingerprintOf(publicKey),
    source,
    ...(comment && { comment }),
    close,
    sign(message) {
      const bytes = typeof message === "string" ? encoder.encode(message) : message;
      return signSshsig({
        publicKey,
        namespace,
        hashAlgorithm,
        message: bytes,
        digest: (data) => new Uint8Array(createHash(hashAlgorithm).update(data).digest()),
        rawSign,
      });
    },
  };
}

/**
 * A signer backed by ssh-agent. `key` picks the identity: a `SHA256:` fingerprint, or the path of a
 * key file (its `.pub` is read); without it, the agent's first identity.
 *
 * @example
 * const signer = await agentSigner({ key: "SHA256:uNiVztksCsDhcc0u9e8BujQXVUpKZIDTMczCvj3tD2s" });
 */
export async function agentSigner(options: SignerOptions & { socketPath?: string; key?: string } = {}): Promise<ChallengeSigner> {
  const agent = await SshAgentClient.connect(options.socketPath);
  try {
    const identities = await agent.listIdentities();
    const wanted = options.key === undefined ? undefined : wantedBlob(options.key);
    const identity = identities.find((id) =>
      wanted === undefined ? true : typeof wanted === "string" ? fingerprintOf(id.blob) === wanted : bytesEqual(id.blob, wanted),
    );
    if (!identity) {
      throw new SignerError(identities.length === 0 ? "ssh-agent holds no keys" : `ssh-agent does not hold key ${options.key}`);
    }
    const flags = keyTypeOfBlob(identity.blob) === "ssh-rsa" ? SSH_AGENT_RSA_SHA2_512 : 0;
    return makeSigner(
      identity.blob,
      "agent",
      identity.comment,
      (data) => agent.sign(identity.blob, data, flags),
      options,
      () => agent.close(),
    );
  } catch (error) {
    agent.close();
    throw error;
  }
}

/**
 * A signer that reads an unencrypted private key file (OpenSSH or PEM format).
 *
 * @example
 * const signer = keyFileSigner(join(homedir(), ".ssh/id_ed25519"));
 */
export function keyFileSigner(path: string, options: SignerOptions = {}): ChallengeSigner {
  let key: sshpk.PrivateKey;
  try {
    key = sshpk.parsePrivateKey(readFileSync(path), "auto", { filename: path });
  } catch (error) {
    if ((error as Error).name === "KeyEncryptedError") {
      throw new SignerError(`${path} is encrypted; add it to ssh-agent (ssh-add) instead`);
    }
    throw new SignerError(`cannot read private key ${path}: ${(error as Error).message}`);
  }
  const publicKey = new Uint8Array(key.toPublic().toBuffer("rfc4253", {}));
  // sshpk names a key without a comment "(unnamed)" (PEM files have none).
  const comment = key.comment && key.comment !== "(unnamed)" ? key.comment : undefined;
  return makeSigner(publicKey, "file", comment, rawSignerFor(key, path), options);
}

/**
 * Opens a signer the way `ssh-keygen -Y sign -f KEY` does: through ssh-agent when the agent holds
 * KEY, otherwise from the key file. Without `identity`, the agent's first key.
 *
 * @example
 * const signer = await openSigner({ identity: process.env.RELAY_IDENTITY });
 */
export async function openSigner(options: SignerOptions & { identity?: string; socketPath?: string } = {}): Promise<ChallengeSigner> {
  const socketPath = options.socketPath ?? process.env.SSH_AUTH_SOCK;
  if (options.identity === undefined) return agentSigner({ ...options, socketPath });
  if (socketPath) {
    try {
      return await agentSigner({ ...options, socketPath, key: options.identity });
    } catch (error) {
      if (!(error instanceof SignerError || error instanceof SshAgentError)) throw error;
      // Not in the agent (or no agent): fall back to the file, like ssh-keygen.
    }
  }
  return keyFileSigner(options.identity, options);
}

/** A fingerprint string, or the public key blob read from a key file path (PATH.pub preferred). */
function wantedBlob(key: string): string | Uint8Array {
  if (key.startsWith("SHA256:")) return key;
  const publicPath = existsSync(`${key}.pub`) ? `${key}.pub` : key;
  try {
    const text = readFileSync(publicPath);
    const parsed = publicPath.endsWith(".pub") ? sshpk.parseKey(text, "auto") : sshpk.parsePrivateKey(text, "auto").toPublic();
    return new Uint8Array(parsed.toBuffer("rfc4253", {}));
  } catch (error) {
    throw new SignerError(`cannot read public key for ${key}: ${(error as Error).message}`);
  }
}

function rawSignerFor(key: sshpk.PrivateKey, path: string): RawSigner {
  const parts = key.part as unknown as KeyParts;
  switch (key.type) {
    case "ed25519": {
      const seed = parts.k?.data;
      if (seed?.length !== 32) throw new SignerError(`${path}: unexpected ed25519 private key encoding`);
      return async (data) => ed25519SignatureBlob(await ed.signAsync(data, new Uint8Array(seed)));
    }
    case "ecdsa": {
      const curve = `nistp${key.size}` as EcdsaCurveName;
      const hash = ECDSA_CURVES[curve].hash;
      const privateKey = ecdsaPrivateKey(parts, curve, path);
      return async (data) => ecdsaSignatureBlob(curve, new Uint8Array(cryptoSign(hash, data, { key: privateKey, dsaEncoding: "ieee-p1363" })));
    }
    case "rsa": {
      const privateKey = rsaPrivateKey(parts, path);
      return async (data) =>
        new WireWriter()
          .string("rsa-sha2-512")
          .string(cryptoSign("sha512", data, privateKey))
          .toBytes();
    }
    default:
      throw new SignerError(`${path}: unsupported key type ${key.type}`);
  }
}

type KeyParts = Record<string, { data: Buffer } | undefined>;

/** Private keys are imported into node:crypto as JWK: sshpk's PKCS#8 export is rejected by BoringSSL (RSA CRT values) and by Deno (EC). */
function ecdsaPrivateKey(parts: KeyParts, curve: EcdsaCurveName, path: string): KeyObject {
  const { jwkCurve, coordinateBytes } = ECDSA_CURVES[curve];
  const point = part(parts, "Q", path);
  if (point.length !== 1 + 2 * coordinateBytes || point[0] !== 0x04) throw new SignerError(`${path}: unexpected ECDSA public point`);
  const x = point.subarray(1, 1 + coordinateBytes);
  const y = point.subarray(1 + coordinateBytes);
  const d = leftPad(stripZeros(part(parts, "d", path)), coordinateBytes);
  const jwk = { kty: "EC", crv: jwkCurve, x: b64urlBytes(x), y: b64urlBytes(y), d: b64urlBytes(d) };
  return createPrivateKey({ key: jwk, format: "jwk" });
}

/** RSA via JWK; OpenSSH files carry no CRT exponents, so they are computed here. */
function rsaPrivateKey(parts: KeyParts, path: string): KeyObject {
  const get = (name: string): bigint => BigInt(`0x${part(parts, name, path).toString("hex") || "0"}`);
  const [n, e, d, p, q] = ["n", "e", "d", "p", "q"].map(get) as [bigint, bigint, bigint, bigint, bigint];
  const jwk = {
    kty: "RSA",
    n: b64url(n),
    e: b64url(e),
    d: b64url(d),
    p: b64url(p),
    q: b64url(q),
    dp: b64url(d % (p - 1n)),
    dq: b64url(d % (q - 1n)),
    qi: b64url(modInverse(q, p)),
  };
  return createPrivateKey({ key: jwk, format: "jwk" });
}

function modInverse(a: bigint, m: bigint): bigint {
  let [oldR, r] = [a % m, m];
  let [oldS, s] = [1n, 0n];
  while (r !== 0n) {
    const quotient = oldR / r;
    [oldR, r] = [r, oldR - quotient * r];
    [oldS, s] = [s, oldS - quotient * s];
  }
  return ((oldS % m) + m) % m;
}

function part(parts: KeyParts, name: string, path: string): Buffer {
  const value = parts[name];
  if (!value) throw new SignerError(`${path}: private key lacks ${name}`);
  return value.data;
}

function stripZeros(bytes: Uint8Array): Uint8Array {
  let start = 0;
  while (start < bytes.length - 1 && bytes[start] === 0) start++;
  return bytes.subarray(start);
}

function b64url(value: bigint): string {
  const hex = value.toString(16);
  return b64urlBytes(Buffer.from(hex.length % 2 ? `0${hex}` : hex, "hex"));
}

function b64urlBytes(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString("base64url");
}
