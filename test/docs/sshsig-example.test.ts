/**
 * docs/protocol.md, "Signing the challenge byte by byte (SSHSIG)": the worked examples are
 * recomputed with the relay's own code and checked with OpenSSH, and the JavaScript signer printed
 * there is run as it stands.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { createPublicKey, verify as cryptoVerify } from "node:crypto";
import { chmodSync, copyFileSync, readFileSync } from "node:fs";
import { join } from "node:path";
import sshpk from "sshpk";
import { authenticate } from "../../src/auth/authenticator.ts";
import { parseAuthorizedKeys } from "../../src/auth/authorized-keys.ts";
import { keyFileSigner } from "../../src/client/signer.ts";
import { formatChallenge, parseChallenge } from "../../src/protocol/challenge.ts";
import { fingerprintOf } from "../../src/ssh/public-key.ts";
import { dearmor, parseArmoredSignature, signedData } from "../../src/ssh/sshsig.ts";
import { WireWriter } from "../../src/ssh/wire.ts";
import { makeTempDir, removeTempDir, sshKeygenCheck, sshKeygenFingerprint, sshKeygenSign } from "../support/ssh.ts";

const ROOT = join(import.meta.dir, "..", "..");
const DOC = readFileSync(join(ROOT, "docs", "protocol.md"), "utf8");
const FIXTURE_KEY = join(ROOT, "test", "fixtures", "doc-example-ed25519-TEST-ONLY");
/** Before the example challenge's `expires:` line. */
const BEFORE_EXPIRY = new Date("2026-11-25T20:00:05.000Z");

/** The fenced block after `<!-- sshsig-example:NAME -->`, exactly as printed. */
function example(name: string): string {
  const match = new RegExp(`<!-- sshsig-example:${name} -->\\n\`\`\`[a-z]*\\n([\\s\\S]*?)\\n\`\`\``).exec(DOC);
  if (!match) throw new Error(`docs/protocol.md has no sshsig-example:${name} block`);
  return match[1]!;
}

/** The bytes of an annotated hex block: everything before `#` on each line. */
function hexBytes(name: string): Uint8Array {
  const tokens = example(name)
    .split("\n")
    .flatMap((line) => line.split("#")[0]!.trim().split(/\s+/).filter(Boolean));
  for (const token of tokens) if (!/^[0-9a-f]{2}$/.test(token)) throw new Error(`sshsig-example:${name}: ${JSON.stringify(token)} is not a hex byte`);
  return Uint8Array.from(tokens.map((token) => parseInt(token, 16)));
}

const hex = (bytes: Uint8Array): string => Buffer.from(bytes).toString("hex");
const keyBlobOf = (line: string): Uint8Array => new Uint8Array(Buffer.from(line.split(" ")[1]!, "base64"));

interface DocSigner {
  signChallenge(challenge: string, pair: CryptoKeyPair): Promise<string>;
  authorizedKeysLine(publicKey: CryptoKey, comment: string): Promise<string>;
  mpint(magnitude: Uint8Array): Uint8Array;
}

/** The doc's JavaScript, run as printed. */
const docSigner = new Function(`${example("webcrypto-signer")}\nreturn { signChallenge, authorizedKeysLine, mpint };`)() as DocSigner;

const challenge = example("challenge");
let dir: string;
beforeAll(() => {
  dir = makeTempDir("relay-doc-");
});
afterAll(() => removeTempDir(dir));

/** authenticate() exactly as the relay runs it for `line` as the only authorized key. */
function relayAccepts(line: string, armored: string) {
  return authenticate({ keys: parseAuthorizedKeys(line).entries, challenge, signature: armored, peerAddress: "127.0.0.1", now: BEFORE_EXPIRY });
}

describe("the challenge", () => {
  test("is canonical, and as long as the doc says", () => {
    const fields = parseChallenge(challenge);
    expect(fields).toBeDefined();
    expect(formatChallenge(fields!)).toBe(challenge);
    const stated = /The challenge \(these (\d+) bytes, no trailing newline\)/.exec(DOC)?.[1];
    expect(Number(stated)).toBe(Buffer.byteLength(challenge, "utf8"));
    expect(BEFORE_EXPIRY.getTime()).toBeLessThan(fields!.expiresAt.getTime());
  });
});

