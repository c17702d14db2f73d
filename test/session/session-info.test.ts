/** Titles from first prompts, and SessionInfo from a record and a session's summary. */
import { describe, expect, test } from "bun:test";
import { MAX_TITLE_LENGTH, sessionTitle, toSessionInfo } from "../../src/session/session-info.ts";

describe("sessionTitle", () => {
  test("the first non-blank line, trimmed", () => {
    expect(sessionTitle("Fix the flaky login test\nIt fails on CI")).toBe("Fix the flaky login test");
    expect(sessionTitle("\n \r\n   /compact  \r\nmore")).toBe("/compact");
  });

  test("a blank prompt has no title", () => {
    expect(sessionTitle(" \n\t\n")).toBeUndefined();
  });

  test("long lines are cut to the maximum with an ellipsis, never inside a character", () => {
    const long = "a".repeat(200);
    expect(sessionTitle(long)).toBe(`${"a".repeat(MAX_TITLE_LENGTH - 1)}…`);
    const emoji = "😀".repeat(100);
    const title = sessionTitle(emoji)!;
    expect(Array.from(title)).toHaveLength(MAX_TITLE_LENGTH);
    expect(title).toBe(`${"😀".repeat(MAX_TITLE_LENGTH - 1)}…`);
    expect(sessionTitle("b".repeat(MAX_TITLE_LENGTH))).toBe("b".repeat(MAX_TITLE_LENGTH));
  });
});

describe("toSessionInfo", () => {
  const record = { sessionId: "S", cwd: "/home/me/a", createdAt: "2026-01-01T10:00:00.000Z", lastActivity: "2026-01-01T11:00:00.000Z" };

  test("the record's place and times with the session's state; title and model only when known", () => {
    expect(toSessionInfo(record, { sessionId: "S", state: "idle", clients: 0, permissionMode: "default" })).toEqual({
      sessionId: "S",
      cwd: "/home/me/a",
      state: "idle",
      clients: 0,
      permissionMode: "default",
      lastActivity: "2026-01-01T11:00:00.000Z",
    });
    expect(toSessionInfo({ ...record, title: "Fix it" }, { sessionId: "S", state: "busy", clients: 2, permissionMode: "plan", model: "opus" })).toMatchObject({
      title: "Fix it",
      state: "busy",
      clients: 2,
      permissionMode: "plan",
      model: "opus",
    });
  });

  test("a worktree session shows its branch and worktree: true", () => {
    expect(
      toSessionInfo({ ...record, worktree: { branch: "fix-login" } }, { sessionId: "S", state: "ready", clients: 0, permissionMode: "default" }),
    ).toMatchObject({
      branch: "fix-login",
      worktree: true,
    });
  });
});
