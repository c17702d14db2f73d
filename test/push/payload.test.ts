import { describe, expect, test } from "bun:test";
import { pushMessage } from "../../src/push/payload.ts";

const base = { sessionId: "abc", cwd: "/home/me/app", time: "2026-01-01T00:00:00Z" };

describe("pushMessage", () => {
  test("a permission: high urgency, the tool and what it acts on, a link to the session", () => {
    expect(pushMessage({ ...base, event: "permission", tool: "Bash", detail: "npm test" })).toEqual({
      payload: { kind: "permission", sessionId: "abc", title: "app: Claude asks to use Bash", body: "npm test", url: "/#session=abc" },
      urgency: "high",
      ttl: 86_400,
    });
  });

  test("AskUserQuestion is a question; the session's title names it when it has one", () => {
    const message = pushMessage({ ...base, title: "Fix login", event: "permission", tool: "AskUserQuestion" });
    expect(message.payload).toMatchObject({ kind: "question", title: "Fix login: Claude has a question" });
    expect(message.urgency).toBe("high");
  });

  test("a turn's end and a failed session: normal urgency", () => {
    expect(pushMessage({ ...base, event: "turn_finished", isError: false, result: "All green" })).toMatchObject({
      payload: { kind: "done", body: "All green" },
      urgency: "normal",
    });
    expect(pushMessage({ ...base, event: "turn_finished", isError: true }).payload.title).toContain("error");
    expect(pushMessage({ ...base, event: "failed", restarts: 5 })).toMatchObject({ payload: { kind: "failed" }, urgency: "normal" });
  });

  test("long text is cut to fit a push", () => {
    const message = pushMessage({ ...base, event: "turn_finished", isError: false, result: "x".repeat(5000) });
    expect(Array.from(message.payload.body).length).toBeLessThanOrEqual(600);
    expect(Buffer.byteLength(JSON.stringify(message.payload))).toBeLessThan(3000);
  });
});