describe("ssh-ed25519 worked example", () => {
  test("the authorized_keys line is the committed test-only key's, and the blob is its base64 field", () => {
    const line = example("ed25519-public");
    expect(line).toBe(readFileSync(`${FIXTURE_KEY}.pub`, "utf8").trim());
    expect(line).toContain("TEST-ONLY");
    expect(hex(hexBytes("ed25519-public-blob"))).toBe(hex(keyBlobOf(line)));
  });

  test("the signed data is what the relay verifies against (104 bytes with sha512)", () => {
    const bytes = hexBytes("signed-data");
    expect(hex(bytes)).toBe(hex(signedData("claude-relay", "sha512", challenge)));
    expect(bytes.length).toBe(104);
    expect(DOC).toContain("this blob (104 bytes with sha512)");
  });

  test("the signature blob is the armored text decoded, and its fields are the ones described", () => {
    const blob = hexBytes("ed25519-signature-blob");
    const armored = `${example("ed25519-armored")}\n`;
    expect(hex(blob)).toBe(hex(dearmor(armored)));
    const sig = parseArmoredSignature(armored);
    expect(sig).toMatchObject({ namespace: "claude-relay", hashAlgorithm: "sha512" });
    expect(sig.reserved).toHaveLength(0);
    expect(hex(sig.publicKey)).toBe(hex(hexBytes("ed25519-public-blob")));
    // string "ssh-ed25519" · string(64 bytes), and those 64 bytes are an Ed25519 signature over the doc's signed data
    expect(hex(sig.signature.subarray(0, 19))).toBe(hex(new WireWriter().string("ssh-ed25519").uint32(64).toBytes()));
    const publicKey = createPublicKey({ key: { kty: "OKP", crv: "Ed25519", x: Buffer.from(sig.publicKey.subarray(19)).toString("base64url") }, format: "jwk" });
    expect(cryptoVerify(null, hexBytes("signed-data"), publicKey, sig.signature.subarray(19))).toBe(true);
  });

  test("the armored signature is the 70-column envelope ssh-keygen prints", () => {
    const lines = example("ed25519-armored").split("\n");
    expect(lines[0]).toBe("-----BEGIN SSH SIGNATURE-----");
    expect(lines.at(-1)).toBe("-----END SSH SIGNATURE-----");
    const body = lines.slice(1, -1);
    expect(body.slice(0, -1).every((line) => line.length === 70)).toBe(true);
    expect(body.at(-1)!.length).toBeLessThanOrEqual(70);
  });

  test("ssh-keygen -Y sign with the test key prints exactly the doc's armored signature (Ed25519 is deterministic)", () => {
    const key = join(dir, "id_doc_example");
    copyFileSync(FIXTURE_KEY, key);
    chmodSync(key, 0o600); // git does not keep 0600; ssh-keygen refuses a readable private key
    expect(sshKeygenSign(key, challenge)).toBe(`${example("ed25519-armored")}\n`);
  });

  test("the relay's client signer produces the same bytes", async () => {
    expect(await keyFileSigner(FIXTURE_KEY).sign(challenge)).toBe(`${example("ed25519-armored")}\n`);
  });

  test("ssh-keygen -Y check-novalidate -n claude-relay accepts it, and so does the relay", () => {
    const armored = `${example("ed25519-armored")}\n`;
    expect(sshKeygenCheck(armored, challenge, dir)).toBe(true);
    expect(relayAccepts(example("ed25519-public"), armored)).toMatchObject({ ok: true, key: { fingerprint: sshKeygenFingerprint(`${FIXTURE_KEY}.pub`) } });
  });

  test("one changed byte of the challenge or of the signature is refused by both", () => {
    const armored = `${example("ed25519-armored")}\n`;
    const otherChallenge = challenge.replace("7717", "7718");
    expect(sshKeygenCheck(armored, otherChallenge, dir)).toBe(false);
    const blob = dearmor(armored);
    blob[blob.length - 1] = blob.at(-1)! ^ 0x01;
    const tampered = `-----BEGIN SSH SIGNATURE-----\n${Buffer.from(blob)
      .toString("base64")
      .match(/.{1,70}/g)!
      .join("\n")}\n-----END SSH SIGNATURE-----\n`;
    expect(sshKeygenCheck(tampered, challenge, dir)).toBe(false);
    expect(relayAccepts(example("ed25519-public"), tampered)).toMatchObject({ ok: false, kind: "bad_signature" });
  });
});

