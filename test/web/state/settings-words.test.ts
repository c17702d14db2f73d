import { expect, test } from "bun:test";
import { modelChoices, modeWords, shownModel } from "../../../src/web/state/settings-words.ts";

const models = [
  { value: "default", displayName: "Default (recommended)", description: "", resolvedModel: "claude-opus-4-8[1m]" },
  { value: "haiku", displayName: "Haiku", description: "", resolvedModel: "claude-haiku-4-5-20251001" },
];

test("modes in words; an unknown one as Claude named it", () => {
  expect(modeWords("acceptEdits")).toBe("Accept edits");
  expect(modeWords("dontAsk")).toBe("dontAsk");
});

test("models: Claude's list; a current model it does not list comes first so it is shown", () => {
  expect(modelChoices(models, "haiku")).toEqual([
    { value: "default", label: "Default (recommended)" },
    { value: "haiku", label: "Haiku" },
  ]);
  expect(modelChoices(models, "claude-haiku-4-5-20251001")).toHaveLength(2);
  expect(modelChoices(models, "claude-opus-4-1")[0]).toEqual({ value: "claude-opus-4-1", label: "claude-opus-4-1" });
});

test("the model shown: the value chosen, the listed one Claude reported by its id, or Claude's default before either", () => {
  expect(shownModel(models, "haiku")).toBe("haiku");
  expect(shownModel(models, "claude-haiku-4-5-20251001")).toBe("haiku");
  expect(shownModel(models, undefined)).toBe("default");
  expect(shownModel(models, "claude-opus-4-1")).toBe("claude-opus-4-1");
  expect(shownModel([], undefined)).toBeUndefined();
});
