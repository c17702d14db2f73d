/**
 * `claude-relay connect` as a real process against a real relay (the real Claude CLI behind the
 * fake API): one-shot turns (answer on stdout, every exit code, the permission policies, keys from
 * ssh-agent and from files, a prompt on stdin, --json as JSON Lines, only its own turn's requests
 * answered) and the JSON lines mode. The interactive view is tested through a real terminal in
 * connect-tty.test.ts.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { spawn } from "node:child_process";
import { copyFileSync, existsSync, mkdirSync, readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { EXIT_AUTH_FAILED, EXIT_FAILED, EXIT_OK, EXIT_UNREACHABLE, EXIT_USAGE } from "../../src/cli/connect/exit-codes.ts";
import { RelayClient } from "../../src/client/client.ts";
import { keyFileSigner } from "../../src/client/signer.ts";
import { CLI } from "../support/cli-process.ts";
import { apiError, text, toolUse } from "../support/fake-anthropic.ts";
import { startMitmRelay } from "../support/mitm-relay.ts";
import { freePort } from "../support/net.ts";
import { startTestRelay, type TestRelay } from "../support/relay.ts";
import { stopSession } from "../support/relay-clients.ts";
import { generateKey, startAgent } from "../support/ssh.ts";

let relay: TestRelay;
/** A HOME without keys and no agent: every run names its key with -i unless a test sets more up. */
let env: Record<string, string | undefined>;
beforeAll(async () => {
  relay = await startTestRelay();
  const home = join(relay.dir, "connect-home");
  mkdirSync(join(home, ".ssh"), { recursive: true });
  env = { ...process.env, HOME: home, SSH_AUTH_SOCK: undefined, NO_COLOR: "1" };
});
afterAll(() => relay.stop());

const key = () => ["-i", relay.key.privatePath];

