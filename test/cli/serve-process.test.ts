/**
 * `claude-relay serve` as a real process: signals, exit codes, startup errors, unusable
 * directories, and the connect hints it prints (help and usage errors: usage-process.test.ts).
 */
import { afterAll, afterEach, beforeAll, describe, expect, test } from "bun:test";
import { spawn, spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { connect, createServer, type Server } from "node:net";
import { networkInterfaces } from "node:os";
import { join } from "node:path";
import { BUN, CLI, groupAlive, killSpawnedRelays, REPO_ROOT, runCli, SYNTHETIC_CLAUDE, spawnRelay } from "../support/cli-process.ts";
import { type FakeAnthropic, startFakeAnthropic } from "../support/fake-anthropic.ts";
import { claudeEnv } from "../support/relay.ts";
import { generateKey, makeTempDir, removeTempDir, sshKeygenSign, type TestKey } from "../support/ssh.ts";
import { unwritableDir } from "../support/unwritable.ts";
import { waitFor } from "../support/wait.ts";
import { TestClient } from "../support/ws-client.ts";

const CLI_PATH = CLI[1]!;
const LAUNCHER = join(REPO_ROOT, "bin", "claude-relay");

let dir: string;
let api: FakeAnthropic;
let key: TestKey;
let env: Record<string, string | undefined>;
let baseArgs: string[];

beforeAll(async () => {
  dir = makeTempDir("relay-cli-");
  const home = join(dir, "home");
  mkdirSync(join(home, ".ssh"), { recursive: true });
  key = generateKey(dir, "ed25519", "cli");
  writeFileSync(join(home, ".ssh", "authorized_keys"), `${key.publicLine}\n`);
  api = await startFakeAnthropic();
  env = claudeEnv(api, home);
  baseArgs = ["serve", "--state-dir", join(dir, "state"), "--cwd", dir, "--log-format", "json"];
});
afterEach(() => killSpawnedRelays()); // a failed assertion must not leave a relay (and its Claude) running
afterAll(async () => {
  await api.close();
  removeTempDir(dir);
});

/** Every regular file under `root` (relative path → content): a socket or a directory is no state to compare. */
function regularFiles(root: string): Record<string, string> {
  const files: Record<string, string> = {};
  for (const name of readdirSync(root, { recursive: true }) as string[]) {
    const path = join(root, name);
    if (statSync(path).isFile()) files[name] = readFileSync(path, "utf8");
  }
  return files;
}

async function authenticated(url: string): Promise<TestClient> {
  const client = await TestClient.connect(url);
  const challenge = await client.next("auth.challenge");
  client.send({ type: "auth.response", signature: sshKeygenSign(key.privatePath, challenge.challenge) });
  await client.next("auth.ok");
  return client;
}

describe("signals", () => {
  test("SIGTERM: every client gets 1001, Claude's process group ends, exit 0", async () => {
    const relay = spawnRelay([...baseArgs, "--port", "0"], { env });
    const url = await relay.listening;
    const clients = await Promise.all([authenticated(url), authenticated(url), TestClient.connect(url)]);
    const health = await (await fetch(url.replace("ws:", "http:").replace("/ws", "/healthz"))).json();
    relay.kill("SIGTERM");
    const closes = await Promise.all(clients.map((client) => client.closed));
    expect(closes.map((close) => close.code)).toEqual([1001, 1001, 1001]);
    expect(await relay.exitCode).toBe(0); // 1 when the stop overran the relay's own 5 s deadline
    if (health.claudePid > 0) expect(groupAlive(health.claudePid)).toBe(false);
  });

  test("SIGHUP without TLS is harmless: logged (nothing to reload), the relay and its clients carry on", async () => {
    const relay = spawnRelay([...baseArgs, "--port", "0"], { env });
    const url = await relay.listening;
    const client = await authenticated(url);
    relay.kill("SIGHUP");
    await waitFor(() => relay.output().includes("nothing to reload"), 10_000, "the SIGHUP log line");
    const line = JSON.parse(
      relay
        .output()
        .split("\n")
        .find((text) => text.includes("nothing to reload"))!,
    );
    expect(line).toMatchObject({ level: "info", msg: expect.stringContaining("no TLS certificate") });
    client.send({ type: "ping", id: "after-hup" });
    expect(await client.next("pong")).toEqual({ type: "pong", id: "after-hup" });
    const again = await authenticated(url); // still accepting logins
    await again.close();
    relay.kill("SIGTERM");
    expect((await client.closed).code).toBe(1001);
    expect(await relay.exitCode).toBe(0);
  });

  test("SIGINT stops it the same way", async () => {
    const relay = spawnRelay([...baseArgs, "--port", "0"], { env });
    const url = await relay.listening;
    const client = await authenticated(url);
    relay.kill("SIGINT");
    expect((await client.closed).code).toBe(1001);
    expect(await relay.exitCode).toBe(0);
  });
});

describe("last-resort error handling", () => {
  test("an uncaught exception: logged with its stack, clients get internal + 1011, Claude ends, exit non-zero", async () => {
    const relay = spawnRelay([...baseArgs, "--port", "0"], {
      env: { ...env, CRASH_AFTER_MS: "1500" },
      command: [BUN, "--preload", join(import.meta.dir, "..", "support", "crash-later.ts"), CLI_PATH],
    });
    const url = await relay.listening;
    const client = await authenticated(url);
    const health = await (await fetch(url.replace("ws:", "http:").replace("/ws", "/healthz"))).json();
    expect(await client.next("error", 5000)).toMatchObject({ code: "internal" });
    expect((await client.closed).code).toBe(1011);
    expect(await relay.exitCode).toBe(1);
    expect(relay.output()).toContain("uncaught exception: shutting down");
    expect(relay.output()).toContain("injected fault: nobody catches this");
    expect(relay.output()).toContain("crash-later.ts"); // the stack
    if (health.claudePid > 0) expect(groupAlive(health.claudePid)).toBe(false);
  });
});

describe("startup errors: one clear line, non-zero exit, nothing left running", () => {
  let blocker: Server;
  let port: number;
  beforeAll(async () => {
    blocker = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, "127.0.0.1", resolve));
    port = (blocker.address() as { port: number }).port;
  });
  afterAll(() => new Promise<void>((resolve) => blocker.close(() => resolve())));

  test("a port in use names host:port, before the state dir is read or written", async () => {
    const fresh = join(dir, "state-port-fresh");
    const relay = spawnRelay(["serve", "--state-dir", fresh, "--cwd", dir, "--log-format", "json", "--port", String(port)], { env });
    expect(await relay.exitCode).toBe(1);
    expect(relay.output()).toContain(`127.0.0.1:${port} is already in use`);
    expect(readdirSync(fresh)).toEqual([]); // no session id, no session list, no lock left behind

    // A state dir in use before: not a byte changed, no session resumed or restored.
    const used = join(dir, "state-port-used");
    const first = spawnRelay(["serve", "--state-dir", used, "--cwd", dir, "--port", "0", "--claude-bin", SYNTHETIC_CLAUDE], { env });
    await first.listening;
    first.kill("SIGTERM");
    expect(await first.exitCode).toBe(0);
    const before = regularFiles(used);
    expect(Object.keys(before)).toContain("open-sessions.json");
    const again = spawnRelay(["serve", "--state-dir", used, "--cwd", join(dir, "home"), "--log-format", "json", "--port", String(port)], { env });
    expect(await again.exitCode).toBe(1);
    expect(again.output()).not.toMatch(/resuming session|new session|session restored|earlier default session/);
    expect(regularFiles(used)).toEqual(before);
  });

  test("a Claude binary that cannot be found names the path tried", async () => {
    const relay = spawnRelay([...baseArgs, "--port", "0", "--claude-bin", "/nonexistent/claude"], { env });
    expect(await relay.exitCode).not.toBe(0);
    expect(relay.output()).toContain("/nonexistent/claude");
    expect(relay.output()).not.toContain("listening on");
  });

  test("an unreadable --authorized-keys names the file", async () => {
    const unreadable = join(dir, "no-such-keys");
    const relay = spawnRelay([...baseArgs, "--port", "0", "--authorized-keys", unreadable], { env });
    expect(await relay.exitCode).not.toBe(0);
    expect(relay.output()).toContain(unreadable);
  });

  test("a missing default authorized_keys starts, but says loudly that nobody can log in", async () => {
    const emptyHome = join(dir, "empty-home");
    mkdirSync(emptyHome, { recursive: true });
    const relay = spawnRelay([...baseArgs, "--port", "0"], { env: { ...env, HOME: emptyHome } });
    await relay.listening;
    expect(relay.output()).toMatch(/"level":"warn".*(nobody|no one)/i);
    relay.kill("SIGTERM");
    expect(await relay.exitCode).toBe(0);
  });
});

