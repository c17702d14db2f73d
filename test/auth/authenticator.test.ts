import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { sign as cryptoSign, generateKeyPairSync } from "node:crypto";
import { type AuthenticateInput, authenticate } from "../../src/auth/authenticator.ts";
import { type AuthorizedKey, parseAuthorizedKeys } from "../../src/auth/authorized-keys.ts";
import { createChallenge } from "../../src/auth/challenge.ts";
import { agentSigner, keyFileSigner } from "../../src/client/signer.ts";
import { SshAgentClient } from "../../src/client/ssh-agent.ts";
import { armorSignature, dearmor, encodeSignatureBlob, parseArmoredSignature, signedData } from "../../src/ssh/sshsig.ts";
import { WireWriter } from "../../src/ssh/wire.ts";
import {
  ALL_KEY_KINDS,
  generateKey,
  makeTempDir,
  removeTempDir,
  sshKeygenSign,
  startAgent,
  type TestAgent,
  type TestKey,
  type TestKeyKind,
} from "../support/ssh.ts";

const NOW = new Date("2030-06-01T12:00:00Z");
const PEER = "::ffff:127.0.0.1";

let dir: string;
let agent: TestAgent;
const keys = {} as Record<TestKeyKind, TestKey>;
let stranger: TestKey;
let authorized: AuthorizedKey[];

beforeAll(async () => {
  dir = makeTempDir();
  for (const kind of ALL_KEY_KINDS) keys[kind] = generateKey(dir, kind);
  stranger = generateKey(dir, "ed25519", "stranger");
  authorized = parseAuthorizedKeys(ALL_KEY_KINDS.map((k) => keys[k].publicLine).join("\n")).entries;
  agent = await startAgent(dir);
  for (const kind of ALL_KEY_KINDS) agent.add(keys[kind]);
});

afterAll(async () => {
  await agent?.stop();
  removeTempDir(dir);
});

/** The challenge a connection was issued (fixed nonce, so tests can sign it before checking). */
function challenge(connectionId = "conn-1"): string {
  const random = (size: number) => new Uint8Array(size).fill(7);
  return createChallenge({ server: "127.0.0.1:7777", connectionId, now: NOW, ttlMs: 10_000, random }).text;
}

function check(signature: unknown, overrides: Partial<AuthenticateInput> = {}) {
  return authenticate({ keys: authorized, challenge: challenge(), signature, peerAddress: PEER, now: NOW, ...overrides });
}

function expectRefused(result: ReturnType<typeof authenticate>, reason: string | RegExp) {
  expect(result.ok).toBe(false);
  if (!result.ok) expect(result.reason).toMatch(reason);
}

/** Keys (of `kind`) on a line with `options`, as the only authorized key. */
function withOptions(kind: TestKeyKind, options: string): AuthorizedKey[] {
  const { entries } = parseAuthorizedKeys(`${options} ${keys[kind].publicLine}`);
  expect(entries).toHaveLength(1);
  return entries;
}

/** Re-encodes an ssh-keygen signature after `edit` changed its fields. */
function reencode(armored: string, edit: (sig: ReturnType<typeof parseArmoredSignature>) => void, version?: number): string {
  const sig = parseArmoredSignature(armored);
  edit(sig);
  return armorSignature(encodeSignatureBlob(sig, version));
}

