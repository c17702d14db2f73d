/**
 * Which key connect signs with, as ssh chooses: ssh-agent's first key, else ~/.ssh/id_ed25519,
 * id_ecdsa, id_rsa, else a clear error (real ssh-keygen and ssh-agent).
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { copyFileSync, mkdirSync } from "node:fs";
import { join } from "node:path";
import { identityPath, openDefaultSigner } from "../../../src/cli/connect/keys.ts";
import { generateKey, makeTempDir, removeTempDir, startAgent } from "../../support/ssh.ts";

describe("default key", () => {
  let dir: string;
  beforeAll(() => {
    dir = makeTempDir("connect-keys-");
  });
  afterAll(() => removeTempDir(dir));

  test("ssh-agent's first key, else ~/.ssh/id_ed25519 / id_ecdsa / id_rsa, else a clear error", async () => {
    const home = join(dir, "home");
    mkdirSync(join(home, ".ssh"), { recursive: true });
    const inAgent = generateKey(dir, "ed25519", "agent-key");
    const ecdsa = generateKey(dir, "ecdsa-256", "ecdsa");
    const agent = await startAgent(dir);
    try {
      agent.add(inAgent);
      const fromAgent = await openDefaultSigner(undefined, { SSH_AUTH_SOCK: agent.socketPath }, home);
      expect([fromAgent.source, fromAgent.fingerprint, fromAgent.comment]).toEqual(["agent", inAgent.fingerprint, "test-agent-key"]);
      fromAgent.close();

      await expect(openDefaultSigner(undefined, {}, home)).rejects.toThrow(
        "SSH_AUTH_SOCK is not set and there is no ~/.ssh/id_ed25519, ~/.ssh/id_ecdsa, ~/.ssh/id_rsa; make one with `ssh-keygen -t ed25519`",
      );
      copyFileSync(ecdsa.privatePath, join(home, ".ssh", "id_ecdsa"));
      const fromFile = await openDefaultSigner(undefined, {}, home);
      expect([fromFile.source, fromFile.fingerprint, fromFile.comment]).toEqual(["file", ecdsa.fingerprint, "test-ecdsa"]);

      const explicit = await openDefaultSigner("~/.ssh/id_ecdsa", { SSH_AUTH_SOCK: agent.socketPath }, home);
      expect([explicit.source, explicit.fingerprint]).toEqual(["file", ecdsa.fingerprint]);
    } finally {
      await agent.stop();
    }
  });

  test("--identity paths: ~ is home, relative paths resolve", () => {
    expect(identityPath("~/.ssh/k", "/home/me")).toBe("/home/me/.ssh/k");
    expect(identityPath("~", "/home/me")).toBe("/home/me");
    expect(identityPath("/abs/k", "/home/me")).toBe("/abs/k");
  });
});