describe("one relay per state dir", () => {
  test("a second relay on the same state dir is refused at once: exit 1, naming the dir and the first one's pid; the first carries on", async () => {
    const state = join(dir, "state-shared");
    const first = spawnRelay(["serve", "--state-dir", state, "--cwd", dir, "--port", "0", "--log-format", "json", "--claude-bin", SYNTHETIC_CLAUDE], { env });
    const url = await first.listening;
    expect(readFileSync(join(state, "relay.lock"), "utf8")).toBe(`${first.child.pid}\n`);

    // Another --cwd: without the lock it would drop the first relay's default session from the list.
    const second = spawnRelay(["serve", "--state-dir", state, "--cwd", join(dir, "home"), "--port", "0", "--log-format", "json"], { env });
    expect(await second.exitCode).toBe(1);
    expect(second.output()).toContain(`another relay (pid ${first.child.pid}) is using the state dir ${state}`);
    expect(second.output()).not.toMatch(/listening on|resuming session|new session|session restored|earlier default session/);

    const client = await authenticated(url);
    await client.close();
    first.kill("SIGTERM");
    expect(await first.exitCode).toBe(0);
    expect(existsSync(join(state, "relay.lock"))).toBe(false); // released on an orderly stop
  });

  test("refused before anything in the state dir is read or written: every file byte for byte as it was", async () => {
    const state = join(dir, "state-held");
    const earlier = spawnRelay(["serve", "--state-dir", state, "--cwd", dir, "--port", "0", "--claude-bin", SYNTHETIC_CLAUDE], { env });
    await earlier.listening;
    earlier.kill("SIGTERM");
    expect(await earlier.exitCode).toBe(0);
    // A live process holds the lock (as a running relay would) while nothing else writes: the files cannot change but by the newcomer.
    const holder = spawn("sleep", ["60"]);
    writeFileSync(join(state, "relay.lock"), `${holder.pid}\n`);
    const before = regularFiles(state);
    expect(Object.keys(before)).toContain("open-sessions.json");
    const second = spawnRelay(["serve", "--state-dir", state, "--cwd", join(dir, "home"), "--port", "0", "--log-format", "json"], { env });
    expect(await second.exitCode).toBe(1);
    expect(second.output()).toContain(`another relay (pid ${holder.pid}) is using the state dir ${state}`);
    expect(regularFiles(state)).toEqual(before);
    holder.kill();
  });

  test("a lock left by a relay that died is taken over", async () => {
    const state = join(dir, "state-stale");
    mkdirSync(state);
    const dead = spawnSync("true").pid; // a pid no process has any more
    writeFileSync(join(state, "relay.lock"), `${dead}\n`);
    const relay = spawnRelay(["serve", "--state-dir", state, "--cwd", dir, "--port", "0", "--claude-bin", SYNTHETIC_CLAUDE], { env });
    await relay.listening;
    expect(readFileSync(join(state, "relay.lock"), "utf8")).toBe(`${relay.child.pid}\n`);
    relay.kill("SIGTERM");
    expect(await relay.exitCode).toBe(0);
    expect(existsSync(join(state, "relay.lock"))).toBe(false);
  });
});

