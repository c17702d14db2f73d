import { expect, test } from "bun:test";
import { costWords, liveStatusWords, secondsWords } from "../../src/shared/live-status-words.ts";

test("context, cost and a tool's clock counted on from sinceMs", () => {
  expect(
    liveStatusWords({ contextTokens: 84_000, contextWindow: 200_000, costUsd: 0.1234, activity: { kind: "tool", tool: "Bash", sinceMs: 9_000 } }, 3_400),
  ).toEqual({
    context: "42% context",
    contextShare: 0.42,
    cost: "$0.12",
    activity: "Bash · 12 s",
    running: 0,
  });
});

test("nothing known: no words; context needs both figures", () => {
  expect(liveStatusWords({}, 0)).toEqual({ running: 0 });
  expect(liveStatusWords({ contextTokens: 10 }, 0).context).toBeUndefined();
  expect(liveStatusWords({ contextTokens: 10, contextWindow: 0 }, 0).context).toBeUndefined();
  expect(liveStatusWords({ contextTokens: 300, contextWindow: 200 }, 0).context).toBe("100% context");
  expect(liveStatusWords({ contextTokens: 900, contextWindow: 200_000 }, 0).context).toBe("<1% context");
  expect(liveStatusWords({ contextTokens: 0, contextWindow: 200_000 }, 0).context).toBe("0% context");
});

test("activities in words", () => {
  const words = (activity: Parameters<typeof liveStatusWords>[0]["activity"]) => liveStatusWords({ activity }, 0).activity;
  expect(words({ kind: "retrying", attempt: 2, maxRetries: 10, sinceMs: 500 })).toBe("Retrying 2/10…");
  expect(words({ kind: "retrying", attempt: 1, sinceMs: 0 })).toBe("Retrying 1…");
  expect(words({ kind: "compacting", sinceMs: 0 })).toBe("Compacting…");
  expect(words({ kind: "thinking", sinceMs: 3_000 })).toBe("Thinking… 3 s");
  expect(words({ kind: "tool", sinceMs: 65_000 })).toBe("A tool · 1 min 05 s");
  expect(words({ kind: "something new", sinceMs: 0 })).toBe("Working · 0 s");
});

test("a rate limit warns when high, or when the relay says so; the most used window is named", () => {
  const limit = (rateLimits: Parameters<typeof liveStatusWords>[0]["rateLimits"]) => liveStatusWords({ rateLimits }, 0).rateLimit;
  expect(limit([{ window: "five_hour", utilization: 0.5 }])).toBeUndefined();
  expect(limit([{ window: "five_hour", utilization: 0.5, status: "allowed" }])).toBeUndefined();
  expect(
    limit([
      { window: "five_hour", utilization: 0.85 },
      { window: "seven_day", utilization: 0.92, status: "allowed_warning" },
    ]),
  ).toBe("7-day limit 92%");
  expect(limit([{ window: "seven_day_opus", status: "allowed_warning" }])).toBe("7-day Opus limit near");
  expect(
    limit([
      { window: "five_hour", utilization: 0.99 },
      { window: "seven_day", status: "rejected" },
    ]),
  ).toBe("7-day limit reached");
});

test("running tasks are counted", () => {
  const task = (state: string) => ({ taskId: state, description: "x", state, startedAt: "2026-12-06T10:00:00Z" });
  expect(liveStatusWords({ tasks: [task("running"), task("stopped"), task("running")] }, 0).running).toBe(2);
});

test("cost and seconds in words", () => {
  expect(costWords(0)).toBe("$0.00");
  expect(costWords(0.001)).toBe("<$0.01");
  expect(costWords(1.239)).toBe("$1.24");
  expect(secondsWords(-5)).toBe("0 s");
  expect(secondsWords(3_725_000)).toBe("1 h 02 min");
});