describe("valid signatures are accepted", () => {
  for (const kind of ALL_KEY_KINDS) {
    test(`${kind}: ssh-keygen -Y sign`, () => {
      const result = check(sshKeygenSign(keys[kind].privatePath, challenge()));
      expect(result).toEqual({
        ok: true,
        key: { type: keys[kind].type, fingerprint: keys[kind].fingerprint, comment: `test-${kind}`, device: `test-${kind}` },
        line: ALL_KEY_KINDS.indexOf(kind) + 1,
      });
    });

    test(`${kind}: ssh-keygen -Y sign through ssh-agent`, () => {
      // With SSH_AUTH_SOCK set and only the .pub given, ssh-keygen must use the agent.
      const result = check(sshKeygenSign(keys[kind].publicPath, challenge(), "claude-relay", agent.env));
      expect(result.ok).toBe(true);
    });

    test(`${kind}: own signer via ssh-agent and via key file`, async () => {
      const viaAgent = await agentSigner({ socketPath: agent.socketPath, key: keys[kind].fingerprint });
      try {
        expect(check(await viaAgent.sign(challenge())).ok).toBe(true);
      } finally {
        viaAgent.close();
      }
      expect(check(await keyFileSigner(keys[kind].privatePath).sign(challenge())).ok).toBe(true);
    });
  }

  test("sha256 SSHSIG hash is accepted too", async () => {
    const signer = keyFileSigner(keys.ed25519.privatePath, { hashAlgorithm: "sha256" });
    expect(check(await signer.sign(challenge())).ok).toBe(true);
  });

  test("from= that matches the normalised peer, and a future expiry-time", () => {
    const entries = withOptions("ed25519", 'from="127.0.0.0/8",expiry-time="20310101Z"');
    expect(check(sshKeygenSign(keys.ed25519.privatePath, challenge()), { keys: entries }).ok).toBe(true);
  });

  test("a key on two lines is accepted when any line allows it", () => {
    const line = keys.ed25519.publicLine;
    const entries = parseAuthorizedKeys(`from="10.0.0.0/8" ${line}\n${line}`).entries;
    const result = check(sshKeygenSign(keys.ed25519.privatePath, challenge()), { keys: entries });
    expect(result.ok && result.line).toBe(2);
  });
});