describe("one-shot", () => {
  test("--prompt: Claude's answer on stdout, exit 0", async () => {
    relay.api.enqueue(text("The answer is 42."));
    const run = await connect([relay.url, ...key(), "--prompt", "what is the answer?"], env);
    expect(run).toMatchObject({ code: EXIT_OK, stdout: "The answer is 42.\n" });
    expect(run.stderr).not.toContain("claude-relay:");
  });

  test("a prompt on stdin (stdin not a terminal): the whole input is one prompt", async () => {
    relay.api.enqueue(text("Reviewed."));
    const watcher = await watch();
    const run = await connect([relay.url, ...key()], env, "Review this:\n+ added line\n- removed line\n");
    expect(run).toMatchObject({ code: EXIT_OK, stdout: "Reviewed.\n" });
    expect(watcher.prompts()).toContain("Review this:\n+ added line\n- removed line");
    await watcher.close();
  });

  test("a turn that ends in an error: exit 1, Claude's error on stderr, nothing on stdout", async () => {
    relay.api.enqueue(apiError(400, "the request was malformed"));
    const run = await connect([relay.url, ...key(), "--prompt", "this will fail"], env);
    expect(run.code).toBe(EXIT_FAILED);
    expect(run.stdout).toBe("");
    expect(run.stderr).toContain("claude-relay: the turn ended in an error: ");
  });

  test("default: a permission request is denied, saying how to allow it; the turn still succeeds", async () => {
    const file = join(relay.options.cwd, "denied-by-default.txt");
    relay.api.enqueue(toolUse("Write", { file_path: file, content: "no" }), text("I could not write it."));
    const run = await connect([relay.url, ...key(), "--prompt", "write a file"], env);
    expect(run).toMatchObject({ code: EXIT_OK, stdout: "I could not write it.\n" });
    expect(run.stderr).toContain(
      "✗ denied Write denied-by-default.txt (one-shot turns deny tools that need permission); to allow it: --allow Write, or --yes for every tool",
    );
    expect(existsSync(file)).toBe(false);
  });

  test("--allow Write: Write is allowed, Bash is denied", async () => {
    const file = join(relay.options.cwd, "allowed.txt");
    const marker = join(relay.dir, "bash-ran");
    relay.api.enqueue(
      toolUse("Write", { file_path: file, content: "written" }),
      toolUse("Bash", { command: `touch ${marker}` }),
      text("Wrote it; Bash was denied."),
    );
    const run = await connect([relay.url, ...key(), "--prompt", "write, then run", "--allow", "Write"], env);
    expect(run).toMatchObject({ code: EXIT_OK, stdout: "Wrote it; Bash was denied.\n" });
    expect(run.stderr).toContain("· Write allowed.txt\n");
    expect(run.stderr).toContain("✓ allowed Write allowed.txt (--allow Write)");
    expect(run.stderr).toContain(`✗ denied Bash: touch ${marker} (not in --allow Write); to allow it: --allow Write,Bash, or --yes for every tool`);
    expect(readFileSync(file, "utf8")).toBe("written");
    expect(existsSync(marker)).toBe(false);
  });

  test("--yes: every tool is allowed", async () => {
    const marker = join(relay.dir, "bash-ran-yes");
    relay.api.enqueue(toolUse("Bash", { command: `touch ${marker}` }), text("Ran it."));
    const run = await connect([relay.url, ...key(), "--prompt", "run it", "--yes"], env);
    expect(run).toMatchObject({ code: EXIT_OK, stdout: "Ran it.\n" });
    expect(run.stderr).toContain(`✓ allowed Bash: touch ${marker} (--yes)`);
    expect(existsSync(marker)).toBe(true);
  });

  test("only its own turn's requests are answered: another device's pending request is left to that device", async () => {
    const other = new RelayClient({ signer: keyFileSigner(relay.key.privatePath) });
    await other.connect(relay.url);
    const theirs = join(relay.options.cwd, "theirs.txt");
    relay.api.enqueue(toolUse("Write", { file_path: theirs, content: "theirs" }), text("their turn done"), text("my turn done"));
    other.prompt("their turn");
    const request = await other.waitFor("permission.request", () => true, 60_000);
    const running = connect([relay.url, ...key(), "--prompt", "my turn", "--yes"], env);
    // The one-shot waits for the other device's turn; its --yes must not answer that request.
    const waited = await waitForStderr(running, "waiting to send the prompt: Claude is waiting for your permission on another device's turn");
    expect(waited).toBe(true);
    other.deny(request.requestId, "not now");
    const resolved = await other.waitFor("permission.resolved", (event) => event.requestId === request.requestId);
    expect(resolved).toMatchObject({ behavior: "deny", by: other.clientId });
    const run = await running;
    expect(run).toMatchObject({ code: EXIT_OK, stdout: "my turn done\n" });
    expect(existsSync(theirs)).toBe(false);
    await other.close();
  });

  test("--json: the protocol messages as JSON Lines, the exit code of the turn", async () => {
    relay.api.enqueue(text("json answer"));
    const run = await connect([relay.url, ...key(), "--prompt", "answer as frames", "--json"], env);
    expect(run.code).toBe(EXIT_OK);
    const frames = run.stdout
      .trimEnd()
      .split("\n")
      .map((line) => JSON.parse(line));
    expect(frames[0]).toMatchObject({ type: "auth.challenge" });
    expect(frames[1]).toMatchObject({ type: "auth.ok", key: { fingerprint: relay.key.fingerprint } });
    expect(frames.find((frame) => frame.type === "user.prompt")).toMatchObject({ text: "answer as frames" });
    expect(frames.filter((frame) => frame.type === "claude.event").at(-1)).toMatchObject({ event: { type: "result", result: "json answer" } });
  });

  test("keys: ssh-agent's key without -i; else ~/.ssh/id_ed25519", async () => {
    const home = join(relay.dir, "agent-home");
    mkdirSync(join(home, ".ssh"), { recursive: true });
    const agent = await startAgent(relay.dir);
    try {
      agent.add(relay.key);
      relay.api.enqueue(text("via the agent"));
      const viaAgent = await connect([relay.url, "--prompt", "hi", "--json"], { ...env, HOME: home, SSH_AUTH_SOCK: agent.socketPath });
      expect(viaAgent.code).toBe(EXIT_OK);
      expect(JSON.parse(viaAgent.stdout.split("\n")[1]!)).toMatchObject({ type: "auth.ok", key: { fingerprint: relay.key.fingerprint } });
    } finally {
      await agent.stop();
    }
    copyFileSync(relay.key.privatePath, join(home, ".ssh", "id_ed25519"));
    relay.api.enqueue(text("via the file"));
    const viaFile = await connect([relay.url, "--prompt", "hi"], { ...env, HOME: home });
    expect(viaFile).toMatchObject({ code: EXIT_OK, stdout: "via the file\n" });
    rmSync(join(home, ".ssh", "id_ed25519"));
  });
});

