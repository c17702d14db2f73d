/**
 * Verification of an SSH signature blob (`string algorithm · string signature [· byte flags · uint32
 * counter]`) over some data, with node:crypto (native on Bun and Deno).
 *
 * - ssh-ed25519: raw 64-byte Ed25519 signature.
 * - ecdsa-sha2-nistp256/384/521: mpint r, mpint s; the hash follows the curve (sha256/384/512).
 * - ssh-rsa keys: only rsa-sha2-256 / rsa-sha2-512 signatures; SHA-1 `ssh-rsa` signatures are refused.
 * - sk-ssh-ed25519@openssh.com / sk-ecdsa-sha2-nistp256@openssh.com (FIDO): the authenticator signs
 *   sha256(application) · flags · counter · sha256(data); user presence is required unless waived.
 *
 * @example
 * ```ts
 * const result = verifySignature(publicKeyFromBlob(blob), sig.signature, data);
 * if (!result.ok) log.warn("bad signature", { reason: result.reason });
 * ```
 */
import { createHash, verify as cryptoVerify } from "node:crypto";
import { ECDSA_CURVES, type EcdsaCurveName, type PublicKey } from "./public-key.ts";
import { leftPad, WireError, WireReader, WireWriter } from "./wire.ts";

export type VerifyResult = { ok: true; flags?: number } | { ok: false; reason: string };

export interface VerifyOptions {
  /** FIDO keys: accept signatures made without touching the authenticator (`no-touch-required`). */
  allowNoTouch?: boolean;
  /** FIDO keys: demand user verification (PIN/biometric, `verify-required`). */
  requireUserVerification?: boolean;
}

/** FIDO authenticator flags (CTAP2). */
export const SK_USER_PRESENT = 0x01;
export const SK_USER_VERIFIED = 0x04;

const RSA_SIGNATURE_HASHES: Record<string, "sha256" | "sha512"> = {
  "rsa-sha2-256": "sha256",
  "rsa-sha2-512": "sha512",
};

/**
 * Verifies `signatureBlob` (SSH signature encoding) over `data` with `key`. Never throws.
 *
 * @example
 * verifySignature(key, sig.signature, signedData("claude-relay", "sha512", message))
 */
export function verifySignature(key: PublicKey, signatureBlob: Uint8Array, data: Uint8Array, options: VerifyOptions = {}): VerifyResult {
  try {
    const reader = new WireReader(signatureBlob);
    const algorithm = reader.readString();
    return verifyByKeyType(key, algorithm, reader, data, options);
  } catch (error) {
    if (error instanceof WireError) return { ok: false, reason: `malformed signature: ${error.message}` };
    return { ok: false, reason: `signature verification error: ${(error as Error).message}` };
  }
}

function verifyByKeyType(key: PublicKey, algorithm: string, reader: WireReader, data: Uint8Array, options: VerifyOptions): VerifyResult {
  switch (key.type) {
    case "ssh-ed25519": {
      if (algorithm !== key.type) return algorithmMismatch(algorithm, key.type);
      const signature = reader.readBytes();
      reader.expectEnd("signature");
      return checked(signature.length === 64 && cryptoVerify(null, data, key.keyObject, signature));
    }
    case "ecdsa-sha2-nistp256":
    case "ecdsa-sha2-nistp384":
    case "ecdsa-sha2-nistp521": {
      if (algorithm !== key.type) return algorithmMismatch(algorithm, key.type);
      const signature = ecdsaSignatureP1363(key.curve, reader.readBytes());
      reader.expectEnd("signature");
      const hash = ECDSA_CURVES[key.curve].hash;
      return checked(cryptoVerify(hash, data, { key: key.keyObject, dsaEncoding: "ieee-p1363" }, signature));
    }
    case "ssh-rsa": {
      if (algorithm === "ssh-rsa") return { ok: false, reason: "SHA-1 ssh-rsa signatures are refused; use rsa-sha2-256 or rsa-sha2-512" };
      const hash = RSA_SIGNATURE_HASHES[algorithm];
      if (!hash) return algorithmMismatch(algorithm, "rsa-sha2-256/rsa-sha2-512");
      const raw = reader.readBytes();
      reader.expectEnd("signature");
      // OpenSSH accepts signatures shorter than the modulus and left-pads them; longer ones are invalid.
      if (raw.length > key.modulusBytes) return { ok: false, reason: "RSA signature longer than the modulus" };
      return checked(cryptoVerify(hash, data, key.keyObject, leftPad(raw, key.modulusBytes)));
    }
    case "sk-ssh-ed25519@openssh.com":
    case "sk-ecdsa-sha2-nistp256@openssh.com": {
      if (algorithm !== key.type) return algorithmMismatch(algorithm, key.type);
      const inner = reader.readBytes();
      const flags = reader.readByte();
      const counter = reader.readUint32();
      reader.expectEnd("signature");
      if (!options.allowNoTouch && (flags & SK_USER_PRESENT) === 0) {
        return { ok: false, reason: "security key signature lacks the user-presence flag" };
      }
      if (options.requireUserVerification && (flags & SK_USER_VERIFIED) === 0) {
        return { ok: false, reason: "security key signature lacks the user-verification flag" };
      }
      const message = skSignedMessage(key.application, flags, counter, data);
      const ok =
        key.type === "sk-ssh-ed25519@openssh.com"
          ? inner.length === 64 && cryptoVerify(null, message, key.keyObject, inner)
          : cryptoVerify("sha256", message, { key: key.keyObject, dsaEncoding: "ieee-p1363" }, ecdsaSignatureP1363("nistp256", inner));
      return ok ? { ok: true, flags } : { ok: false, reason: "signature does not verify" };
    }
  }
}

/**
 * What a FIDO authenticator signs for OpenSSH: sha256(application) · flags · uint32 counter · sha256(data).
 *
 * @example
 * skSignedMessage(new TextEncoder().encode("ssh:"), 0x01, 7, data)
 */
export function skSignedMessage(application: Uint8Array, flags: number, counter: number, data: Uint8Array): Uint8Array {
  return new WireWriter().raw(sha256(application)).byte(flags).uint32(counter).raw(sha256(data)).toBytes();
}

/** Converts the SSH ECDSA signature body (mpint r, mpint s) to fixed-width r‖s (IEEE P1363). */
function ecdsaSignatureP1363(curve: EcdsaCurveName, body: Uint8Array): Uint8Array {
  const reader = new WireReader(body);
  const size = ECDSA_CURVES[curve].coordinateBytes;
  const r = leftPad(reader.readMpintMagnitude(), size);
  const s = leftPad(reader.readMpintMagnitude(), size);
  reader.expectEnd("ECDSA signature");
  const out = new Uint8Array(2 * size);
  out.set(r, 0);
  out.set(s, size);
  return out;
}

function sha256(bytes: Uint8Array): Uint8Array {
  return new Uint8Array(createHash("sha256").update(bytes).digest());
}

function checked(ok: boolean): VerifyResult {
  return ok ? { ok: true } : { ok: false, reason: "signature does not verify" };
}

function algorithmMismatch(algorithm: string, expected: string): VerifyResult {
  return { ok: false, reason: `signature algorithm ${JSON.stringify(algorithm.slice(0, 64))} does not match key (${expected})` };
}
