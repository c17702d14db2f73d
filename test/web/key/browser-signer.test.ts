/**
 * The page's signer, run here on Bun's WebCrypto (the same API the browser has): its SSHSIG is
 * accepted by the relay's verifier and by `ssh-keygen -Y check-novalidate`, and has exactly the
 * layout `ssh-keygen -Y sign` produces (namespace, sha512, 70-column armor).
 */
import { afterAll, describe, expect, test } from "bun:test";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { fingerprintOf as nodeFingerprint, publicKeyFromBlob } from "../../../src/ssh/public-key.ts";
import { parseArmoredSignature, signedData } from "../../../src/ssh/sshsig.ts";
import { verifySignature } from "../../../src/ssh/verify.ts";
import { browserSigner } from "../../../src/web/key/browser-signer.ts";
import { authorizedKeysLine, type DeviceKeyAlgorithm, fingerprintOf, keygenListing, publicKeyBlob } from "../../../src/web/key/ssh-public-key.ts";
import { generateKey, makeTempDir, removeTempDir, sshKeygenCheck, sshKeygenFingerprint, sshKeygenSign } from "../../support/ssh.ts";

const dir = makeTempDir("web-signer-");
afterAll(() => removeTempDir(dir));

const PARAMS: Record<DeviceKeyAlgorithm, { name: "Ed25519" } | EcKeyGenParams> = { ed25519: { name: "Ed25519" }, p256: { name: "ECDSA", namedCurve: "P-256" } };

async function webKey(algorithm: DeviceKeyAlgorithm) {
  const pair = (await crypto.subtle.generateKey(PARAMS[algorithm], false, ["sign", "verify"])) as CryptoKeyPair;
  const publicBlob = publicKeyBlob(algorithm, new Uint8Array(await crypto.subtle.exportKey("raw", pair.publicKey)));
  return { algorithm, privateKey: pair.privateKey, publicBlob, fingerprint: await fingerprintOf(publicBlob) };
}

const challenge = "claude-relay-auth v1\nserver: 127.0.0.1:7717\nconnection: 1\nnonce: abc\nexpires: 2026-01-01T00:00:00.000Z";

describe.each(["ed25519", "p256"] as const)("%s", (algorithm) => {
  test("the private key is not extractable", async () => {
    const key = await webKey(algorithm);
    expect(key.privateKey.extractable).toBe(false);
    expect(crypto.subtle.exportKey("pkcs8", key.privateKey)).rejects.toThrow();
  });

  test("its signature verifies with the relay's verifier and with ssh-keygen -Y check-novalidate", async () => {
    const key = await webKey(algorithm);
    const armored = await browserSigner(key).sign(challenge);
    const sig = parseArmoredSignature(armored);
    expect(sig).toMatchObject({ namespace: "claude-relay", hashAlgorithm: "sha512" });
    expect(sig.publicKey).toEqual(key.publicBlob);
    const data = signedData(sig.namespace, sig.hashAlgorithm, new TextEncoder().encode(challenge));
    expect(verifySignature(publicKeyFromBlob(key.publicBlob), sig.signature, data)).toEqual({ ok: true });
    expect(sshKeygenCheck(armored, challenge, dir)).toBe(true);
    // a changed message does not verify
    expect(sshKeygenCheck(armored, `${challenge}x`, dir)).toBe(false);
  });

  test("its line, fingerprint and listing are what OpenSSH says", async () => {
    const key = await webKey(algorithm);
    const line = authorizedKeysLine(key.publicBlob, algorithm, "claude-relay:test 2026-11-28");
    const path = join(dir, `${algorithm}.pub`);
    writeFileSync(path, `${line}\n`);
    expect(key.fingerprint).toBe(sshKeygenFingerprint(path));
    expect(key.fingerprint).toBe(nodeFingerprint(key.publicBlob));
    const listed = Bun.spawnSync(["ssh-keygen", "-l", "-E", "sha256", "-f", path]).stdout.toString().trim();
    expect(keygenListing(algorithm, key.fingerprint, "claude-relay:test 2026-11-28")).toBe(listed);
  });
});

test("the armor has ssh-keygen's layout: the same line widths as a signature it made", async () => {
  const reference = generateKey(dir, "ed25519", "reference");
  const theirs = sshKeygenSign(reference.privatePath, challenge);
  const ours = await browserSigner(await webKey("ed25519")).sign(challenge);
  const widths = (armored: string) => armored.split("\n").map((line) => line.length);
  expect(widths(ours)).toEqual(widths(theirs)); // same-size keys and signatures: identical armor shape
  expect(ours.endsWith("-----END SSH SIGNATURE-----\n")).toBe(true);
});