describe("sessions: --new DIR and --session ID", () => {
  test("--new DIR: the turn runs in a new session there (its own Claude in that directory); stderr names it", async () => {
    const dir = join(relay.dir, "home", "new-project");
    mkdirSync(dir, { recursive: true });
    const file = join(dir, "made-there.txt");
    relay.api.enqueue(toolUse("Write", { file_path: file, content: "in the new session" }), text("Made it in the new project."));
    const run = await connect([relay.url, ...key(), "--new", dir, "--prompt", "make a file here", "--allow", "Write"], env);
    expect(run).toMatchObject({ code: EXIT_OK, stdout: "Made it in the new project.\n" });
    const created = /started session ([0-9a-f-]{36}) in (.+)/.exec(run.stderr);
    expect(created?.[2]).toBe(dir);
    expect(readFileSync(file, "utf8")).toBe("in the new session");
    const session = [...relay.relay.sessions.list()].find((info) => info.sessionId === created![1]);
    expect(session).toMatchObject({ cwd: dir, title: "make a file here" });
  });

  test("--session ID (the start of its id): the turn runs in that session, not the default one", async () => {
    const dir = join(relay.dir, "home", "joined-project");
    mkdirSync(dir, { recursive: true });
    const other = new RelayClient({ signer: keyFileSigner(relay.key.privatePath) });
    await other.connect(relay.url);
    const id = await other.createSession(dir);
    const seen: string[] = [];
    other.on("user.prompt", (event) => seen.push(`${event.sessionId} ${event.text}`));
    await other.follow(id);
    relay.api.enqueue(text("answered in the joined session"));
    const run = await connect([relay.url, ...key(), "--session", id.slice(0, 8), "--prompt", "which session is this?"], env);
    expect(run).toMatchObject({ code: EXIT_OK, stdout: "answered in the joined session\n" });
    expect(seen).toEqual([`${id} which session is this?`]);
    await other.close();
  });

  test("--session that names no session: exit 2, the relay's sessions listed", async () => {
    const run = await connect([relay.url, ...key(), "--session", "nope", "--prompt", "x"], env);
    expect(run.code).toBe(EXIT_USAGE);
    expect(run.stderr).toContain('claude-relay: the relay has no session "nope"');
    expect(run.stderr).toContain("The relay's sessions (--session takes an id or its start; --new DIR starts one):");
    expect(run.stderr).toContain(`${relay.relay.sessionId.slice(0, 8)}  `);
    expect(run.stderr).toContain(`${relay.options.cwd}`);
  });

  test("--session naming a session that stops before it is joined: exit 2, the relay's words, its sessions listed without it", async () => {
    const dir = join(relay.dir, "home", "stopping-project");
    mkdirSync(dir, { recursive: true });
    const other = new RelayClient({ signer: keyFileSigner(relay.key.privatePath) });
    await other.connect(relay.url);
    const id = await other.createSession(dir);
    // auth.ok (which still lists the session) reaches the CLI only once the session is stopped.
    const mitm = await startMitmRelay({ url: relay.url, hold: (frame) => (frame.type === "auth.ok" ? stopSession(other, id) : undefined) });
    const run = await connect([mitm.url, ...key(), "--session", id.slice(0, 8), "--prompt", "x"], env);
    expect(run.code).toBe(EXIT_USAGE);
    expect(run.stderr).toContain(`claude-relay: the relay refused to join session ${id} (stopped since it was listed?): unknown_session: no session "${id}"`);
    expect(run.stderr).toContain("The relay's sessions (--session takes an id or its start; --new DIR starts one):");
    expect(run.stderr).toContain(`${relay.relay.sessionId.slice(0, 8)}  `);
    expect(run.stderr).not.toContain(`${id.slice(0, 8)}  `);
    await other.close();
    await mitm.stop();
  });

  test("--new DIR the relay refuses: exit 2 with its reason; a relative DIR for another machine: exit 2 before connecting", async () => {
    const outside = await connect([relay.url, ...key(), "--new", "/", "--prompt", "x"], env);
    expect(outside.code).toBe(EXIT_USAGE);
    expect(outside.stderr).toContain('claude-relay: --new /: "/" is outside every allowed directory (--allow-dir: ');
    const missing = join(relay.dir, "home", "no-such-dir");
    const absent = await connect([relay.url, ...key(), "--new", missing, "--prompt", "x"], env);
    expect([absent.code, absent.stderr]).toEqual([EXIT_USAGE, expect.stringContaining(`no such directory: "${missing}"`)]);
    const remote = await connect([relay.url.replace("127.0.0.1", "relay.invalid"), ...key(), "--new", "api", "--prompt", "x"], env);
    expect(remote.code).toBe(EXIT_USAGE);
    expect(remote.stderr).toContain(`--new: "api" is relative, but the directory is on the relay's machine`);
  });

  test("--new on a relay that runs as many sessions as it may: exit 1 (not a usage error), the relay's words", async () => {
    const full = await startTestRelay({ flags: { maxSessions: "1" } });
    try {
      const run = await connect([full.url, "-i", full.key.privatePath, "--new", join(full.dir, "home"), "--prompt", "x"], env);
      expect(run.code).toBe(EXIT_FAILED);
      expect(run.stderr).toContain("the relay already runs 1 session");
    } finally {
      await full.stop();
    }
  });
});

