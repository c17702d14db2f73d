/** Which modes and models a client may choose, and how a session keeps its mode and model in step with Claude. */
import { describe, expect, test } from "bun:test";
import { bypassPermissionsAllowed, checkModel, checkPermissionMode, choosablePermissionModes, SessionSettings } from "../../src/session/session-settings.ts";

const MODELS = [
  { value: "default", displayName: "Default", resolvedModel: "claude-opus-4-8[1m]" },
  { value: "opus[1m]", displayName: "Opus", resolvedModel: "claude-opus-4-8[1m]" },
  { value: "haiku", displayName: "Haiku", resolvedModel: "claude-haiku-4-5-20251001" },
];
const resolve = (value: string) => MODELS.find((model) => model.value === value)?.resolvedModel;
const status = (permissionMode: string) => ({ type: "system", subtype: "status", status: null, permissionMode });
const init = (permissionMode: string, model: string) => ({ type: "system", subtype: "init", permissionMode, model });

describe("what a client may choose", () => {
  test("modes: the contract's list; bypassPermissions only when allowed, and the refusal says how", () => {
    expect(choosablePermissionModes(false)).toEqual(["default", "acceptEdits", "plan"]);
    expect(choosablePermissionModes(true)).toEqual(["default", "acceptEdits", "plan", "bypassPermissions"]);
    expect(checkPermissionMode("plan", choosablePermissionModes(false))).toBeUndefined();
    expect(checkPermissionMode("bypassPermissions", choosablePermissionModes(false))).toContain("claude-relay serve --allow-bypass-permissions");
    expect(checkPermissionMode("bypassPermissions", choosablePermissionModes(true))).toBeUndefined();
    expect(checkPermissionMode("dontAsk", choosablePermissionModes(true))).toBe(
      'permission mode "dontAsk" is not one of default, acceptEdits, plan, bypassPermissions',
    );
  });

  test("bypass: --allow-bypass-permissions adds Claude's flag; Claude args that already bypass count as allowed, with nothing added", () => {
    expect(bypassPermissionsAllowed(false, [])).toEqual({ allowed: false, claudeArgs: [] });
    expect(bypassPermissionsAllowed(true, ["--model", "opus"])).toEqual({ allowed: true, claudeArgs: ["--allow-dangerously-skip-permissions"] });
    expect(bypassPermissionsAllowed(false, ["--dangerously-skip-permissions"])).toEqual({ allowed: true, claudeArgs: [] });
    expect(bypassPermissionsAllowed(true, ["--allow-dangerously-skip-permissions"])).toEqual({ allowed: true, claudeArgs: [] });
  });

  test("models: a value of Claude's list, or a full model id; the refusal lists the choices", () => {
    for (const model of ["haiku", "opus[1m]", "claude-sonnet-4-5-20250929", "claude-opus-4-8[1m]", "claude-3.5-x"])
      expect(checkModel(model, MODELS)).toBeUndefined();
    expect(checkModel("nonsense-model", MODELS)).toBe('unknown model "nonsense-model": choose one of default, opus[1m], haiku, or a full model id (claude-…)');
    for (const model of ["Claude-Opus", "claude-", "claude-opus 4", "claude-opus;rm", "gpt-4"]) expect(checkModel(model, MODELS)).toStartWith("unknown model");
  });

  test("before any Claude listed its models: full ids only, and the refusal says to wait", () => {
    expect(checkModel("claude-haiku-4-5-20251001", undefined)).toBeUndefined();
    expect(checkModel("haiku", undefined)).toStartWith("Claude has not listed its models yet");
  });
});

describe("SessionSettings", () => {
  test("default and no model until chosen or reported; a new Claude is told nothing then", () => {
    const settings = new SessionSettings();
    expect([settings.permissionMode, settings.model]).toEqual(["default", undefined]);
    expect(settings.forNewClaude()).toEqual({});
  });

  test("a chosen mode and model show at once and are carried to a new Claude", () => {
    const settings = new SessionSettings();
    settings.set({ permissionMode: "plan", model: "haiku" });
    expect([settings.permissionMode, settings.model]).toEqual(["plan", "haiku"]);
    expect(settings.forNewClaude()).toEqual({ permissionMode: "plan", model: "haiku" });
  });

  test("Claude's status line wins: plan mode left through ExitPlanMode shows as default, and a new Claude is told default", () => {
    const settings = new SessionSettings();
    settings.set({ permissionMode: "plan" });
    expect(settings.observe(status("plan"), resolve)).toBe(false);
    expect(settings.observe(status("default"), resolve)).toBe(true);
    expect(settings.permissionMode).toBe("default");
    expect(settings.forNewClaude()).toEqual({ permissionMode: "default" });
  });

  test("a mode Claude switched to on its own (a setMode suggestion accepted) is carried too", () => {
    const settings = new SessionSettings();
    expect(settings.observe(status("acceptEdits"), resolve)).toBe(true);
    expect(settings.forNewClaude()).toEqual({ permissionMode: "acceptEdits" });
  });

  test("a chosen alias stays while Claude runs the model it stands for; another model replaces it, also for a new Claude", () => {
    const settings = new SessionSettings();
    settings.set({ model: "haiku" });
    expect(settings.observe(init("default", "claude-haiku-4-5-20251001"), resolve)).toBe(false);
    expect(settings.model).toBe("haiku");
    expect(settings.observe(init("default", "claude-sonnet-5"), resolve)).toBe(true);
    expect(settings.model).toBe("claude-sonnet-5");
    expect(settings.forNewClaude()).toEqual({ permissionMode: "default", model: "claude-sonnet-5" });
  });

  test("without a chosen model, Claude's own shows but a new Claude is not told it (its launch model stands)", () => {
    const settings = new SessionSettings();
    expect(settings.observe(init("default", "claude-opus-4-8[1m]"), resolve)).toBe(true);
    expect(settings.model).toBe("claude-opus-4-8[1m]");
    expect(settings.observe(init("default", "claude-opus-4-8[1m]"), resolve)).toBe(false);
    expect(settings.forNewClaude()).toEqual({ permissionMode: "default" });
  });
});
