/**
 * `claude-relay connect`: the pure pieces (URL normalisation, request picking, the terminal view,
 * default key choice with a real ssh-agent) and the command as a real process against a real
 * relay (real Claude CLI behind the fake API).
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { spawn, type ChildProcess } from "node:child_process";
import { copyFileSync, existsSync, mkdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { RelayClient, type PermissionRequestMessage } from "../../src/client/client.ts";
import { keyFileSigner } from "../../src/client/signer.ts";
import { claudeEvent, SessionView, summarizeInput } from "../../src/cli/connect-format.ts";
import { EXIT_AUTH_FAILED, normalizeRelayUrl, openDefaultSigner, pickRequest } from "../../src/cli/terminal-client.ts";
import { CLI } from "../support/cli-process.ts";
import { text, toolUse } from "../support/fake-anthropic.ts";
import { freePort } from "../support/net.ts";
import { startTestRelay, type TestRelay } from "../support/relay.ts";
import { generateKey, makeTempDir, removeTempDir, startAgent } from "../support/ssh.ts";

describe("normalizeRelayUrl", () => {
  test.each([
    ["ws://127.0.0.1:7717/ws", "ws://127.0.0.1:7717/ws"],
    ["127.0.0.1:7717", "ws://127.0.0.1:7717/ws"],
    ["laptop.local:7717/", "ws://laptop.local:7717/ws"],
    ["http://[::1]:7717", "ws://[::1]:7717/ws"],
    ["https://relay.example/custom/ws", "wss://relay.example/custom/ws"],
  ])("%s → %s", (input, expected) => {
    expect(normalizeRelayUrl(input)).toBe(expected);
  });

  test("nonsense and other schemes are usage errors naming the input", () => {
    expect(() => normalizeRelayUrl("ftp://host/ws")).toThrow('not a relay URL: "ftp://host/ws"');
    expect(() => normalizeRelayUrl("ws://")).toThrow("not a relay URL");
  });
});

describe("pickRequest", () => {
  const request = (requestId: string, seq: number) =>
    ({ type: "permission.request", sessionId: "s", seq, requestId, toolName: "Write", input: {}, toolUseId: "t" }) as PermissionRequestMessage;
  const pending = [request("aaaa1111", 3), request("aabb2222", 5)];

  test("no argument: the oldest pending request", () => {
    expect(pickRequest(pending, []).request?.requestId).toBe("aaaa1111");
  });
  test("an id prefix picks that request; the rest is the reason", () => {
    expect(pickRequest(pending, ["aabb", "not", "that"])).toMatchObject({ request: { requestId: "aabb2222" }, rest: ["not", "that"] });
  });
  test("an ambiguous prefix is refused", () => {
    expect(pickRequest(pending, ["aa"]).problem).toBe("aa matches 2 requests; give more of the id");
  });
  test("words that name no request are the reason for the oldest", () => {
    expect(pickRequest(pending, ["too", "risky"])).toMatchObject({ request: { requestId: "aaaa1111" }, rest: ["too", "risky"] });
  });
  test("nothing pending", () => {
    expect(pickRequest([], ["x"]).problem).toBe("no permission request is pending");
  });
});

describe("the terminal view", () => {
  const base = { sessionId: "s", seq: 1 } as const;

  test("assistant text, tool uses, tool results and turn ends; bookkeeping lines hidden", () => {
    expect(claudeEvent({ type: "assistant", message: { content: [{ type: "text", text: "Done." }, { type: "tool_use", name: "Bash", input: { command: "ls -la" } }] } })).toBe(
      'claude: Done.\ntool: Bash command: "ls -la"',
    );
    expect(claudeEvent({ type: "user", message: { content: [{ type: "tool_result", content: "line1\nline2", is_error: true }] } })).toBe("result (error): line1 ⏎ line2");
    expect(claudeEvent({ type: "result", subtype: "success", is_error: false, duration_ms: 1500, total_cost_usd: 0.0123 })).toBe("= done in 1.5 s, $0.0123");
    expect(claudeEvent({ type: "result", subtype: "error_during_execution", is_error: true })).toBe("= turn ended: error_during_execution");
    expect(claudeEvent({ type: "system", subtype: "init" })).toBeUndefined();
  });

  test("a long input is cut to one short line", () => {
    const summary = summarizeInput({ file_path: "/tmp/a.txt", content: "x".repeat(500) });
    expect(summary.startsWith("file_path: /tmp/a.txt, content: xxx")).toBe(true);
    expect(summary.length).toBeLessThanOrEqual(160);
    expect(summary.endsWith("…")).toBe(true);
  });

  test("prompts from other devices name them; ours are not echoed; answers name who gave them", () => {
    const view = new SessionView(() => "me-00000000");
    expect(view.event({ ...base, type: "user.prompt", text: "hi", by: "other-1234567" })).toBe("[other-12] > hi");
    expect(view.event({ ...base, type: "user.prompt", text: "hi", by: "me-00000000" })).toBeUndefined();
    const asked = view.event({ ...base, type: "permission.request", requestId: "db0381c6-aaaa", toolName: "Write", input: { file_path: "/a.txt" }, toolUseId: "t" });
    expect(asked).toBe("? Claude asks to use Write: file_path: /a.txt  [request db0381c6]\n  answer: /allow db0381c6   or   /deny db0381c6 [reason]");
    expect(view.event({ ...base, type: "permission.resolved", requestId: "db0381c6-aaaa", behavior: "deny", by: "other-1234567" })).toBe("- Write denied by client other-12");
    expect(view.event({ ...base, type: "session.state", state: "busy", claudePid: 1, restarts: 0, clients: 2 })).toBe("· Claude is busy\n· 2 clients connected");
    expect(view.event({ ...base, type: "session.state", state: "busy", claudePid: 1, restarts: 0, clients: 2 })).toBeUndefined();
  });
});

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
      expect([fromAgent.source, fromAgent.fingerprint]).toEqual(["agent", inAgent.fingerprint]);
      fromAgent.close();

      await expect(openDefaultSigner(undefined, {}, home)).rejects.toThrow("SSH_AUTH_SOCK is not set and there is no ~/.ssh/id_ed25519, ~/.ssh/id_ecdsa, ~/.ssh/id_rsa; pass --identity KEY");
      copyFileSync(ecdsa.privatePath, join(home, ".ssh", "id_ecdsa"));
      const fromFile = await openDefaultSigner(undefined, {}, home);
      expect([fromFile.source, fromFile.fingerprint]).toEqual(["file", ecdsa.fingerprint]);

      const explicit = await openDefaultSigner("~/.ssh/id_ecdsa", { SSH_AUTH_SOCK: agent.socketPath }, home);
      expect([explicit.source, explicit.fingerprint]).toEqual(["file", ecdsa.fingerprint]);
    } finally {
      await agent.stop();
    }
  });
});

describe("claude-relay connect (a real process)", () => {
  let relay: TestRelay;
  let env: Record<string, string | undefined>;
  beforeAll(async () => {
    relay = await startTestRelay();
    const home = join(relay.dir, "connect-home");
    mkdirSync(home, { recursive: true });
    env = { ...process.env, HOME: home, SSH_AUTH_SOCK: undefined };
  });
  afterAll(() => relay.stop());

  test("--json: a prompt from stdin, frames as JSON lines on stdout, /quit exits 0", async () => {
    const proc = startConnect([relay.url, "--identity", relay.key.privatePath, "--json"], env);
    const ok = await proc.nextJson((frame) => frame.type === "auth.ok");
    expect(ok.key.fingerprint).toBe(relay.key.fingerprint);
    relay.api.enqueue(text("answer for the script"));
    proc.write("hello from a script");
    const prompt = await proc.nextJson((frame) => frame.type === "user.prompt");
    expect(prompt).toMatchObject({ text: "hello from a script", by: ok.clientId, sessionId: relay.relay.sessionId });
    const result = await proc.nextJson((frame) => frame.type === "claude.event" && frame.event.type === "result", 60_000);
    expect(result.event.result).toBe("answer for the script");
    expect(result.seq).toBeGreaterThan(prompt.seq);
    proc.write('{"type":"ping","id":"from-json"}');
    expect(await proc.nextJson((frame) => frame.type === "pong")).toEqual({ type: "pong", id: "from-json" });
    proc.write("/quit");
    expect(await proc.exitCode).toBe(0);
    expect(proc.lines().every((line) => JSON.parse(line))).toBe(true);
  });

  test("readable: another device's prompt, a permission request answered with /allow, end of input exits 0", async () => {
    const proc = startConnect([relay.url, "--identity", relay.key.privatePath], env);
    await proc.nextLine((line) => line.startsWith(`connected to ${relay.url} as ${relay.key.fingerprint}`));
    const other = new RelayClient({ signer: keyFileSigner(relay.key.privatePath) });
    await other.connect(relay.url);
    const file = join(relay.options.cwd, "from-connect.txt");
    relay.api.enqueue(toolUse("Write", { file_path: file, content: "allowed from the terminal" }), text("written"));
    other.prompt("please write the file");
    await proc.nextLine((line) => line === `[${other.clientId!.slice(0, 8)}] > please write the file`);
    const asked = await proc.nextLine((line) => line.startsWith("? Claude asks to use Write:"), 60_000);
    expect(asked).toContain(`file_path: ${file}`);
    expect(await proc.nextLine((line) => line.startsWith("  answer: /allow "))).toContain("/deny");
    proc.write("/allow");
    await proc.nextLine((line) => line === "+ Write allowed by you");
    await proc.nextLine((line) => line === "claude: written", 60_000);
    await proc.nextLine((line) => line.startsWith("= done"));
    expect(readFileSync(file, "utf8")).toBe("allowed from the terminal");
    await other.close();
    proc.child.stdin!.end();
    expect(await proc.exitCode).toBe(0);
  });

  test("--no-reconnect: a dropped connection ends the command with exit 1", async () => {
    const proc = startConnect([relay.url, "--identity", relay.key.privatePath, "--json", "--no-reconnect"], env);
    const ok = await proc.nextJson((frame) => frame.type === "auth.ok");
    [...relay.relay.gateway.connections].find((connection) => connection.clientId === ok.clientId)!.terminate();
    expect(await proc.exitCode).toBe(1);
    expect(proc.stderr()).toContain(`connection to ${relay.url} lost`);
  });

  test("a key the relay does not know: exit 3 and the fingerprint named", async () => {
    const stranger = generateKey(relay.dir, "ed25519", "stranger");
    const proc = startConnect([relay.url, "--identity", stranger.privatePath], env);
    expect(await proc.exitCode).toBe(EXIT_AUTH_FAILED);
    expect(proc.stderr()).toContain(`your key ${stranger.fingerprint} (from the key file) is not in the relay's authorized_keys`);
  });

  test("nothing listening: exit 1 naming the URL", async () => {
    const url = `ws://127.0.0.1:${await freePort()}/ws`;
    const proc = startConnect([url, "--identity", relay.key.privatePath], env);
    expect(await proc.exitCode).toBe(1);
    expect(proc.stderr()).toContain(`cannot connect to ${url}`);
  });

  test("no key anywhere: exit 1 saying how to pass one", async () => {
    const proc = startConnect([relay.url], env);
    expect(await proc.exitCode).toBe(1);
    expect(proc.stderr()).toContain("pass --identity KEY");
  });

  test("a missing key file is named", async () => {
    const missing = join(relay.dir, "no-such-key");
    const proc = startConnect([relay.url, "--identity", missing], env);
    expect(await proc.exitCode).toBe(1);
    expect(proc.stderr()).toContain(missing);
    expect(existsSync(missing)).toBe(false);
  });
});

interface ConnectProcess {
  child: ChildProcess;
  exitCode: Promise<number | null>;
  write(line: string): void;
  nextLine(match: (line: string) => boolean, timeoutMs?: number): Promise<string>;
  nextJson(match: (frame: Record<string, any>) => boolean, timeoutMs?: number): Promise<Record<string, any>>;
  lines(): string[];
  stderr(): string;
}

/** Spawns `claude-relay connect …`, collecting stdout lines; killed after 60 s at most. */
function startConnect(args: string[], env: Record<string, string | undefined>): ConnectProcess {
  const [cmd, ...prefix] = CLI;
  const child = spawn(cmd!, [...prefix, "connect", ...args], { env, stdio: ["pipe", "pipe", "pipe"] });
  const lines: string[] = [];
  let partial = "";
  let stderr = "";
  let cursor = 0;
  const waiters = new Set<() => void>();
  child.stdout!.on("data", (chunk: Buffer) => {
    const parts = (partial + chunk.toString()).split("\n");
    partial = parts.pop()!;
    lines.push(...parts);
    for (const wake of waiters) wake();
  });
  child.stderr!.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
  const killer = setTimeout(() => child.kill("SIGKILL"), 60_000);
  const exitCode = new Promise<number | null>((resolve) =>
    child.on("exit", (code) => {
      clearTimeout(killer);
      resolve(code);
      for (const wake of waiters) wake();
    }),
  );
  const nextLine = (match: (line: string) => boolean, timeoutMs = 10_000) =>
    new Promise<string>((resolve, reject) => {
      const check = () => {
        while (cursor < lines.length) {
          const line = lines[cursor++]!;
          if (match(line)) return finish(() => resolve(line));
        }
        if (child.exitCode !== null) finish(() => reject(new Error(`connect exited (${child.exitCode}); stdout ${JSON.stringify(lines.slice(-5))}; stderr ${stderr}`)));
      };
      const timer = setTimeout(() => finish(() => reject(new Error(`no matching line in time; stdout ${JSON.stringify(lines.slice(-5))}; stderr ${stderr}`))), timeoutMs);
      const finish = (done: () => void) => {
        clearTimeout(timer);
        waiters.delete(check);
        done();
      };
      waiters.add(check);
      check();
    });
  return {
    child,
    exitCode,
    write: (line) => void child.stdin!.write(line + "\n"),
    nextLine,
    nextJson: async (match, timeoutMs) => JSON.parse(await nextLine((line) => match(JSON.parse(line)), timeoutMs)),
    lines: () => lines,
    stderr: () => stderr,
  };
}