describe("unusable directories: a usage error at once, nothing recorded, no Claude started", () => {
  let file: string;
  beforeAll(() => {
    file = join(dir, "a-file");
    writeFileSync(file, "not a directory");
  });

  const cases: Array<[string, () => string[], () => string]> = [
    ["--cwd that does not exist", () => ["--cwd", join(dir, "no", "such", "dir")], () => `--cwd ${join(dir, "no", "such", "dir")} does not exist`],
    ["--cwd that is a file", () => ["--cwd", file], () => `--cwd ${file} is not a directory`],
    ["--state-dir that is a file", () => ["--state-dir", file], () => `--state-dir ${file} is not a directory`],
    [
      "--state-dir under a file",
      () => ["--state-dir", join(file, "state")],
      () => `--state-dir ${join(file, "state")} cannot be created: ${file} is not a directory`,
    ],
    [
      "--state-dir that is not writable",
      () => ["--state-dir", join(unwritableDir(dir), "state")],
      () => `--state-dir ${join(unwritableDir(dir), "state")} cannot be created: ${unwritableDir(dir)} is not writable`,
    ],
  ];

  test.each(cases)("%s: exit 2, one line naming the flag and the path", (_, flags, message) => {
    const given = flags();
    const state = join(dir, `state-${given[0]!.slice(2)}-${cases.findIndex(([, f]) => f === flags)}`);
    const defaults = { "--cwd": ["--cwd", dir], "--state-dir": ["--state-dir", state] } as Record<string, string[]>;
    delete defaults[given[0]!];
    const args = ["serve", "--port", "0", "--claude-bin", SYNTHETIC_CLAUDE, ...Object.values(defaults).flat(), ...given];
    const { code, stdout, stderr } = runCli(args, env);
    expect({ code, stdout }).toEqual({ code: 2, stdout: "" });
    expect(stderr).toStartWith(`claude-relay: ${message()}`);
    expect(stderr.trimEnd().split("\n")).toHaveLength(1);
    expect(existsSync(state)).toBe(false); // no session recorded
    expect(stderr).not.toContain(SYNTHETIC_CLAUDE); // no attempt to start Claude (a failed one names it)
  });
});

