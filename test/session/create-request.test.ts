/** session.create's checks before anything is made: settings, directory, resume, each refusal in words. */
import { describe, expect, test } from "bun:test";
import { realpathSync } from "node:fs";
import { tmpdir } from "node:os";
import { checkCreateRequest, checkResume } from "../../src/session/create-request.ts";
import type { ConversationHistory } from "../../src/session/history.ts";

const home = realpathSync(tmpdir());
const rules = { allowDirs: [home], relayDir: "/nonexistent-relay-dir", permissionModes: ["default", "plan"], models: undefined };
const UUID = "7f0c3d0e-0000-4000-8000-000000000001";
const history = (found: { title: string } | undefined) => ({ find: () => found, list: async () => [] }) as unknown as ConversationHistory;

describe("checkCreateRequest", () => {
  test("an allowed directory and mode: the resolved directory and the settings asked for", () => {
    expect(checkCreateRequest({ type: "session.create", cwd: home, permissionMode: "plan" }, rules)).toEqual({
      ok: true,
      cwd: home,
      settings: { permissionMode: "plan" },
    });
  });

  test("a mode clients may not choose is refused, with a line for the log", () => {
    const checked = checkCreateRequest({ type: "session.create", cwd: home, permissionMode: "bypassPermissions" }, rules);
    expect(checked).toMatchObject({ ok: false, code: "invalid_message", warn: { line: "session refused: mode or model not allowed" } });
    expect(!checked.ok && checked.message).toStartWith("session.create: ");
  });

  test("a directory outside --allow-dir is refused as invalid_session_dir", () => {
    expect(checkCreateRequest({ type: "session.create", cwd: "/etc" }, rules)).toMatchObject({ ok: false, code: "invalid_session_dir" });
  });

  test("resume with a new worktree is refused", () => {
    const checked = checkCreateRequest({ type: "session.create", cwd: home, resume: UUID, worktree: "fix" }, rules);
    expect(checked).toMatchObject({ ok: false, code: "invalid_message" });
    expect(!checked.ok && checked.message).toContain("cannot take a new worktree");
  });
});

describe("checkResume", () => {
  test("a conversation Claude has there, not open elsewhere nor stopping: its title", () => {
    expect(checkResume(UUID, home, { openIn: undefined, ending: false, history: history({ title: "Fix it" }) })).toEqual({ ok: true, title: "Fix it" });
  });

  test("open in another directory, being stopped, or unknown: refused, each in its own words", () => {
    expect(checkResume(UUID, home, { openIn: "/srv/other", ending: false, history: history({ title: "x" }) })).toMatchObject({
      ok: false,
      code: "unknown_session",
      message: expect.stringContaining("is open in another directory"),
    });
    expect(checkResume(UUID, home, { openIn: undefined, ending: true, history: history({ title: "x" }) })).toMatchObject({
      ok: false,
      code: "claude_unavailable",
    });
    expect(checkResume(UUID, home, { openIn: undefined, ending: false, history: history(undefined) })).toMatchObject({
      ok: false,
      code: "unknown_session",
      warn: { line: "session refused: no such conversation to resume" },
    });
    expect(checkResume("not-a-uuid", home, { openIn: undefined, ending: false, history: history({ title: "x" }) })).toMatchObject({
      ok: false,
      code: "unknown_session",
    });
  });
});
