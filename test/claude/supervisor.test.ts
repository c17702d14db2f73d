// The supervisor against the real Claude Code CLI and a fake Anthropic API (sequential; one API).
import { describe, expect, test } from "bun:test";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { nodeAdapter } from "../../src/claude/adapter/index.ts";
import type { SupervisorOptions } from "../../src/claude/supervisor.ts";
import { claudeSuite, commandLine, processes, waitFor } from "../support/claude-harness.ts";
import { slowText, text, toolUse } from "../support/fake-anthropic.ts";

const h = claudeSuite();

async function startReady(options: Partial<SupervisorOptions> = {}) {
  const { claude, record } = h.supervisor(options);
  await claude.start();
  await waitFor(() => claude.state === "ready", "ready");
  return { claude, record };
}

describe("ClaudeSupervisor with the real Claude CLI", () => {
  test("spawns claude with the stream-json args, the session id and extra args, in cwd", async () => {
    const { claude, record } = await startReady({ extraArgs: ["--model", "claude-fake-model"] });
    expect(record.states.map((s) => s.state)).toEqual(["starting", "ready"]);
    expect(record.states[0]!.pid).toBe(claude.pid!);
    expect(commandLine(claude.pid!).slice(1)).toEqual([
      "-p",
      "--input-format",
      "stream-json",
      "--output-format",
      "stream-json",
      "--verbose",
      "--permission-prompt-tool",
      "stdio",
      "--session-id",
      claude.sessionId,
      "--model",
      "claude-fake-model",
    ]);
    // Own process group (and session), so the whole tree can be signalled.
    expect(processes().find((p) => p.pid === claude.pid)!.pgid).toBe(claude.pid!);
    expect(claude.transcriptExists()).toBe(false);
  });

  test("prompt in → assistant and result out; busy until the result", async () => {
    const { claude, record } = await startReady();
    h.api.enqueue(text("hello from the fake"));
    expect(claude.prompt("hi there")).toEqual({ ok: true, queued: false });
    expect(claude.state).toBe("busy");
    await waitFor(() => record.results().length === 1, "result");
    await waitFor(() => claude.state === "ready", "ready after result");
    const assistant = record.events.find((e) => e.type === "assistant") as { message: { content: { text: string }[] } };
    expect(assistant.message.content[0]!.text).toBe("hello from the fake");
    expect(record.results()[0]).toMatchObject({ subtype: "success", result: "hello from the fake", session_id: claude.sessionId });
    // Events are forwarded verbatim: the exact line text and its parse.
    expect(record.lines.map((l) => JSON.parse(l))).toEqual(record.events);
    expect(record.events.some((e) => e.type === "control_response" || e.type === "control_request")).toBe(false);
    const request = h.api.messageRequests()[0]!;
    expect(JSON.stringify(request.messages)).toContain("hi there");
    expect(record.states.map((s) => s.state)).toEqual(["starting", "ready", "busy", "ready"]);
  });

  test("permission allow → Claude writes the file with the original input", async () => {
    const { claude, record } = await startReady();
    const file = join(h.cwd, "allowed.txt");
    h.api.enqueue(toolUse("Write", { file_path: file, content: "written by claude" }), text("done"));
    claude.prompt("write it");
    await waitFor(() => record.permissions.length === 1, "permission request");
    const request = record.permissions[0]!;
    expect(request).toMatchObject({ toolName: "Write", input: { file_path: file, content: "written by claude" }, description: "allowed.txt" });
    expect(request.toolUseId).toStartWith("toolu_");
    // Which answer wins is the session's to decide (test/session): the supervisor writes what it is handed.
    expect(claude.answerPermission(request, { behavior: "allow" })).toBe(true);
    await waitFor(() => record.results().length === 1, "result");
    expect(readFileSync(file, "utf8")).toBe("written by claude");
  });

  test("permission allow with updatedInput → Claude uses the edited input", async () => {
    const { claude, record } = await startReady();
    const original = join(h.cwd, "original.txt");
    const edited = join(h.cwd, "edited.txt");
    h.api.enqueue(toolUse("Write", { file_path: original, content: "x" }), text("done"));
    claude.prompt("write it");
    await waitFor(() => record.permissions.length === 1, "permission request");
    claude.answerPermission(record.permissions[0]!, { behavior: "allow", updatedInput: { file_path: edited, content: "edited" } });
    await waitFor(() => record.results().length === 1, "result");
    expect(existsSync(original)).toBe(false);
    expect(readFileSync(edited, "utf8")).toBe("edited");
  });

  test("permission deny → file not written, Claude gets the message", async () => {
    const { claude, record } = await startReady();
    const file = join(h.cwd, "denied.txt");
    h.api.enqueue(toolUse("Write", { file_path: file, content: "nope" }), text("ok, not writing"));
    claude.prompt("write it");
    await waitFor(() => record.permissions.length === 1, "permission request");
    expect(claude.answerPermission(record.permissions[0]!, { behavior: "deny", message: "not today" })).toBe(true);
    await waitFor(() => record.results().length === 1, "result");
    expect(existsSync(file)).toBe(false);
    expect(JSON.stringify(h.api.messageRequests()[1]!.messages)).toContain("not today");
    expect(record.results()[0]).toMatchObject({ permission_denials: [{ tool_name: "Write" }] });
  });

  test("an answer Claude no longer waits for is ignored by Claude, so the supervisor needs no table of its own", async () => {
    const { claude, record } = await startReady();
    expect(claude.answerPermission({ requestId: "no-such-request", input: {} }, { behavior: "allow" })).toBe(true);
    h.api.enqueue(text("still fine"));
    claude.prompt("are you still there?");
    await waitFor(() => record.results().length === 1, "result");
    expect(record.results()[0]).toMatchObject({ subtype: "success", result: "still fine" });
    expect(record.states.map((s) => s.state)).toEqual(["starting", "ready", "busy", "ready"]);
  });

  test("no running Claude: an answer is refused", async () => {
    const { claude } = h.supervisor();
    expect(claude.answerPermission({ requestId: "r", input: {} }, { behavior: "allow" })).toBe(false);
  });

  test("initialize's answer is emitted before ready (commands, models, account)", async () => {
    const { claude, record } = h.supervisor();
    const initialized: Record<string, unknown>[] = [];
    claude.on("initialized", (response) => {
      initialized.push(response);
      record.timeline.push("initialized");
    });
    await claude.start();
    await waitFor(() => claude.state === "ready", "ready");
    expect(record.timeline).toEqual(["state:starting", "initialized", "state:ready"]);
    expect(initialized[0]).toMatchObject({
      commands: expect.any(Array),
      models: expect.any(Array),
      account: { apiKeySource: "ANTHROPIC_API_KEY", apiProvider: "firstParty" },
    });
  });

  test("interrupt ends a streaming turn", async () => {
    const { claude, record } = await startReady();
    h.api.enqueue(slowText("too late", 10_000));
    claude.prompt("take your time");
    await waitFor(() => h.api.messageRequests().length === 1, "request at the API");
    expect(claude.interrupt()).toBe(true);
    await waitFor(() => record.results().length === 1, "result after interrupt", 5000);
    expect(record.results()[0]).toMatchObject({ subtype: "error_during_execution", is_error: true });
    await waitFor(() => claude.state === "ready", "ready");
    expect(record.events.some((e) => JSON.stringify(e).includes("too late"))).toBe(false);
  });

  test("interrupt while a permission is pending withdraws it", async () => {
    const { claude, record } = await startReady();
    h.api.enqueue(toolUse("Write", { file_path: join(h.cwd, "never.txt"), content: "x" }));
    claude.prompt("write it");
    await waitFor(() => record.permissions.length === 1, "permission request");
    claude.interrupt();
    await waitFor(() => record.cancelled.length === 1, "cancel");
    expect(record.cancelled[0]).toEqual({ requestId: record.permissions[0]!.requestId });
    await waitFor(() => record.results().length === 1, "result");
    expect(existsSync(join(h.cwd, "never.txt"))).toBe(false);
  });

  test("stop ends Claude and the tool processes it started (own sessions) — nothing left", async () => {
    const { claude, record } = await startReady({ stopGraceMs: 1000 });
    const marker = `sleep 31.${process.pid}`;
    h.api.enqueue(toolUse("Bash", { command: `${marker}; echo done`, description: "wait" }));
    claude.prompt("run it");
    await waitFor(() => processes().some((p) => p.args === marker), "the Bash tool's sleep");
    const pid = claude.pid!;
    const tool = processes().find((p) => p.args === marker)!;
    expect(tool.pgid).not.toBe(pid); // Claude puts tools in their own group
    await claude.stop();
    expect(claude.state).toBe("stopped");
    expect(claude.pid).toBeUndefined();
    const left = processes().filter((p) => p.pgid === pid || p.pgid === tool.pgid || p.pid === pid);
    expect(left).toEqual([]);
    expect(record.states.at(-1)!.state).toBe("stopped");
    expect(claude.prompt("after stop")).toMatchObject({ ok: false, code: "claude_unavailable" });
  });

  test("the node:child_process adapter drives Claude too", async () => {
    const { claude, record } = await startReady({ adapter: nodeAdapter });
    h.api.enqueue(text("via node"));
    claude.prompt("hi");
    await waitFor(() => record.results().length === 1, "result");
    expect(record.results()[0]).toMatchObject({ result: "via node" });
    expect(processes().find((p) => p.pid === claude.pid)!.pgid).toBe(claude.pid!);
  });
});
