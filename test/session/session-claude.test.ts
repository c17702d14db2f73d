/**
 * The session on the real Claude Code CLI (fake Anthropic API) with recording clients: the one
 * table of pending permissions under a crash, an interrupt and two answers at once, and what
 * Claude without credentials, or with refused ones, looks like to clients.
 */
import { describe, expect, test } from "bun:test";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { SupervisorOptions } from "../../src/claude/supervisor.ts";
import { createLogger } from "../../src/log/logger.ts";
import { Session } from "../../src/session/session.ts";
import { claudeSuite, waitFor } from "../support/claude-harness.ts";
import { apiError, text, toolUse } from "../support/fake-anthropic.ts";
import { FakeClient } from "../support/fake-ports.ts";

const h = claudeSuite({ stopGraceMs: 500 });

async function startSession(options: Partial<SupervisorOptions> = {}) {
  const { claude, record } = h.supervisor(options);
  const logs: Array<Record<string, any>> = [];
  const log = createLogger({ level: "info", format: "json", write: (line) => logs.push(JSON.parse(line)) });
  const session = new Session({ sessionId: claude.sessionId, claude, log, replay: { maxEvents: 1000, maxBytes: 1 << 20 } });
  const [a, b] = [new FakeClient("a"), new FakeClient("b")];
  session.join(a, undefined);
  session.join(b, undefined);
  await claude.start();
  await waitFor(() => claude.state === "ready", "ready");
  return { claude, record, session, logs, a, b };
}

const resolved = (client: FakeClient) => client.all("permission.resolved").map((frame) => `${frame.behavior}:${frame.by}`);
const results = (client: FakeClient) => client.events().filter((frame) => frame.type === "claude.event" && frame.event.type === "result");
const lastState = (client: FakeClient) => client.all("session.state").at(-1);

describe("pending permissions with the real CLI", () => {
  test("two answers at once: the first is written to Claude, the second gets unknown_permission", async () => {
    const { session, a, b } = await startSession();
    const file = join(h.cwd, "first-answer.txt");
    h.api.enqueue(toolUse("Write", { file_path: file, content: "from a" }), text("done"));
    session.handle(a, { type: "prompt", text: "write it" });
    await waitFor(() => a.all("permission.request").length === 1, "permission request");
    const { requestId } = a.all("permission.request")[0]!;
    session.handle(a, { type: "permission.response", requestId, behavior: "allow" });
    session.handle(b, { type: "permission.response", requestId, behavior: "deny", id: "late" });
    await waitFor(() => results(a).length === 1, "result");
    expect(readFileSync(file, "utf8")).toBe("from a");
    expect(resolved(b)).toEqual(["allow:a"]);
    expect(b.all("error")).toEqual([expect.objectContaining({ code: "unknown_permission", id: "late" })]);
  });

  test("Claude killed while a request is pending: withdrawn once, by the relay; the restarted Claude answers", async () => {
    const { claude, session, a } = await startSession();
    h.api.enqueue(toolUse("Write", { file_path: join(h.cwd, "crash.txt"), content: "x" }));
    session.handle(a, { type: "prompt", text: "write something" });
    await waitFor(() => a.all("permission.request").length === 1, "permission request");
    const pid = claude.pid!;
    process.kill(pid, "SIGKILL");
    await waitFor(() => claude.state === "ready" && claude.pid !== pid, "ready again", 15_000);
    h.api.enqueue(text("back"));
    session.handle(a, { type: "prompt", text: "still there?" });
    await waitFor(() => results(a).length === 1, "result after restart", 15_000);
    expect(resolved(a)).toEqual(["cancelled:relay"]);
    expect(existsSync(join(h.cwd, "crash.txt"))).toBe(false);
  });

  test("an interrupt while a request is pending: withdrawn once, by the client; Claude's own cancel changes nothing", async () => {
    const { session, record, a, b } = await startSession();
    h.api.enqueue(toolUse("Write", { file_path: join(h.cwd, "never.txt"), content: "x" }));
    session.handle(a, { type: "prompt", text: "write, then get interrupted" });
    await waitFor(() => a.all("permission.request").length === 1, "permission request");
    session.handle(b, { type: "interrupt" });
    await waitFor(() => record.cancelled.length === 1 && results(a).length === 1, "Claude's cancel and the end of the turn");
    expect(resolved(a)).toEqual(["cancelled:b"]);
    expect(existsSync(join(h.cwd, "never.txt"))).toBe(false);
  });
});