describe("ecdsa-sha2-nistp256 worked example", () => {
  test("the key blob is the line's base64 field: type, curve, uncompressed point", () => {
    const blob = hexBytes("p256-public-blob");
    expect(hex(blob)).toBe(hex(keyBlobOf(example("p256-public"))));
    expect(blob.length).toBe(4 + 19 + 4 + 8 + 4 + 65);
    expect(blob[4 + 19 + 4 + 8 + 4]).toBe(0x04);
  });

  test("P1363 r‖s converted by the doc's mpint rules is the signature encoding shown, and the one in the armored text", () => {
    const p1363 = hexBytes("p256-p1363");
    expect(p1363.length).toBe(64);
    const [r, s] = [p1363.subarray(0, 32), p1363.subarray(32)];
    expect(r[0]! >= 0x80 && s[0] === 0 && s[1]! < 0x80).toBe(true); // the example shows both rules
    const viaRelay = new WireWriter().string("ecdsa-sha2-nistp256").string(new WireWriter().mpint(r).mpint(s).toBytes()).toBytes();
    const viaDoc = new WireWriter()
      .string("ecdsa-sha2-nistp256")
      .string(new Uint8Array([...docSigner.mpint(r), ...docSigner.mpint(s)]))
      .toBytes();
    expect(hex(hexBytes("p256-signature"))).toBe(hex(viaRelay));
    expect(hex(viaDoc)).toBe(hex(viaRelay));
    const sig = parseArmoredSignature(`${example("p256-armored")}\n`);
    expect(hex(sig.signature)).toBe(hex(viaRelay));
    expect(hex(sig.publicKey)).toBe(hex(hexBytes("p256-public-blob")));
  });

  test("the armored signature verifies over the same challenge: ssh-keygen and the relay (ECDSA is randomized: verified, not compared)", () => {
    const armored = `${example("p256-armored")}\n`;
    expect(sshKeygenCheck(armored, challenge, dir)).toBe(true);
    expect(relayAccepts(example("p256-public"), armored)).toMatchObject({
      ok: true,
      key: { type: "ecdsa-sha2-nistp256", fingerprint: fingerprintOf(keyBlobOf(example("p256-public"))) },
    });
    expect(sshKeygenCheck(armored, challenge.replace("7717", "7718"), dir)).toBe(false);
  });
});

describe("the doc's WebCrypto signer, run as printed", () => {
  test("with the test-only Ed25519 key imported into WebCrypto it reproduces the example byte for byte", async () => {
    const key = sshpk.parsePrivateKey(readFileSync(FIXTURE_KEY), "auto");
    const parts = key.part as unknown as Record<string, { data: Buffer }>;
    const jwk = { kty: "OKP", crv: "Ed25519", d: parts.k!.data.subarray(0, 32).toString("base64url"), x: parts.A!.data.toString("base64url") };
    const privateKey = await crypto.subtle.importKey("jwk", jwk, "Ed25519", false, ["sign"]);
    const publicKey = await crypto.subtle.importKey("jwk", { kty: "OKP", crv: "Ed25519", x: jwk.x }, "Ed25519", true, ["verify"]);
    expect(await docSigner.signChallenge(challenge, { publicKey, privateKey })).toBe(`${example("ed25519-armored")}\n`);
    expect(await docSigner.authorizedKeysLine(publicKey, "claude-relay-doc-example-TEST-ONLY")).toBe(example("ed25519-public"));
  });

  test.each([
    ["Ed25519", { name: "Ed25519" }],
    ["ECDSA P-256", { name: "ECDSA", namedCurve: "P-256" }],
  ] as const)("a fresh non-extractable %s key: ssh-keygen and the relay accept its line and signature", async (_name, algorithm) => {
    const pair = (await crypto.subtle.generateKey(algorithm, false, ["sign", "verify"])) as CryptoKeyPair;
    const line = await docSigner.authorizedKeysLine(pair.publicKey, "phone");
    expect(parseAuthorizedKeys(line)).toMatchObject({ entries: [{ comment: "phone" }], diagnostics: [] });
    for (let i = 0; i < 3; i++) {
      const armored = await docSigner.signChallenge(challenge, pair);
      expect(sshKeygenCheck(armored, challenge, dir)).toBe(true);
      expect(relayAccepts(line, armored)).toMatchObject({ ok: true });
    }
  });
});
