/** Reading Claude's permission mode and model from its status and init lines (shapes as Claude Code 2.1.197 prints them). */
import { expect, test } from "bun:test";
import { reportedSettings } from "../../src/claude/reported-settings.ts";

test("a status line tells the mode; an init line the mode and the model; other lines nothing", () => {
  expect(reportedSettings({ type: "system", subtype: "status", status: null, permissionMode: "acceptEdits", uuid: "u", session_id: "s" })).toEqual({
    permissionMode: "acceptEdits",
  });
  expect(reportedSettings({ type: "system", subtype: "init", cwd: "/w", model: "claude-haiku-4-5-20251001", permissionMode: "plan", tools: [] })).toEqual({
    permissionMode: "plan",
    model: "claude-haiku-4-5-20251001",
  });
  expect(reportedSettings({ type: "system", subtype: "status", status: "compacting" })).toEqual({});
  expect(reportedSettings({ type: "system", subtype: "status", model: "x", permissionMode: "" })).toEqual({});
  expect(reportedSettings({ type: "system", subtype: "api_retry", permissionMode: "plan" })).toEqual({});
  expect(reportedSettings({ type: "assistant", message: { model: "claude-opus-4-8" } })).toEqual({});
  expect(reportedSettings({ type: "user", permissionMode: "plan", model: "m" })).toEqual({});
});