describe("Claude's credentials, with the real CLI", () => {
  test("no API key and a fresh HOME: said at start (log, session.state, health), confirmed by the turn, no request reaches the API", async () => {
    const home = mkdtempSync(join(tmpdir(), "relay-no-credentials-"));
    try {
      const { session, logs, a } = await startSession({ env: { ...h.env, HOME: home, ANTHROPIC_API_KEY: undefined } });
      await waitFor(() => lastState(a)?.claudeAuthError !== undefined, "session.state with claudeAuthError");
      const problem = lastState(a)!.claudeAuthError;
      expect(problem.reason).toBe("not_logged_in");
      expect(session.health().degraded).toEqual([problem.message]);

      session.handle(a, { type: "prompt", text: "hello?" });
      await waitFor(() => results(a).length === 1, "result");
      const assistant = a.events().find((frame) => frame.type === "claude.event" && frame.event.type === "assistant")!.event;
      expect(assistant).toMatchObject({
        error: "authentication_failed",
        message: { content: [{ type: "text", text: expect.stringContaining("Not logged in") }] },
      });
      expect(results(a)[0]!.event).toMatchObject({ is_error: true });
      expect(lastState(a)).toMatchObject({ state: "ready", claudeAuthError: problem });
      expect(logs.filter((line) => line.level === "warn").map((line) => line.msg)).toEqual([problem.message]);
      expect(h.api.messageRequests()).toEqual([]);
    } finally {
      rmSync(home, { recursive: true, force: true });
    }
  });

  test("a key the API refuses (401): detected at Claude's first retry, cleared when the retried turn succeeds", async () => {
    const { session, logs, a } = await startSession();
    expect(session.health().degraded).toEqual([]);
    h.api.enqueue(apiError(401, "invalid x-api-key"), text("accepted after all"));
    session.handle(a, { type: "prompt", text: "hello" });
    await waitFor(() => results(a).length === 1, "result", 20_000);
    const retry = a.events().find((frame) => frame.type === "claude.event" && frame.event.subtype === "api_retry")!.event;
    expect(retry).toMatchObject({ type: "system", error_status: 401, error: "authentication_failed" });
    const states = a.all("session.state");
    const flagged = states.find((frame) => frame.claudeAuthError)!;
    expect(flagged.claudeAuthError.reason).toBe("rejected");
    expect(flagged.seq).toBeGreaterThan(a.events().find((frame) => frame.event?.subtype === "api_retry")!.seq);
    expect(states.at(-1)!.claudeAuthError).toBeUndefined();
    expect(session.health().degraded).toEqual([]);
    expect(logs.filter((line) => line.level === "warn").map((line) => line.msg)).toEqual([flagged.claudeAuthError.message]);
    expect(logs.some((line) => line.msg === "Claude Code can authenticate again")).toBe(true);
  });

  test("a refused key with no retries left: the turn ends with Claude's own error, the problem stays until a turn succeeds", async () => {
    const { session, a } = await startSession({ env: { ...h.env, CLAUDE_CODE_MAX_RETRIES: "0" } });
    h.api.enqueue(apiError(401, "invalid x-api-key"));
    session.handle(a, { type: "prompt", text: "hello" });
    await waitFor(() => results(a).length === 1, "result");
    expect(results(a)[0]!.event).toMatchObject({ is_error: true, api_error_status: 401 });
    await waitFor(() => lastState(a)?.state === "ready", "ready");
    expect(lastState(a)!.claudeAuthError?.reason).toBe("rejected");
    h.api.enqueue(text("fine now"));
    session.handle(a, { type: "prompt", text: "again" });
    await waitFor(() => results(a).length === 2, "second result");
    await waitFor(() => lastState(a)?.state === "ready" && lastState(a)?.claudeAuthError === undefined, "cleared");
  });
});