describe("exit codes", () => {
  test("2: usage errors (before connecting)", async () => {
    const cases: Array<[string[], string | undefined, string]> = [
      [[relay.url, ...key(), "--prompt", "x", "--yes", "--allow", "Write"], undefined, "--yes allows every tool and --allow only some"],
      [[relay.url, ...key()], "", "no prompt: stdin was empty"],
      [[relay.url, ...key(), "--prompt", "x", "--history", "2"], undefined, "--history is for the interactive view"],
      [[relay.url, "-i", join(relay.dir, "no-such-key"), "--prompt", "x"], undefined, `--identity: no key file ${join(relay.dir, "no-such-key")}`],
      [["ftp://nowhere", ...key(), "--prompt", "x"], undefined, 'not a relay URL: "ftp://nowhere"'],
    ];
    for (const [args, stdin, message] of cases) {
      const run = await connect(args, env, stdin);
      expect([run.code, run.stderr]).toEqual([EXIT_USAGE, expect.stringContaining(message)]);
    }
  });

  test("3: a key the relay does not know — the message names its fingerprint and the line to add", async () => {
    const stranger = generateKey(relay.dir, "ed25519", "stranger");
    const run = await connect([relay.url, "-i", stranger.privatePath, "--prompt", "let me in"], env);
    expect(run.code).toBe(EXIT_AUTH_FAILED);
    expect(run.stderr).toContain(`your key ${stranger.fingerprint} (from the key file) is not in the relay's authorized_keys`);
    expect(run.stderr).toContain(`add this line to ~/.ssh/authorized_keys on the relay's machine`);
    expect(run.stderr).toContain(`\n  ${stranger.publicLine}\n`);
  });

  test("3: no key anywhere (no ~/.ssh keys, no agent), saying how to make one or give one", async () => {
    const run = await connect([relay.url, "--prompt", "x"], env);
    expect(run.code).toBe(EXIT_AUTH_FAILED);
    expect(run.stderr).toContain("make one with `ssh-keygen -t ed25519`");
    expect(run.stderr).toContain("pass --identity KEY (or ssh-add one)");
  });

  test("4: nothing listening, naming the URL", async () => {
    const url = `ws://127.0.0.1:${await freePort()}/ws`;
    const run = await connect([url, ...key(), "--prompt", "x"], env);
    expect(run.code).toBe(EXIT_UNREACHABLE);
    expect(run.stderr).toContain(`cannot connect to ${url}`);
  });
});

describe("a relay whose Claude has no credentials", () => {
  let loggedOut: TestRelay;
  beforeAll(async () => {
    loggedOut = await startTestRelay({ env: { ANTHROPIC_API_KEY: undefined } });
  });
  afterAll(() => loggedOut.stop());

  test("the turn fails (exit 1) and stderr says what to do on the relay's machine, not Claude's own words", async () => {
    const run = await connect([loggedOut.url, "-i", loggedOut.key.privatePath, "--prompt", "hello?"], env);
    expect(run.code).toBe(EXIT_FAILED);
    expect(run.stdout).toBe("");
    expect(run.stderr).toContain("claude-relay: the turn ended in an error: Not logged in");
    expect(run.stderr).toContain("claude-relay: Claude cannot log in to the Anthropic API: ");
    expect(run.stderr).toContain("ANTHROPIC_API_KEY");
  });
});

