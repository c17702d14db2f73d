import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { spawnSync } from "node:child_process";
import { dirname, join } from "node:path";
import { agentSigner, keyFileSigner, openSigner, SignerError } from "../../src/client/signer.ts";
import { SshAgentClient, SshAgentError } from "../../src/client/ssh-agent.ts";
import { fingerprintOf } from "../../src/ssh/public-key.ts";
import { parseArmoredSignature } from "../../src/ssh/sshsig.ts";
import {
  ALL_KEY_KINDS,
  generateKey,
  makeTempDir,
  removeTempDir,
  sshKeygenCheck,
  startAgent,
  type TestAgent,
  type TestKey,
  type TestKeyKind,
} from "../support/ssh.ts";

const CHALLENGE = "claude-relay-auth v1\nserver: 127.0.0.1:7777\nconnection: c1\nnonce: AAAA\nexpires: 2030-01-01T00:00:00.000Z";

let dir: string;
let agent: TestAgent;
let emptyAgent: TestAgent;
const keys = {} as Record<TestKeyKind, TestKey>;
let notInAgent: TestKey;

beforeAll(async () => {
  dir = makeTempDir();
  for (const kind of ALL_KEY_KINDS) keys[kind] = generateKey(dir, kind);
  notInAgent = generateKey(dir, "ed25519", "file-only");
  agent = await startAgent(dir);
  for (const kind of ALL_KEY_KINDS) agent.add(keys[kind]);
  emptyAgent = await startAgent(makeTempDir());
});

afterAll(async () => {
  await agent?.stop();
  await emptyAgent?.stop();
  removeTempDir(dir);
  if (emptyAgent) removeTempDir(dirname(emptyAgent.socketPath));
});

describe("ssh-agent client", () => {
  test("lists the identities ssh-add -L shows", async () => {
    const client = await SshAgentClient.connect(agent.socketPath);
    try {
      const ids = await client.listIdentities();
      const listed = spawnSync("ssh-add", ["-L"], { env: agent.env, encoding: "utf8" }).stdout.trim().split("\n");
      expect(ids.map((id) => Buffer.from(id.blob).toString("base64"))).toEqual(listed.map((l) => l.split(" ")[1]!));
      expect(ids.map((id) => fingerprintOf(id.blob))).toEqual(ALL_KEY_KINDS.map((k) => keys[k].fingerprint));
      expect(ids[0]!.comment).toBe("test-ed25519");
    } finally {
      client.close();
    }
  });

  test("signing with a key the agent does not hold is a refusal, not a hang", async () => {
    const client = await SshAgentClient.connect(agent.socketPath);
    try {
      const blob = keyFileSigner(notInAgent.privatePath).publicKey;
      await expect(client.sign(blob, new Uint8Array(8))).rejects.toThrow("ssh-agent refused the request");
    } finally {
      client.close();
    }
  });

  test("no socket / no SSH_AUTH_SOCK", async () => {
    await expect(SshAgentClient.connect(join(dir, "nope.sock"))).rejects.toBeInstanceOf(SshAgentError);
    await expect(SshAgentClient.connect("")).rejects.toThrow("SSH_AUTH_SOCK is not set");
  });
});

describe("signer output verifies with ssh-keygen -Y check-novalidate", () => {
  for (const kind of ALL_KEY_KINDS) {
    test(`${kind}: key file and agent`, async () => {
      const fromFile = keyFileSigner(keys[kind].privatePath);
      expect(fromFile.fingerprint).toBe(keys[kind].fingerprint);
      const fileSig = await fromFile.sign(CHALLENGE);
      expect(sshKeygenCheck(fileSig, CHALLENGE, dir)).toBe(true);
      expect(sshKeygenCheck(fileSig, `${CHALLENGE}x`, dir)).toBe(false);
      expect(sshKeygenCheck(fileSig, CHALLENGE, dir, "other-namespace")).toBe(false);

      const viaAgent = await agentSigner({ socketPath: agent.socketPath, key: keys[kind].privatePath });
      try {
        expect(viaAgent.source).toBe("agent");
        const agentSig = await viaAgent.sign(CHALLENGE);
        expect(sshKeygenCheck(agentSig, CHALLENGE, dir)).toBe(true);
        const inner = new TextDecoder().decode(parseArmoredSignature(agentSig).signature.subarray(4, 16));
        if (kind === "rsa-3072") expect(inner).toBe("rsa-sha2-512"); // the SHA-2 flag was sent
      } finally {
        viaAgent.close();
      }
    });
  }

  test("output is ssh-keygen's format: sha512, namespace, 70-column armor", async () => {
    const sig = await keyFileSigner(keys.ed25519.privatePath).sign(CHALLENGE);
    const lines = sig.trimEnd().split("\n");
    expect(lines[0]).toBe("-----BEGIN SSH SIGNATURE-----");
    expect(lines.at(-1)).toBe("-----END SSH SIGNATURE-----");
    expect(lines.slice(1, -2).every((l) => l.length === 70)).toBe(true);
    expect(parseArmoredSignature(sig)).toMatchObject({ namespace: "claude-relay", hashAlgorithm: "sha512" });
  });
});

describe("choosing a key", () => {
  test("agent: by fingerprint, by path, or the first key", async () => {
    for (const [key, want] of [
      [keys["ecdsa-384"].fingerprint, "ecdsa-384"],
      [keys["rsa-3072"].publicPath, "rsa-3072"],
      [undefined, "ed25519"],
    ] as const) {
      const signer = await agentSigner({ socketPath: agent.socketPath, key });
      signer.close();
      expect(signer.fingerprint).toBe(keys[want].fingerprint);
    }
  });

  test("agent: unknown key and empty agent are clear errors", async () => {
    await expect(agentSigner({ socketPath: agent.socketPath, key: notInAgent.fingerprint })).rejects.toThrow(
      `ssh-agent does not hold key ${notInAgent.fingerprint}`,
    );
    await expect(agentSigner({ socketPath: emptyAgent.socketPath })).rejects.toThrow("ssh-agent holds no keys");
  });

  test("openSigner: agent when it holds the key, else the file (like ssh-keygen -Y sign -f)", async () => {
    const held = await openSigner({ identity: keys.ed25519.privatePath, socketPath: agent.socketPath });
    held.close();
    expect(held.source).toBe("agent");
    const fileOnly = await openSigner({ identity: notInAgent.privatePath, socketPath: agent.socketPath });
    expect(fileOnly.source).toBe("file");
    expect(sshKeygenCheck(await fileOnly.sign(CHALLENGE), CHALLENGE, dir)).toBe(true);
  });

  test("encrypted and missing key files are clear errors", () => {
    const encrypted = join(dir, "id_encrypted");
    spawnSync("ssh-keygen", ["-q", "-t", "ed25519", "-N", "secret", "-f", encrypted]);
    expect(() => keyFileSigner(encrypted)).toThrow(SignerError);
    expect(() => keyFileSigner(encrypted)).toThrow("is encrypted; add it to ssh-agent");
    expect(() => keyFileSigner(join(dir, "missing"))).toThrow("cannot read private key");
  });

  test("PEM (PKCS#1/SEC1) private keys work too", async () => {
    for (const [type, bits] of [
      ["ecdsa", "256"],
      ["rsa", "2048"],
    ]) {
      const path = join(dir, `id_pem_${type}`);
      spawnSync("ssh-keygen", ["-q", "-t", type!, "-b", bits!, "-m", "PEM", "-N", "", "-f", path]);
      expect(sshKeygenCheck(await keyFileSigner(path).sign(CHALLENGE), CHALLENGE, dir)).toBe(true);
    }
  });
});
