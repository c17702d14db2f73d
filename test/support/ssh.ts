/**
 * Test helpers around the real OpenSSH tools: generate keys with ssh-keygen, sign with
 * `ssh-keygen -Y sign`, check with `ssh-keygen -Y check-novalidate`, run a private ssh-agent.
 *
 * @example
 * ```ts
 * const dir = makeTempDir();
 * const key = generateKey(dir, "ed25519");
 * const armored = sshKeygenSign(key.privatePath, "challenge text");
 * ```
 */
import { spawn, spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

export type TestKeyKind = "ed25519" | "ecdsa-256" | "ecdsa-384" | "ecdsa-521" | "rsa-3072";

export interface TestKey {
  kind: TestKeyKind;
  privatePath: string;
  publicPath: string;
  /** The .pub line: `type base64 comment`. */
  publicLine: string;
  type: string;
  /** Fingerprint as printed by `ssh-keygen -lf`. */
  fingerprint: string;
}

export const ALL_KEY_KINDS: readonly TestKeyKind[] = ["ed25519", "ecdsa-256", "ecdsa-384", "ecdsa-521", "rsa-3072"];

/** A fresh private temp directory; remove it with `removeTempDir`. */
export function makeTempDir(prefix = "relay-auth-"): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

export function removeTempDir(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
}

function run(cmd: string, args: string[], input?: string, env?: NodeJS.ProcessEnv): string {
  const result = spawnSync(cmd, args, { input, encoding: "utf8", env: env ?? process.env, timeout: 60_000 });
  if (result.status !== 0) throw new Error(`${cmd} ${args.join(" ")} failed (${result.status}): ${result.stderr}`);
  return result.stdout;
}

/** Generates an unencrypted key with ssh-keygen. */
export function generateKey(dir: string, kind: TestKeyKind, name: string = kind): TestKey {
  const privatePath = join(dir, `id_${name}`);
  const [algo, bits] = kind.split("-") as [string, string | undefined];
  run("ssh-keygen", ["-q", "-t", algo, ...(bits ? ["-b", bits] : []), "-N", "", "-C", `test-${name}`, "-f", privatePath]);
  const publicPath = `${privatePath}.pub`;
  const publicLine = readFileSync(publicPath, "utf8").trim();
  return { kind, privatePath, publicPath, publicLine, type: publicLine.split(" ")[0]!, fingerprint: sshKeygenFingerprint(publicPath) };
}

/** A key generated earlier by {@link generateKey} into `dir` (e.g. by a relay test that restarts). */
export function loadKey(dir: string, name: string): TestKey {
  const privatePath = join(dir, `id_${name}`);
  const publicPath = `${privatePath}.pub`;
  const publicLine = readFileSync(publicPath, "utf8").trim();
  const type = publicLine.split(" ")[0]!;
  const kind = (type === "ssh-ed25519" ? "ed25519" : type === "ssh-rsa" ? "rsa-3072" : `ecdsa-${type.slice(-3)}`) as TestKeyKind;
  return { kind, privatePath, publicPath, publicLine, type, fingerprint: sshKeygenFingerprint(publicPath) };
}

/** The SHA256 fingerprint from `ssh-keygen -lf FILE` (second column). */
export function sshKeygenFingerprint(path: string): string {
  return run("ssh-keygen", ["-l", "-E", "sha256", "-f", path]).split(" ")[1]!;
}

/** `ssh-keygen -Y sign -n NAMESPACE -f KEY` over `message`; returns the armored signature. */
export function sshKeygenSign(keyPath: string, message: string, namespace = "claude-relay", env?: NodeJS.ProcessEnv): string {
  return run("ssh-keygen", ["-q", "-Y", "sign", "-n", namespace, "-f", keyPath], message, env);
}

/** `ssh-keygen -Y check-novalidate`: true when OpenSSH accepts `armored` over `message`. */
export function sshKeygenCheck(armored: string, message: string, dir: string, namespace = "claude-relay"): boolean {
  const sigPath = join(dir, `check-${Date.now()}-${Math.random().toString(36).slice(2)}.sig`);
  writeFileSync(sigPath, armored);
  const result = spawnSync("ssh-keygen", ["-Y", "check-novalidate", "-n", namespace, "-s", sigPath], { input: message, encoding: "utf8" });
  return result.status === 0;
}

export interface TestAgent {
  socketPath: string;
  /** Environment pointing SSH_AUTH_SOCK at this agent. */
  env: NodeJS.ProcessEnv;
  add(key: TestKey): void;
  stop(): Promise<void>;
}

/** Starts a private `ssh-agent -D -a SOCK` and waits for its socket. */
export async function startAgent(dir: string): Promise<TestAgent> {
  const socketPath = join(dir, "agent.sock");
  const child = spawn("ssh-agent", ["-D", "-a", socketPath], { stdio: "ignore" });
  const deadline = Date.now() + 5000;
  while (!existsSync(socketPath)) {
    if (Date.now() > deadline || child.exitCode !== null) throw new Error("ssh-agent did not start");
    await new Promise((r) => setTimeout(r, 20));
  }
  const env = { ...process.env, SSH_AUTH_SOCK: socketPath };
  return {
    socketPath,
    env,
    add: (key) => void run("ssh-add", ["-q", key.privatePath], undefined, env),
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once("exit", () => resolve());
        child.kill("SIGTERM");
      }),
  };
}
