import { describe, expect, test } from "bun:test";
import type { PermissionRequestMessage } from "../../src/client/messages.ts";
import { elapsedInWords, othersInWords, stateInWords } from "../../src/terminal/state-words.ts";
import { type StatusInput, statusLine } from "../../src/terminal/status-line.ts";
import { makeStyle } from "../../src/terminal/style.ts";

const style = makeStyle({ color: false, unicode: true });
const base: StatusInput = { style, connection: "open", state: "ready", lineEmpty: true, quitArmed: false, frame: 0 };
const request: PermissionRequestMessage = {
  type: "permission.request",
  sessionId: "s",
  seq: 3,
  requestId: "r1",
  toolName: "Bash",
  input: { command: "npm test" },
  toolUseId: "t",
};

describe("statusLine", () => {
  test("nothing while Claude is ready; a hint once Ctrl-C was pressed", () => {
    expect(statusLine(base)).toBeUndefined();
    expect(statusLine({ ...base, quitArmed: true })).toBe("Ctrl-C again quits (or /quit)");
  });

  test("working: spinner, current tool, elapsed time, how to interrupt", () => {
    expect(statusLine({ ...base, state: "busy", tool: "Bash: npm test", workingForMs: 65_000, frame: 2 })).toBe(
      "⠹ Claude is working · Bash: npm test · 1m 05s · Ctrl-C interrupts",
    );
    expect(statusLine({ ...base, state: "busy", frame: 10 })).toBe("⠋ Claude is working · Ctrl-C interrupts");
  });

  test("a permission question with the keys that answer it; with typed text, how to get to them", () => {
    expect(statusLine({ ...base, state: "waiting_permission", pending: { request, count: 1 } })).toBe(
      "? Claude wants to use Bash: npm test — y allow · n deny · r deny with a reason",
    );
    expect(statusLine({ ...base, state: "waiting_permission", pending: { request, count: 2 }, lineEmpty: false })).toBe(
      "? Claude wants to use Bash: npm test (1 of 2) — clear your input (Ctrl-U) to answer with y / n / r, or type /allow or /deny",
    );
    const suggested = {
      ...request,
      suggestions: [{ type: "addRules", rules: [{ toolName: "Bash", ruleContent: "npm test" }], behavior: "allow", destination: "localSettings" }],
    };
    expect(statusLine({ ...base, state: "waiting_permission", pending: { request: suggested, count: 1 } })).toBe(
      "? Claude wants to use Bash: npm test — y allow · s allow for session · n deny · r reason",
    );
    expect(statusLine({ ...base, state: "waiting_permission", pending: { request: suggested, count: 1 }, lineEmpty: false })).toContain(
      "answer with y / s / n / r",
    );
    expect(statusLine({ ...base, state: "waiting_permission", pending: { request, count: 1 }, question: { index: 0, count: 2, hint: "press 1–2" } })).toBe(
      "? Claude asks (question 1 of 2) — press 1–2",
    );
    expect(statusLine({ ...base, pending: { request, count: 1 }, reasonFor: "Bash: npm test" })).toBe(
      "? why deny Bash: npm test? Type the reason for Claude and press Enter · Ctrl-C goes back",
    );
  });

  test("reconnecting comes first; restarting and failed in words", () => {
    expect(statusLine({ ...base, connection: "reconnecting", attempt: 3, pending: { request, count: 1 } })).toBe(
      "⠋ connection lost; reconnecting (attempt 3) · typed prompts are sent once back",
    );
    expect(statusLine({ ...base, state: "restarting" })).toBe("⠋ Claude is restarting (it exited or stopped answering)…");
    expect(statusLine({ ...base, state: "failed" })).toBe("✗ Claude has failed (it crashed repeatedly; see the relay's log)");
  });
});

describe("words", () => {
  test("states, presence and durations", () => {
    expect(stateInWords("waiting_permission")).toBe("waiting for your permission");
    expect(stateInWords("some_new_state")).toBe("some new state");
    expect([othersInWords(1), othersInWords(2), othersInWords(4), othersInWords(0)]).toEqual([
      "no other device connected",
      "1 other device connected",
      "3 other devices connected",
      "no other device connected",
    ]);
    expect([elapsedInWords(999), elapsedInWords(59_000), elapsedInWords(3_720_000)]).toEqual(["0s", "59s", "1h 02m"]);
  });
});

describe("statusLine with the live view's words", () => {
  const live = { context: "42% context", contextShare: 0.42, cost: "$0.12", running: 1 };
  test("ready: context, cost and running tasks, dim", () => {
    expect(statusLine({ ...base, live })).toBe("42% context · $0.12 · 1 task running (/tasks)");
    expect(statusLine({ ...base, live: { running: 0 } })).toBeUndefined();
  });

  test("working: the transcript's tool first, else what the status says; then context and cost", () => {
    const working = { ...base, state: "busy", workingForMs: 3_000 };
    expect(statusLine({ ...working, tool: "Bash: npm test", live: { ...live, activity: "Bash · 3 s", running: 0 } })).toBe(
      "⠋ Claude is working · Bash: npm test · 3s · 42% context · $0.12 · Ctrl-C interrupts",
    );
    expect(statusLine({ ...working, live: { activity: "Retrying 2/10…", running: 2, rateLimit: "5-hour limit 92%" } })).toBe(
      "⠋ Claude is working · Retrying 2/10… · 3s · 5-hour limit 92% · 2 tasks running (/tasks) · Ctrl-C interrupts",
    );
  });
});
