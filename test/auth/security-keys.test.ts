/**
 * FIDO (sk-*) keys need hardware to sign, so these signatures are built by hand with node:crypto in
 * the exact shape OpenSSH uses. `ssh-keygen -Y check-novalidate` (which verifies sk signatures in
 * software) confirms the construction, so the verifier is tested against OpenSSH, not against itself.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { sign as cryptoSign, generateKeyPairSync, type KeyObject } from "node:crypto";
import { authenticate } from "../../src/auth/authenticator.ts";
import { parseAuthorizedKeys } from "../../src/auth/authorized-keys.ts";
import { createChallenge } from "../../src/auth/challenge.ts";
import { armorSignature, dearmor, encodeSignatureBlob, signedData } from "../../src/ssh/sshsig.ts";
import { SK_USER_PRESENT, SK_USER_VERIFIED, skSignedMessage } from "../../src/ssh/verify.ts";
import { WireWriter } from "../../src/ssh/wire.ts";
import { makeTempDir, removeTempDir, sshKeygenCheck } from "../support/ssh.ts";

const NOW = new Date("2030-01-01T00:00:00Z");
const APPLICATION = new TextEncoder().encode("ssh:");
const challenge = createChallenge({ server: "relay:1", connectionId: "c", now: NOW, ttlMs: 5000 }).text;

interface SkKey {
  type: string;
  blob: Uint8Array;
  privateKey: KeyObject;
}

function edSkKey(): SkKey {
  const { publicKey, privateKey } = generateKeyPairSync("ed25519");
  const raw = Buffer.from(publicKey.export({ format: "jwk" }).x!, "base64url");
  const type = "sk-ssh-ed25519@openssh.com";
  return { type, privateKey, blob: new WireWriter().string(type).string(raw).string(APPLICATION).toBytes() };
}

function ecdsaSkKey(): SkKey {
  const { publicKey, privateKey } = generateKeyPairSync("ec", { namedCurve: "P-256" });
  const jwk = publicKey.export({ format: "jwk" });
  const point = Buffer.concat([Buffer.from([4]), Buffer.from(jwk.x!, "base64url"), Buffer.from(jwk.y!, "base64url")]);
  const type = "sk-ecdsa-sha2-nistp256@openssh.com";
  return { type, privateKey, blob: new WireWriter().string(type).string("nistp256").string(point).string(APPLICATION).toBytes() };
}

/** What OpenSSH's sk signing produces for `message`, with the given authenticator flags. */
function skSign(key: SkKey, message: string, flags: number, counter = 42): string {
  const data = signedData("claude-relay", "sha512", new TextEncoder().encode(message));
  const toSign = skSignedMessage(APPLICATION, flags, counter, data);
  let inner: Uint8Array;
  if (key.type.startsWith("sk-ssh-ed25519")) {
    inner = cryptoSign(null, toSign, key.privateKey);
  } else {
    const p1363 = cryptoSign("sha256", toSign, { key: key.privateKey, dsaEncoding: "ieee-p1363" });
    inner = new WireWriter().mpint(p1363.subarray(0, 32)).mpint(p1363.subarray(32)).toBytes();
  }
  const signature = new WireWriter().string(key.type).string(inner).byte(flags).uint32(counter).toBytes();
  return armorSignature(
    encodeSignatureBlob({ publicKey: key.blob, namespace: "claude-relay", reserved: new Uint8Array(0), hashAlgorithm: "sha512", signature }),
  );
}

function line(key: SkKey, options = ""): string {
  return `${options}${options ? " " : ""}${key.type} ${Buffer.from(key.blob).toString("base64")} yubikey`;
}

function check(key: SkKey, signature: string, options = "") {
  const { entries, diagnostics } = parseAuthorizedKeys(line(key, options));
  expect(diagnostics).toEqual([]);
  return authenticate({ keys: entries, challenge, signature, peerAddress: "127.0.0.1", now: NOW });
}

let dir: string;
beforeAll(() => (dir = makeTempDir()));
afterAll(() => removeTempDir(dir));

for (const [name, make] of [
  ["sk-ssh-ed25519", edSkKey],
  ["sk-ecdsa-sha2-nistp256", ecdsaSkKey],
] as const) {
  describe(name, () => {
    const key = make();

    test("hand-built signature is accepted by ssh-keygen and by the relay", () => {
      const sig = skSign(key, challenge, SK_USER_PRESENT);
      expect(sshKeygenCheck(sig, challenge, dir)).toBe(true);
      expect(check(key, sig)).toMatchObject({ ok: true, key: { type: key.type, comment: "yubikey" } });
    });

    test("without the user-presence flag it is refused", () => {
      const sig = skSign(key, challenge, 0);
      expect(check(key, sig)).toMatchObject({ ok: false, reason: expect.stringContaining("user-presence") });
    });

    test("…unless the line says no-touch-required", () => {
      expect(check(key, skSign(key, challenge, 0), "no-touch-required").ok).toBe(true);
    });

    test("verify-required demands the user-verification flag", () => {
      expect(check(key, skSign(key, challenge, SK_USER_PRESENT), "verify-required")).toMatchObject({
        ok: false,
        reason: expect.stringContaining("user-verification"),
      });
      expect(check(key, skSign(key, challenge, SK_USER_PRESENT | SK_USER_VERIFIED), "verify-required").ok).toBe(true);
    });

    test("flags changed after signing do not verify", () => {
      // The flags byte sits just before the uint32 counter at the very end of the SSHSIG blob.
      const blob = dearmor(skSign(key, challenge, 0));
      blob[blob.length - 5] = SK_USER_PRESENT;
      expect(check(key, armorSignature(blob))).toMatchObject({ ok: false, reason: expect.stringContaining("does not verify") });
    });

    test("signature over another challenge is refused", () => {
      expect(check(key, skSign(key, challenge.replace("relay:1", "relay:2"), SK_USER_PRESENT)).ok).toBe(false);
    });
  });
}
