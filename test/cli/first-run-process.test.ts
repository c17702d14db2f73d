/**
 * The first minutes of a new user, as real processes: the `connect` command `serve` prints works
 * as printed, in a fresh shell in another directory with no Bun on PATH (run from source it names
 * the checkout's bin/claude-relay; once `npm link` put that on PATH, plain `claude-relay`), and
 * `npm start` runs Claude in the directory npm was invoked from, unless --cwd says otherwise.
 */
import { afterAll, afterEach, beforeAll, describe, expect, test } from "bun:test";
import { spawnSync } from "node:child_process";
import { mkdirSync, realpathSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { killSpawnedRelays, REPO_ROOT, runCliAsync, SYNTHETIC_CLAUDE, spawnRelay } from "../support/cli-process.ts";
import { pathWithRepoBin } from "../support/relay.ts";
import { generateKey, makeTempDir, removeTempDir, type TestKey } from "../support/ssh.ts";
import { waitFor } from "../support/wait.ts";

/** A PATH with a shell and coreutils but no Bun, as on a machine that only has Node and npm. */
const PATH_WITHOUT_BUN = "/usr/bin:/bin";

let dir: string;
let key: TestKey;
let env: Record<string, string | undefined>;
beforeAll(() => {
  dir = makeTempDir("first-run-");
  const home = join(dir, "home");
  mkdirSync(join(home, ".ssh"), { recursive: true });
  key = generateKey(dir, "ed25519", "laptop");
  writeFileSync(join(home, ".ssh", "authorized_keys"), `${key.publicLine}\n`);
  // The relay's own PATH finds bun for the synthetic Claude; the commands it prints must not need that.
  env = { ...process.env, HOME: home, PATH: pathWithRepoBin(), npm_lifecycle_event: undefined, INIT_CWD: undefined };
});
afterEach(() => killSpawnedRelays());
afterAll(() => removeTempDir(dir));

const serveArgs = (name: string) => ["serve", "--port", "0", "--state-dir", join(dir, `state-${name}`), "--claude-bin", SYNTHETIC_CLAUDE];

/** The `… connect URL` line `serve` printed (pretty output). */
async function printedConnectCommand(output: () => string): Promise<string> {
  await waitFor(() => /To connect from this machine:\n {2}(.+ connect \S+)\n/.test(output()), 10_000, "the connect hint");
  return /To connect from this machine:\n {2}(.+ connect \S+)\n/.exec(output())![1]!;
}

/** Runs `line` in a fresh shell (asynchronously: a relay of this test may have to answer meanwhile). */
const runInShell = (line: string, options: { cwd: string; env: Record<string, string | undefined> }) =>
  runCliAsync(["-c", line], { ...options, command: ["sh"] });

describe("the printed connect command works as printed", () => {
  test("run from source: it names the checkout's bin/claude-relay, which connects from another directory without Bun on PATH", async () => {
    const elsewhere = join(dir, "elsewhere");
    mkdirSync(elsewhere);
    const clientEnv = { PATH: PATH_WITHOUT_BUN, HOME: join(dir, "client-home"), NO_COLOR: "1" };
    expect(spawnSync("sh", ["-c", "command -v bun"], { env: clientEnv }).status).not.toBe(0);

    const relay = spawnRelay([...serveArgs("source"), "--cwd", dir], { env, cwd: dir });
    const command = await printedConnectCommand(relay.output);
    expect(command).toBe(`${join(REPO_ROOT, "bin", "claude-relay")} connect ${await relay.listening}`);
    const run = await runInShell(`${command} -i ${key.privatePath} --prompt 'hello from elsewhere'`, { cwd: elsewhere, env: clientEnv });
    expect({ code: run.code, stderr: run.stderr }).toEqual({ code: 0, stderr: "" });
    expect(run.stdout).toStartWith("0 \n"); // the synthetic Claude's numbered answer: a whole turn went through
    relay.kill("SIGTERM");
    expect(await relay.exitCode).toBe(0);
  });

  test("after `npm link` (the launcher on PATH under the name claude-relay): plain `claude-relay`, and it runs", async () => {
    const npmBin = join(dir, "npm-global", "bin");
    mkdirSync(npmBin, { recursive: true });
    symlinkSync(join(REPO_ROOT, "bin", "claude-relay"), join(npmBin, "claude-relay"));
    const relay = spawnRelay([...serveArgs("linked"), "--cwd", dir], { env: { ...env, PATH: `${npmBin}:${env.PATH}` } });
    const command = await printedConnectCommand(relay.output);
    expect(command).toBe(`claude-relay connect ${await relay.listening}`);
    const version = await runInShell("claude-relay --version", { cwd: dir, env: { PATH: `${npmBin}:${PATH_WITHOUT_BUN}` } });
    expect(version).toMatchObject({ code: 0, stdout: expect.stringMatching(/^claude-relay \d+\.\d+\.\d+\n$/) });
    relay.kill("SIGTERM");
    expect(await relay.exitCode).toBe(0);
  });
});

describe("npm start", () => {
  const npmStart = (args: string[], cwd: string) =>
    spawnRelay(["--port", "0", "--state-dir", join(dir, `state-npm-${args.length}`), "--claude-bin", SYNTHETIC_CLAUDE, "--log-format", "json", ...args], {
      env,
      cwd,
      command: ["npm", "--prefix", REPO_ROOT, "start", "--"],
      group: true,
    });
  /** Ctrl-C, as in the terminal npm start runs in (npm does not pass a SIGTERM on): the relay's own log says it stopped in order. */
  const stop = async (relay: ReturnType<typeof spawnRelay>) => {
    const drained = new Promise((resolve) => relay.child.stderr!.on("close", resolve)); // the relay holds the pipe until it ends
    relay.kill("SIGINT");
    await drained;
    expect(relay.output()).toContain('"msg":"stopped"');
  };
  const listeningLine = async (relay: ReturnType<typeof spawnRelay>) => {
    await relay.listening;
    return JSON.parse(
      relay
        .output()
        .split("\n")
        .find((line) => line.includes('"msg":"listening on'))!,
    );
  };

  test("Claude works in the directory npm was invoked from, not in the checkout", async () => {
    const project = join(dir, "project");
    mkdirSync(project);
    const relay = npmStart([], project);
    expect((await listeningLine(relay)).cwd).toBe(realpathSync(project));
    await stop(relay);
  }, 60_000);

  test("--cwd still wins", async () => {
    const chosen = join(dir, "chosen");
    mkdirSync(chosen);
    const relay = npmStart(["--cwd", chosen], join(dir, "home"));
    expect((await listeningLine(relay)).cwd).toBe(chosen);
    await stop(relay);
  }, 60_000);
});