describe("--json without a prompt: JSON lines", () => {
  test("input lines are prompts or JSON messages; every frame is one JSON line; /quit exits 0", async () => {
    relay.api.enqueue(text("answer for the script"));
    const run = connect([relay.url, ...key(), "--json"], env, ["hello from a script", '{"type":"ping","id":"from-json"}'], (frames) =>
      frames.some((frame) => frame.type === "pong") && frames.some((frame) => frame.type === "claude.event" && frame.event.type === "result")
        ? "/quit"
        : undefined,
    );
    const { code, stdout } = await run;
    expect(code).toBe(EXIT_OK);
    const frames = stdout
      .trimEnd()
      .split("\n")
      .map((line) => JSON.parse(line));
    const ok = frames.find((frame) => frame.type === "auth.ok");
    expect(frames.find((frame) => frame.type === "user.prompt")).toMatchObject({ text: "hello from a script", by: ok.clientId });
    expect(frames.find((frame) => frame.type === "pong")).toEqual({ type: "pong", id: "from-json" });
    expect(frames.find((frame) => frame.type === "claude.event" && frame.event.type === "result").event.result).toBe("answer for the script");
  });

  test("--no-reconnect: a dropped connection ends it with exit 1", async () => {
    const run = connect([relay.url, ...key(), "--json", "--no-reconnect"], env, [], (frames) => {
      const ok = frames.find((frame) => frame.type === "auth.ok");
      if (ok) [...relay.relay.gateway.connections].find((connection) => connection.clientId === ok.clientId)?.terminate();
      return undefined;
    });
    const { code, stderr } = await run;
    expect(code).toBe(EXIT_FAILED);
    expect(stderr).toContain(`connection to ${relay.url} lost`);
  });
});

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

/**
 * Runs `claude-relay connect ARGS` to its end (killed after 90 s). `stdin`: a string to pipe in and
 * close, or lines to write while `next` (called with the JSON frames so far) may add one more.
 */
function connect(
  args: string[],
  environment: Record<string, string | undefined>,
  stdin: string | string[] = [],
  next?: (frames: Array<Record<string, any>>) => string | undefined,
): Promise<Run> & { stderrSoFar(): string } {
  const [cmd, ...prefix] = CLI;
  const child = spawn(cmd!, [...prefix, "connect", ...args], { env: environment, stdio: ["pipe", "pipe", "pipe"] });
  let stdout = "";
  let stderr = "";
  const killer = setTimeout(() => child.kill("SIGKILL"), 90_000);
  if (typeof stdin === "string") child.stdin!.end(stdin);
  else for (const line of stdin) child.stdin!.write(`${line}\n`);
  child.stdout!.on("data", (chunk: Buffer) => {
    stdout += chunk.toString();
    if (!next) return;
    const frames = stdout
      .split("\n")
      .filter((line) => line.startsWith("{"))
      .map((line) => JSON.parse(line));
    const line = next(frames);
    if (line !== undefined) child.stdin!.write(`${line}\n`);
  });
  child.stderr!.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
  const done = new Promise<Run>((resolve) =>
    child.on("exit", (code) => {
      clearTimeout(killer);
      resolve({ code, stdout, stderr });
    }),
  );
  return Object.assign(done, { stderrSoFar: () => stderr });
}

/** Waits (up to 60 s) until the running command's stderr contains `text`. */
async function waitForStderr(run: ReturnType<typeof connect>, text: string): Promise<boolean> {
  const deadline = Date.now() + 60_000;
  while (!run.stderrSoFar().includes(text)) {
    if (Date.now() > deadline) throw new Error(`stderr never said ${JSON.stringify(text)}: ${run.stderrSoFar()}`);
    await Bun.sleep(20);
  }
  return true;
}

/** A client that records every prompt the session sees. */
async function watch(): Promise<{ prompts(): string[]; close(): Promise<void> }> {
  const client = new RelayClient({ signer: keyFileSigner(relay.key.privatePath) });
  const prompts: string[] = [];
  client.on("user.prompt", (event) => prompts.push(event.text));
  await client.connect(relay.url);
  return { prompts: () => prompts, close: () => client.close() };
}
