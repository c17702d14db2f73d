/** The one queue of prompts waiting for Claude: bounded, taken in order, never dropped silently. */
import { describe, expect, test } from "bun:test";
import { PromptQueue } from "../../src/claude/prompt-queue.ts";
import { createLogger } from "../../src/log/logger.ts";

function queue(max: number) {
  const logs: Array<Record<string, unknown>> = [];
  const log = createLogger({ level: "debug", format: "json", write: (line) => logs.push(JSON.parse(line)) });
  return { waiting: new PromptQueue(max, log), logs };
}

describe("PromptQueue", () => {
  test("holds up to its bound and refuses beyond it; take() empties it oldest first", () => {
    const { waiting } = queue(2);
    expect(waiting.push("a")).toBe(true);
    expect(waiting.push("b")).toBe(true);
    expect(waiting.push("c")).toBe(false);
    expect(waiting.size).toBe(2);
    expect(waiting.take()).toEqual(["a", "b"]);
    expect(waiting.size).toBe(0);
    expect(waiting.push("c")).toBe(true);
  });

  test("drop() forgets what waits and logs how many and why; an empty queue drops silently", () => {
    const { waiting, logs } = queue(5);
    waiting.drop("stopping");
    expect(logs).toEqual([]);
    waiting.push("a");
    waiting.push("b");
    waiting.drop("failed");
    expect(waiting.take()).toEqual([]);
    expect(logs).toMatchObject([{ level: "warn", msg: "queued prompts not delivered", count: 2, reason: "failed" }]);
  });
});
