/**
 * The live view's status folded from real Claude Code lines (test/fixtures/claude-<version>,
 * recorded by scripts/record-claude-fixtures.ts): context, cost, rate limits, activity and tasks.
 */
import { describe, expect, test } from "bun:test";
import { SessionStatus } from "../../src/session/status.ts";
import { fixtureLines } from "../support/claude-fixtures.ts";

const T0 = Date.UTC(2026, 11, 6, 12);

/** Folds a fixture line by line, one second apart; `at` sees the status after each line matching it. */
function fold(scenario: string, at?: (event: Record<string, any>) => boolean) {
  const status = new SessionStatus();
  const seen: Array<{ event: Record<string, any>; now: number; snapshot: ReturnType<SessionStatus["snapshot"]> }> = [];
  let now = T0;
  for (const line of fixtureLines(scenario)) {
    const event = JSON.parse(line);
    now += 1000;
    status.observe(event, now);
    if (at?.(event)) seen.push({ event, now, snapshot: status.snapshot(now + 250) });
  }
  return { status, seen, now };
}

const isStream = (type: string, blockType?: string) => (event: Record<string, any>) =>
  event.type === "stream_event" && event.event.type === type && (blockType === undefined || event.event.content_block?.type === blockType);

describe("from a real turn with partial messages (thinking, text word by word, a claude.ai login)", () => {
  test("context from the message's usage, window from the result's modelUsage, cost from total_cost_usd, the rate-limit window", () => {
    const { status, now } = fold("partial-text");
    const lines = fixtureLines("partial-text").map((line) => JSON.parse(line));
    const result = lines.find((event) => event.type === "result")!;
    const usage = lines.find((event) => event.type === "assistant")!.message.usage;
    const limit = lines.find((event) => event.type === "rate_limit_event")!.rate_limit_info;
    const model = lines.find((event) => event.subtype === "init")!.model;
    expect(status.snapshot(now)).toEqual({
      contextTokens: usage.input_tokens + usage.output_tokens,
      contextWindow: result.modelUsage[model].contextWindow,
      costUsd: result.total_cost_usd,
      rateLimits: [{ window: "five_hour", utilization: 0.92, status: "allowed_warning", resetsAt: new Date(limit.resetsAt * 1000).toISOString() }],
    });
  });

  test("thinking from its block's start to its end; writing text is no activity", () => {
    const { seen } = fold(
      "partial-text",
      (event) => isStream("content_block_start")(event) || isStream("content_block_stop")(event) || event.type === "result",
    );
    expect(seen.map(({ event, snapshot }) => [event.event?.type ?? event.type, snapshot.activity])).toEqual([
      ["content_block_start", { kind: "thinking", sinceMs: 250 }],
      ["content_block_stop", undefined],
      ["content_block_start", undefined],
      ["content_block_stop", undefined],
      ["result", undefined],
    ]);
  });
});

test("api_retry: retrying with the attempt until the retried request streams", () => {
  const { seen } = fold("api-retry", (event) => event.subtype === "api_retry" || isStream("message_start")(event));
  expect(seen.map(({ snapshot }) => snapshot.activity)).toEqual([{ kind: "retrying", attempt: 1, maxRetries: 10, sinceMs: 250 }, undefined]);
});

test("a tool: from its tool_use to its tool_result, its elapsed time from tool_progress; a Bash run is a task until its notification", () => {
  const { seen, status, now } = fold(
    "tool-progress",
    (event) =>
      (event.type === "assistant" && event.message.content[0].type === "tool_use") ||
      event.type === "tool_progress" ||
      event.subtype === "task_notification" ||
      (event.type === "user" && event.message.content[0]?.type === "tool_result"),
  );
  const [toolUse, progress, notified, toolResult] = seen;
  expect(toolUse!.snapshot.activity).toEqual({ kind: "tool", tool: "Bash", sinceMs: 250 });
  expect(toolUse!.snapshot.tasks).toBeUndefined(); // task_started comes after the tool_use
  // the tool runs since its tool_use or since what tool_progress says, whichever is earlier
  const elapsed = Math.max(progress!.event.elapsed_time_seconds * 1000, progress!.now - toolUse!.now);
  expect(progress!.snapshot.activity).toEqual({ kind: "tool", tool: "Bash", sinceMs: elapsed + 250 });
  const alone = new SessionStatus();
  alone.observe(progress!.event, T0);
  expect(alone.snapshot(T0).activity).toEqual({ kind: "tool", tool: "Bash", sinceMs: progress!.event.elapsed_time_seconds * 1000 });
  expect(progress!.snapshot.tasks).toEqual([
    {
      taskId: progress!.event.task_id,
      description: "Count to six",
      state: "running",
      startedAt: expect.any(String),
      taskType: "local_bash",
      toolUseId: toolUse!.event.message.content[0].id,
    },
  ]);
  expect(notified!.snapshot.tasks![0]!.state).toBe("completed");
  expect(toolResult!.snapshot.activity).toBeUndefined();
  // the finished task is shown until the next turn starts
  expect(status.snapshot(now).tasks).toHaveLength(1);
  status.observe({ type: "system", subtype: "init", model: "x" }, now);
  expect(status.snapshot(now).tasks).toBeUndefined();
});

