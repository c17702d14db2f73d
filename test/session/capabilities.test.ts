/** Pickers from Claude's initialize answer: what a client shows, trimmed and bounded. */
import { expect, test } from "bun:test";
import { capabilitiesFrom, MAX_DESCRIPTION_LENGTH, sameCapabilities } from "../../src/session/capabilities.ts";

// abridged from Claude Code 2.1.197's answer
const initialize = {
  commands: [
    { name: "compact", description: "Free up context by summarizing the conversation so far", argumentHint: "<optional custom summarization instructions>" },
    {
      name: "update-config",
      description: `Use this skill to configure the Claude Code harness via settings.json.\n\n${"Automated behaviors require hooks. ".repeat(30)}`,
      argumentHint: "",
    },
    { name: "", description: "nameless" },
    { description: "no name at all" },
    "junk",
  ],
  models: [
    {
      value: "default",
      resolvedModel: "claude-opus-4-8[1m]",
      displayName: "Default (recommended)",
      description: "Use the default model",
      supportsEffort: true,
      supportedEffortLevels: ["low", "high"],
    },
    { value: "haiku", resolvedModel: "claude-haiku-4-5-20251001", displayName: "Haiku", description: "Haiku 4.5 · Fastest for quick answers" },
    { value: "bare" },
    { displayName: "no value" },
  ],
  agents: [{ name: "Explore" }],
  account: { tokenSource: "none" },
  pid: 42,
};

test("models and slash commands keep what a picker shows; permission modes are the relay's", () => {
  const caps = capabilitiesFrom(initialize, ["default", "acceptEdits", "plan"]);
  expect(caps.models).toEqual([
    { value: "default", displayName: "Default (recommended)", description: "Use the default model", resolvedModel: "claude-opus-4-8[1m]" },
    { value: "haiku", displayName: "Haiku", description: "Haiku 4.5 · Fastest for quick answers", resolvedModel: "claude-haiku-4-5-20251001" },
    { value: "bare", displayName: "bare" },
  ]);
  expect(caps.commands.map((command) => command.name)).toEqual(["compact", "update-config"]);
  expect(caps.commands[0]).toEqual(initialize.commands[0] as { name: string });
  expect(caps.permissionModes).toEqual(["default", "acceptEdits", "plan"]);
});

test("a long description is one line, cut to the limit with an ellipsis; an empty hint is left out", () => {
  const [, config] = capabilitiesFrom(initialize, []).commands;
  expect(Array.from(config!.description!)).toHaveLength(MAX_DESCRIPTION_LENGTH);
  expect(config!.description).toStartWith("Use this skill to configure the Claude Code harness via settings.json. Automated behaviors");
  expect(config!.description).toEndWith("…");
  expect(config).not.toHaveProperty("argumentHint");
});

test("an answer without models or commands (or with junk there) gives empty lists; counts are bounded", () => {
  expect(capabilitiesFrom({}, ["default"])).toEqual({ models: [], commands: [], permissionModes: ["default"] });
  expect(capabilitiesFrom({ models: "x", commands: { name: "y" } }, [])).toEqual({ models: [], commands: [], permissionModes: [] });
  const many = capabilitiesFrom(
    { commands: Array.from({ length: 500 }, (_, i) => ({ name: `c${i}` })), models: Array.from({ length: 500 }, (_, i) => ({ value: `m${i}` })) },
    [],
  );
  expect(many.commands).toHaveLength(200);
  expect(many.models).toHaveLength(50);
  expect(capabilitiesFrom({ commands: [{ name: "x".repeat(129) }] }, []).commands).toEqual([]);
});

test("sameCapabilities compares what a client would see", () => {
  const a = capabilitiesFrom(initialize, ["default"]);
  expect(sameCapabilities(a, capabilitiesFrom({ ...initialize, pid: 43 }, ["default"]))).toBe(true);
  expect(sameCapabilities(a, capabilitiesFrom(initialize, ["default", "plan"]))).toBe(false);
  expect(sameCapabilities(a, undefined)).toBe(false);
});
