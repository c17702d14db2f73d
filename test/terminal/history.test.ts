import { describe, expect, test } from "bun:test";
import type { SessionEventMessage } from "../../src/client/messages.ts";
import { historyStart } from "../../src/terminal/history.ts";

/** A session's events from a compact script: p = prompt, a = assistant line, r = result, b/R = state busy/ready. */
function events(script: string): SessionEventMessage[] {
  return [...script].map((step, index) => {
    const base = { sessionId: "s", seq: index + 1 };
    switch (step) {
      case "p":
        return { ...base, type: "user.prompt", text: `prompt ${index}`, by: "c" };
      case "a":
        return { ...base, type: "claude.event", event: { type: "assistant" } };
      case "r":
        return { ...base, type: "claude.event", event: { type: "result" } };
      case "b":
      case "R":
        return { ...base, type: "session.state", state: step === "b" ? "busy" : "ready", claudePid: 1, restarts: 0, clients: 1 };
      default:
        throw new Error(step);
    }
  });
}

describe("historyStart", () => {
  test("by default, the turn in progress only; nothing when Claude is idle", () => {
    expect(historyStart(events("pbarRpba"), { turns: 0, working: true })).toBe(5);
    expect(historyStart(events("pbarR"), { turns: 0, working: false })).toBeUndefined();
  });

  test("the last N turns, the one in progress counting as one", () => {
    const script = events("pbarR" + "pbarR" + "pba");
    expect(historyStart(script, { turns: 1, working: true })).toBe(10);
    expect(historyStart(script, { turns: 2, working: true })).toBe(5);
    expect(historyStart(script, { turns: 9, working: true })).toBe(0);
    expect(historyStart(events("pbarRpbarR"), { turns: 1, working: false })).toBe(5);
  });

  test("queued prompts: the turn in progress is the oldest unanswered one", () => {
    // two prompts back to back; the first is answered, the second runs
    expect(historyStart(events("ppbarab"), { turns: 0, working: true })).toBe(1);
  });

  test("a turn whose prompt fell out of the buffer: from after the last result", () => {
    expect(historyStart(events("arbaa"), { turns: 0, working: true })).toBe(2);
    expect(historyStart(events("baa"), { turns: 0, working: true })).toBe(0);
    expect(historyStart([], { turns: 3, working: false })).toBeUndefined();
  });
});