test("compaction: compacting while Claude's status says so", () => {
  const { seen } = fold("compact", (event) => event.subtype === "status" && event.status !== "requesting");
  expect(seen.map(({ snapshot }) => snapshot.activity)).toEqual([{ kind: "compacting", sinceMs: 250 }, undefined]);
});

describe("a sub-agent", () => {
  test("a running task from task_started; stopped by task_updated/task_notification; its own lines do not change the main activity", () => {
    const { seen, status } = fold(
      "subagent-stop",
      (event) => event.subtype === "task_started" || event.parent_tool_use_id != null || event.subtype === "task_notification",
    );
    const started = seen[0]!;
    expect(started.snapshot.tasks).toEqual([
      {
        taskId: started.event.task_id,
        description: "Look around",
        state: "running",
        startedAt: expect.any(String),
        taskType: "local_agent",
        toolUseId: started.event.tool_use_id,
      },
    ]);
    expect(started.snapshot.activity).toMatchObject({ kind: "tool", tool: "Task" });
    const subAgentLine = seen.find(({ event }) => event.parent_tool_use_id != null)!;
    expect(subAgentLine.snapshot.activity).toMatchObject({ kind: "tool", tool: "Task" });
    expect(seen.at(-1)!.snapshot.tasks![0]!.state).toBe("stopped");
    expect(status.isRunningTask(started.event.task_id)).toBe(false);
  });

  test("isRunningTask only while it runs; Claude's process ending stops its running tasks", () => {
    const status = new SessionStatus();
    const started = fixtureLines("subagent-stop")
      .map((line) => JSON.parse(line))
      .find((event) => event.subtype === "task_started")!;
    expect(status.observe(started, T0)).toBe(true);
    expect(status.isRunningTask(started.task_id)).toBe(true);
    expect(status.isRunningTask("no-such-task")).toBe(false);
    expect(status.claudeGone()).toBe(true);
    expect(status.snapshot(T0).tasks![0]!.state).toBe("stopped");
    expect(status.isRunningTask(started.task_id)).toBe(false);
    expect(status.claudeGone()).toBe(false);
  });
});

test("lines that say nothing about the status do not change it; malformed ones are ignored", () => {
  const status = new SessionStatus();
  for (const event of [
    { type: "system", subtype: "init" },
    { type: "assistant", message: "not an object" },
    { type: "tool_progress", tool_name: 5 },
    { type: "rate_limit_event", rate_limit_info: null },
    { type: "system", subtype: "task_notification", task_id: "unknown", status: "completed" },
    { type: "system", subtype: "task_started" },
    { type: "result", total_cost_usd: "free", modelUsage: [] },
    { type: "whatever" },
  ]) {
    expect(status.observe(event, T0)).toBe(false);
  }
  expect(status.snapshot(T0)).toEqual({});
});

test("tasks are bounded: the oldest finished ones go first", () => {
  const status = new SessionStatus();
  for (let i = 0; i < 60; i++) {
    status.observe({ type: "system", subtype: "task_started", task_id: `t${i}`, description: `task ${i}` }, T0);
    if (i < 30) status.observe({ type: "system", subtype: "task_notification", task_id: `t${i}`, status: "completed" }, T0);
  }
  const tasks = status.snapshot(T0).tasks!;
  expect(tasks).toHaveLength(50);
  expect(tasks[0]!.taskId).toBe("t10");
  expect(tasks.filter((task) => task.state === "running")).toHaveLength(30);
});