describe("how to connect, printed after listening", () => {
  const hintArgs = () => ["serve", "--port", "0", "--cwd", dir, "--state-dir", join(dir, "state-hints"), "--claude-bin", SYNTHETIC_CLAUDE];

  test("on a loopback address (pretty): the connect line, and how to let other devices in", async () => {
    const relay = spawnRelay(hintArgs(), { env });
    const url = await relay.listening;
    await waitFor(() => relay.output().includes("Note: only this machine can connect"), 10_000, "the connect hint");
    // Run from source: the checkout's launcher, which works from any directory (test/cli/first-run-process.test.ts runs it).
    expect(relay.output()).toContain(`To connect from this machine:\n  ${LAUNCHER} connect ${url}\n`);
    expect(relay.output()).toContain("serve with --host 0.0.0.0 --tls");
    relay.kill("SIGTERM");
    expect(await relay.exitCode).toBe(0);
  });

  test("on 0.0.0.0 (json): one structured line with this machine's real addresses, not 0.0.0.0", async () => {
    const relay = spawnRelay([...hintArgs(), "--host", "0.0.0.0", "--allow-plaintext", "--log-format", "json"], { env });
    const { port } = new URL(await relay.listening);
    await waitFor(() => relay.output().includes(`"msg":"how to connect"`), 10_000, "the connect hint");
    const line = JSON.parse(
      relay
        .output()
        .split("\n")
        .find((text) => text.includes(`"msg":"how to connect"`))!,
    );
    const addresses = [
      ...new Set(
        Object.values(networkInterfaces())
          .flatMap((list) => list ?? [])
          .filter((info) => !info.internal && info.family === "IPv4")
          .map((info) => info.address),
      ),
    ];
    if (addresses.length > 0) {
      expect(line).toMatchObject({ level: "info", remote: true, commands: addresses.map((address) => `${LAUNCHER} connect ws://${address}:${port}/ws`) });
    } else {
      expect(line).toMatchObject({ remote: false, commands: [`${LAUNCHER} connect ws://127.0.0.1:${port}/ws`] });
    }
    expect(JSON.stringify(line.commands)).not.toContain("0.0.0.0");
    relay.kill("SIGTERM");
    expect(await relay.exitCode).toBe(0);
  });
});

describe("file descriptors exhausted", () => {
  test("existing clients keep working, the shortage is logged and reported, service resumes when fds free up", async () => {
    const relay = spawnRelay([...baseArgs, "--port", "0", "--max-clients", "1000", "--max-pending-per-address", "1000"], {
      env,
      command: ["bash", "-c", `ulimit -n 64; exec "${BUN}" "${CLI_PATH}" "$@"`, "claude-relay"],
    });
    const url = await relay.listening;
    const healthUrl = url.replace("ws:", "http:").replace("/ws", "/healthz");
    const client = await authenticated(url);
    const { port } = new URL(url);
    const hogs = Array.from({ length: 80 }, () => connect(Number(port), "127.0.0.1").on("error", () => {}));
    await waitFor(() => relay.output().includes("file descriptors nearly exhausted"), 8000, "the warning");
    client.send({ type: "ping", id: "during" });
    expect(await client.next("pong")).toEqual({ type: "pong", id: "during" });
    for (const hog of hogs) hog.destroy();
    await waitFor(() => relay.output().includes("file descriptors available again"), 8000, "the recovery note");
    const health = await (await fetch(healthUrl)).json();
    expect(health.degraded).not.toContain("file descriptors nearly exhausted: new connections refused");
    const late = await authenticated(url);
    expect(late.isOpen).toBe(true);
    relay.kill("SIGTERM");
    expect(await relay.exitCode).toBe(0);
  });
});
