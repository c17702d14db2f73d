// Supervision against the real Claude Code CLI: crash → --resume, hang → kill, crash loop, queueing.
import { describe, expect, test } from "bun:test";
import { chmodSync, mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { ClaudeBinaryNotFoundError, resolveClaudeBin } from "../../src/claude/resolve-bin.ts";
import type { SupervisorOptions } from "../../src/claude/supervisor.ts";
import { createLogger } from "../../src/log/logger.ts";
import { alive, CLAUDE_BIN, claudeSuite, commandLine, persistedTranscript, waitFor } from "../support/claude-harness.ts";
import { text, toolUse } from "../support/fake-anthropic.ts";

const h = claudeSuite({ stopGraceMs: 500 });
const supervisor = (options: Partial<SupervisorOptions> = {}) => h.supervisor(options);

/** A --claude-bin stand-in script. */
function script(name: string, body: string): string {
  const path = join(h.home, name);
  writeFileSync(path, `#!/bin/sh\n${body}\n`);
  chmodSync(path, 0o755);
  return path;
}

const messagesText = (index: number) => JSON.stringify(h.api.messageRequests()[index]!.messages);

/** A supervised Claude that has answered "the first question" and persisted the turn (only a persisted turn is resumed). */
async function afterFirstTurn() {
  const started = supervisor();
  const { claude, record } = started;
  await claude.start();
  await waitFor(() => claude.state === "ready", "ready");
  h.api.enqueue(text("the first answer"));
  claude.prompt("the first question");
  await waitFor(() => record.results().length === 1, "first result");
  await waitFor(() => persistedTranscript(claude.sessionId, h.env).includes("the first answer"), "first turn persisted");
  return started;
}

describe("Claude supervision", () => {
  test("SIGKILL → restarted with --resume, same session, earlier turns carried; prompts queued meanwhile", async () => {
    const { claude, record } = await afterFirstTurn();

    // A permission pending at the time of the crash: the session withdraws it (test/session), the
    // supervisor only refuses to answer it while no Claude runs.
    h.api.enqueue(toolUse("Write", { file_path: join(h.cwd, "crash.txt"), content: "x" }));
    claude.prompt("write something");
    await waitFor(() => record.permissions.length === 1, "permission request");

    const firstPid = claude.pid!;
    process.kill(firstPid, "SIGKILL");
    await waitFor(() => claude.state === "restarting", "restarting");
    expect(record.cancelled).toEqual([]);
    expect(claude.answerPermission(record.permissions[0]!, { behavior: "allow" })).toBe(false);

    // Sent while Claude restarts: queued, then delivered.
    h.api.enqueue(text("the second answer"));
    expect(claude.prompt("the second question")).toEqual({ ok: true, queued: true });

    await waitFor(() => record.results().length === 2, "second result");
    expect(claude.pid).not.toBe(firstPid);
    expect(claude.restarts).toBe(1);
    expect(commandLine(claude.pid!)).toContain("--resume");
    expect(commandLine(claude.pid!)[commandLine(claude.pid!).indexOf("--resume") + 1]).toBe(claude.sessionId);
    expect(record.results()[1]).toMatchObject({ result: "the second answer", session_id: claude.sessionId });
    const resumed = messagesText(h.api.messageRequests().length - 1);
    expect(resumed).toContain("the first question");
    expect(resumed).toContain("the first answer");
    expect(resumed).toContain("the second question");
    const states = record.states.map((s) => s.state);
    expect(states.slice(states.indexOf("restarting"))).toEqual(["restarting", "restarting", "ready", "busy", "ready"]);
  });

  test("a crash before anything was persisted restarts with the same --session-id", async () => {
    const { claude, record } = supervisor();
    await claude.start();
    await waitFor(() => claude.state === "ready", "ready");
    const firstPid = claude.pid!;
    process.kill(firstPid, "SIGKILL");
    await waitFor(() => claude.state === "ready" && claude.pid !== firstPid, "ready again");
    const args = commandLine(claude.pid!);
    expect(args[args.indexOf("--session-id") + 1]).toBe(claude.sessionId);
    expect(args).not.toContain("--resume");
    expect(record.states.at(-1)).toEqual({ state: "ready", pid: claude.pid, restarts: 1 });
  });

  test("SIGSTOP → the liveness probe times out, the group is SIGKILLed and Claude replaced", async () => {
    const timeoutMs = 1500;
    const { claude } = supervisor({ claudeTimeoutMs: timeoutMs });
    await claude.start();
    await waitFor(() => claude.state === "ready", "ready");
    const stoppedPid = claude.pid!;
    process.kill(stoppedPid, "SIGSTOP");
    // Detection needs at most one probe interval (timeout/3) plus the timeout.
    await waitFor(() => claude.state === "restarting", "hang detected", timeoutMs + timeoutMs / 3 + 1000);
    await waitFor(() => claude.state === "ready" && claude.pid !== stoppedPid, "replacement ready");
    await waitFor(() => !alive(stoppedPid), "stopped process gone", 2000);
    h.api.enqueue(text("alive again"));
    claude.prompt("are you there");
    await waitFor(() => claude.state === "ready" && h.api.messageRequests().length === 1, "answer");
  });

  test("a Claude slower to start than the liveness timeout is given the start timeout, not killed as hung", async () => {
    // Loading, MCP servers, a busy machine: starting takes longer than answering a probe.
    const bin = script("slow-to-start", `sleep 2\nexec "${CLAUDE_BIN}" "$@"`);
    const { claude } = supervisor({ bin, claudeTimeoutMs: 1500 });
    await claude.start();
    const pid = claude.pid!;
    await waitFor(() => claude.state === "ready", "ready", 20_000);
    expect({ pid: claude.pid, restarts: claude.restarts }).toEqual({ pid, restarts: 0 });
  });

  test("a busy Claude still answers the probe: a long tool run is not mistaken for a hang", async () => {
    const { claude, record } = supervisor({ claudeTimeoutMs: 1200 });
    await claude.start();
    await waitFor(() => claude.state === "ready", "ready");
    const pid = claude.pid!;
    h.api.enqueue(toolUse("Bash", { command: "sleep 3; echo slept", description: "wait" }), text("done"));
    claude.prompt("sleep a bit");
    await waitFor(() => record.results().length === 1, "result", 8000);
    expect(record.results()[0]).toMatchObject({ result: "done" });
    expect(claude.pid).toBe(pid);
    expect(claude.restarts).toBe(0);
  });

  test("crash loop: a binary that exits at once → failed after more than 5 crashes", async () => {
    const bin = script("exits-at-once", "exit 3");
    const { claude, record } = supervisor({ bin, restartPolicy: { initialMs: 5 } });
    await claude.start();
    await waitFor(() => claude.state === "failed", "failed");
    expect(claude.restarts).toBe(5);
    expect(record.states.filter((s) => s.state === "restarting" && s.pid !== undefined).length).toBe(5);
    expect(claude.prompt("hello")).toMatchObject({ ok: false, code: "claude_unavailable", reason: "Claude is failed" });
    await claude.stop();
    expect(claude.state).toBe("stopped");
  });

  test("prompts are queued while starting, bounded, never dropped silently", async () => {
    // Never answers initialize: stays starting.
    const bin = script("never-ready", "exec sleep 30");
    const { claude } = supervisor({ bin, maxQueuedPrompts: 2 });
    await claude.start();
    expect(claude.state).toBe("starting");
    expect(claude.prompt("one")).toEqual({ ok: true, queued: true });
    expect(claude.prompt("two")).toEqual({ ok: true, queued: true });
    const refused = claude.prompt("three");
    expect(refused).toMatchObject({ ok: false, code: "claude_unavailable" });
    expect(refused.ok === false && refused.reason).toContain("2 prompts are already queued");
    const pid = claude.pid!;
    await claude.stop();
    expect(alive(pid)).toBe(false);
  });

  test("suspend: a prompt sent while Claude stops waits in the queue; Claude is started again with --resume and answers it", async () => {
    const { claude, record } = await afterFirstTurn();
    const firstPid = claude.pid!;

    const suspended = claude.suspend();
    expect(claude.state).toBe("stopping");
    h.api.enqueue(text("the second answer"));
    expect(claude.prompt("sent while it stops")).toEqual({ ok: true, queued: true });
    await suspended;
    expect(alive(firstPid)).toBe(false);
    await waitFor(() => record.results().length === 2, "second result");
    expect(commandLine(claude.pid!)).toContain("--resume");
    expect(claude.restarts).toBe(0); // started again on purpose, not after a crash
    const resumed = messagesText(h.api.messageRequests().length - 1);
    expect(resumed).toContain("the first answer");
    expect(resumed).toContain("sent while it stops");
    expect(record.states.map((s) => s.state)).toContain("stopped");
  });

  test("suspend: with no prompt meanwhile Claude stays stopped; a stop while suspending drops the waiting prompts, and the log says so", async () => {
    const logs: Array<Record<string, unknown>> = [];
    const logger = createLogger({ level: "debug", format: "json", write: (line) => logs.push(JSON.parse(line)) });
    const { claude } = supervisor({ logger });
    await claude.start();
    await waitFor(() => claude.state === "ready", "ready");
    await claude.suspend();
    expect(claude.state).toBe("stopped");
    expect(claude.pid).toBeUndefined();

    await claude.start();
    await waitFor(() => claude.state === "ready", "ready again");
    const suspended = claude.suspend();
    expect(claude.prompt("never delivered")).toEqual({ ok: true, queued: true });
    await Promise.all([suspended, claude.stop()]);
    expect(claude.state).toBe("stopped");
    expect(claude.pid).toBeUndefined();
    expect(claude.prompt("after the stop")).toMatchObject({ ok: false, reason: "Claude is stopped" });
    expect(h.api.messageRequests()).toHaveLength(0);
    expect(logs.some((line) => line.level === "warn" && line.msg === "queued prompts not delivered" && line.count === 1)).toBe(true);
  });

  test("no answer to initialize within the start timeout → killed and restarted", async () => {
    const bin = script("never-ready-2", "exec sleep 30");
    const { claude } = supervisor({ bin, startTimeoutMs: 300, restartPolicy: { initialMs: 5 } });
    await claude.start();
    const pid = claude.pid!;
    await waitFor(() => claude.restarts >= 1, "restart");
    await waitFor(() => !alive(pid), "hung process gone", 2000);
  });
});

describe("Claude binary resolution", () => {
  // Resolved once, by the relay before it listens (test/cli/serve-process.test.ts: nothing starts);
  // the supervisor is handed the resolved path.
  test("a missing --claude-bin is a typed error naming the path", () => {
    const error = (() => {
      try {
        resolveClaudeBin({ bin: "/nonexistent/claude" });
      } catch (e) {
        return e;
      }
    })();
    expect(error).toBeInstanceOf(ClaudeBinaryNotFoundError);
    expect((error as Error).message).toContain("/nonexistent/claude");
  });

  test("a binary that vanished after resolution is a crash, retried, then failed", async () => {
    const { claude } = supervisor({ bin: join(h.home, "vanished-claude"), restartPolicy: { initialMs: 5 } });
    await claude.start();
    await waitFor(() => claude.state === "failed", "failed");
    expect(claude.pid).toBeUndefined();
    expect(claude.restarts).toBe(5);
  });

  test("a name is looked up on PATH; the error lists every place tried", () => {
    const error = (() => {
      try {
        resolveClaudeBin({ bin: "no-such-claude", path: "/a:/b" });
      } catch (e) {
        return e as ClaudeBinaryNotFoundError;
      }
    })();
    expect(error?.tried).toEqual(["/a/no-such-claude", "/b/no-such-claude"]);
  });

  test("without --claude-bin and without claude on PATH, node_modules/.bin/claude of the repo is used", () => {
    expect(resolveClaudeBin({ path: "", cwd: h.cwd })).toBe(join(import.meta.dir, "..", "..", "node_modules", ".bin", "claude"));
  });

  test("claude on PATH wins over the repo's copy", () => {
    const dir = join(h.home, "bin");
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, "claude"), "#!/bin/sh\n");
    chmodSync(join(dir, "claude"), 0o755);
    expect(resolveClaudeBin({ path: dir })).toBe(join(dir, "claude"));
  });
});