describe("refusals", () => {
  let edSig: string;
  let rsaSig: string;
  beforeAll(() => {
    edSig = sshKeygenSign(keys.ed25519.privatePath, challenge());
    rsaSig = sshKeygenSign(keys["rsa-3072"].privatePath, challenge());
  });

  test("stranger key", () => {
    const result = check(sshKeygenSign(stranger.privatePath, challenge()));
    expectRefused(result, "key is not in authorized_keys");
    expect(!result.ok && result.fingerprint).toBe(stranger.fingerprint);
  });

  test("replay: a signature over another connection's challenge", () => {
    const other = sshKeygenSign(keys.ed25519.privatePath, challenge("conn-2"));
    expectRefused(check(other), /does not verify.*not over this connection's challenge/);
  });

  test("a signature over the same text signed for another server nonce", () => {
    const first = createChallenge({ server: "127.0.0.1:7777", connectionId: "c", now: NOW, ttlMs: 10_000 }).text;
    const second = createChallenge({ server: "127.0.0.1:7777", connectionId: "c", now: NOW, ttlMs: 10_000 }).text;
    expect(first).not.toBe(second);
    expectRefused(check(sshKeygenSign(keys.ed25519.privatePath, first), { challenge: second }), "does not verify");
  });

  test("tampered challenge (one character changed before signing)", () => {
    const tampered = challenge().replace("127.0.0.1:7777", "127.0.0.1:7778");
    expectRefused(check(sshKeygenSign(keys.ed25519.privatePath, tampered)), "does not verify");
  });

  test("wrong namespace", () => {
    const sig = sshKeygenSign(keys.ed25519.privatePath, challenge(), "git");
    expectRefused(check(sig), 'wrong signature namespace "git"');
  });

  test("namespace changed after signing (prefix of the right one)", () => {
    expectRefused(check(reencode(edSig, (s) => (s.namespace = "claude-relay\0"))), "wrong signature namespace");
  });

  for (const kind of ["ed25519", "ecdsa-256", "ecdsa-384", "ecdsa-521", "rsa-3072"] as const) {
    test(`${kind}: flipped signature byte`, () => {
      const sig = sshKeygenSign(keys[kind].privatePath, challenge());
      const tampered = reencode(sig, (s) => {
        const bytes = new Uint8Array(s.signature);
        bytes[bytes.length - 3]! ^= 0x01;
        s.signature = bytes;
      });
      expectRefused(check(tampered), "signature does not verify");
    });
  }

  test("signature of one authorized key presented with another authorized public key", () => {
    const ecdsaKey = parseArmoredSignature(sshKeygenSign(keys["ecdsa-256"].privatePath, challenge())).publicKey;
    expectRefused(check(reencode(edSig, (s) => (s.publicKey = ecdsaKey))), /does not match key/);
  });

  test("truncated SSHSIG", () => {
    const blob = dearmor(edSig);
    for (const cut of [3, 6, 10, 20, blob.length - 1]) {
      expectRefused(check(armorSignature(blob.subarray(0, cut))), /invalid SSHSIG \((malformed|bad_magic)\)/);
    }
  });

  test("trailing bytes after SSHSIG", () => {
    const blob = dearmor(edSig);
    expectRefused(check(armorSignature(new Uint8Array([...blob, 0]))), "trailing bytes");
  });

  test("length field claiming 4 GiB", () => {
    const blob = dearmor(edSig);
    blob.set([0xff, 0xff, 0xff, 0xff], 10); // the publickey length
    expectRefused(check(armorSignature(blob)), "invalid SSHSIG (malformed)");
  });

  test("garbage base64 body", () => {
    expectRefused(check(armorSignature(new TextEncoder().encode("not an sshsig at all"))), "bad_magic");
  });

  test("oversized signature string", () => {
    expectRefused(check(edSig.replace("-----END", `${"A".repeat(20_000)}\n-----END`)), "exceeds");
  });

  test("SSHSIG version 2", () => {
    expectRefused(check(reencode(edSig, () => {}, 2)), "unsupported SSHSIG version 2");
  });

  test("unknown hash algorithm", () => {
    const sig = parseArmoredSignature(edSig);
    const blob = new WireWriter()
      .raw("SSHSIG")
      .uint32(1)
      .string(sig.publicKey)
      .string(sig.namespace)
      .string(new Uint8Array(0))
      .string("sha1")
      .string(sig.signature)
      .toBytes();
    expectRefused(check(armorSignature(blob)), 'unsupported hash algorithm "sha1"');
  });

  test("hash field changed from sha512 to sha256 after signing", () => {
    expectRefused(check(reencode(edSig, (s) => (s.hashAlgorithm = "sha256"))), "does not verify");
  });

  test("SHA-1 ssh-rsa signature from a real ssh-agent (no SHA-2 flag)", async () => {
    const client = await SshAgentClient.connect(agent.socketPath);
    try {
      const blob = parseArmoredSignature(rsaSig).publicKey;
      const raw = await client.sign(blob, signedData("claude-relay", "sha512", new TextEncoder().encode(challenge())), 0);
      const sha1Sig = reencode(rsaSig, (s) => (s.signature = raw));
      expect(parseArmoredSignature(sha1Sig).signature.subarray(4, 11)).toEqual(new TextEncoder().encode("ssh-rsa"));
      expectRefused(check(sha1Sig), "SHA-1 ssh-rsa signatures are refused");
    } finally {
      client.close();
    }
  });

  test("RSA signature labelled rsa-sha2-256 but made with sha512", () => {
    const sig = parseArmoredSignature(rsaSig);
    const relabelled = new Uint8Array(sig.signature);
    relabelled.set(new TextEncoder().encode("rsa-sha2-256"), 4);
    expectRefused(check(reencode(rsaSig, (s) => (s.signature = relabelled))), "does not verify");
  });

  test("signature algorithm not matching the key type", () => {
    const body = new WireWriter().string("ecdsa-sha2-nistp256").string(new Uint8Array(64)).toBytes();
    expectRefused(check(reencode(edSig, (s) => (s.signature = body))), 'signature algorithm "ecdsa-sha2-nistp256" does not match key');
  });

  test("ECDSA r larger than the curve order size", () => {
    const sig = sshKeygenSign(keys["ecdsa-256"].privatePath, challenge());
    const rs = new WireWriter().mpint(new Uint8Array(40).fill(0x11)).mpint(new Uint8Array(32).fill(1)).toBytes();
    const body = new WireWriter().string("ecdsa-sha2-nistp256").string(rs).toBytes();
    expectRefused(check(reencode(sig, (s) => (s.signature = body))), "malformed signature");
  });

  test("expired key (expiry-time in the past)", () => {
    const entries = withOptions("ed25519", 'expiry-time="20300101"');
    expectRefused(check(edSig, { keys: entries }), /key expired at 2030-01-01/);
  });

  test("expired challenge, by the issuer's expiry when it is given (the text is then not parsed for it)", () => {
    const issued = new Date(NOW.getTime() + 10_000);
    expect(check(edSig, { expiresAt: issued, now: new Date(NOW.getTime() + 10_000) }).ok).toBe(true);
    expectRefused(check(edSig, { expiresAt: issued, now: new Date(NOW.getTime() + 10_001) }), "challenge expired");
    expectRefused(check(edSig, { expiresAt: new Date(NOW.getTime() - 1) }), "challenge expired");
  });

  test("expired challenge", () => {
    expectRefused(check(edSig, { now: new Date(NOW.getTime() + 10_001) }), "challenge expired");
  });

  test("from= mismatch", () => {
    const entries = withOptions("ed25519", 'from="10.0.0.0/8,192.168.*"');
    expectRefused(check(edSig, { keys: entries }), 'address ::ffff:127.0.0.1 not allowed by from="10.0.0.0/8,192.168.*"');
  });

  test("from= negation of the peer", () => {
    const entries = withOptions("ed25519", 'from="127.0.0.0/8,!127.0.0.1"');
    expectRefused(check(edSig, { keys: entries }), "not allowed by from=");
  });

  test.each([
    ['command="/usr/bin/true"', "command="],
    ["restrict", "restrict"],
    ["no-pty", "no-pty"],
    ["cert-authority", "cert-authority"],
    ['principals="me"', "principals="],
  ])("line with %s is refused even with a valid signature", (options, why) => {
    const entries = withOptions("ed25519", options);
    const result = check(edSig, { keys: entries });
    expectRefused(result, why);
    expect(!result.ok && result.fingerprint).toBe(keys.ed25519.fingerprint);
  });

  test.each([[42], [null], [undefined], [{ signature: "x" }], [["-----BEGIN SSH SIGNATURE-----"]], [true]])("non-string signature %p", (value) =>
    expectRefused(check(value), "signature must be a string"),
  );

  test("bad armor", () => {
    expectRefused(check(""), "bad_armor");
    expectRefused(check(edSig.replace("-----BEGIN SSH SIGNATURE-----", "-----BEGIN PGP SIGNATURE-----")), "bad_armor");
    expectRefused(check(edSig.replace("-----END SSH SIGNATURE-----", "")), "bad_armor");
    expectRefused(check(edSig.replace(/\n([A-Za-z0-9])/, "\n*$1")), "not valid base64");
  });

  test("non-canonical server challenge fails closed", () => {
    const text = `${challenge()}\n`;
    expectRefused(check(sshKeygenSign(keys.ed25519.privatePath, text), { challenge: text }), "not canonical");
  });

  test("hand-built Ed25519 SSHSIG from a key not in the file", () => {
    const { publicKey, privateKey } = generateKeyPairSync("ed25519");
    const raw = new Uint8Array(publicKey.export({ format: "der", type: "spki" }).subarray(-32));
    const blob = new WireWriter().string("ssh-ed25519").string(raw).toBytes();
    const data = signedData("claude-relay", "sha512", new TextEncoder().encode(challenge()));
    const signature = new WireWriter()
      .string("ssh-ed25519")
      .string(cryptoSign(null, data, privateKey))
      .toBytes();
    const armored = armorSignature(
      encodeSignatureBlob({ publicKey: blob, namespace: "claude-relay", reserved: new Uint8Array(0), hashAlgorithm: "sha512", signature }),
    );
    expectRefused(check(armored), "key is not in authorized_keys");
    // …and the same signature is accepted once that key is authorized, so the refusal above is about the key.
    const line = `ssh-ed25519 ${Buffer.from(blob).toString("base64")} handmade`;
    expect(check(armored, { keys: parseAuthorizedKeys(line).entries }).ok).toBe(true);
  });
});
