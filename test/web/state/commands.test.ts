import { expect, test } from "bun:test";
import { commandMatches, commandText } from "../../../src/web/state/commands.ts";

const commands = [
  { name: "compact", description: "Free up context" },
  { name: "config" },
  { name: "code-review" },
  { name: "clear" },
  { name: "security-review" },
];

test("a / at the start offers every command, in Claude's order, however many", () => {
  expect(commandMatches("/", commands).map((command) => command.name)).toEqual(["compact", "config", "code-review", "clear", "security-review"]);
  const many = Array.from({ length: 25 }, (_, index) => ({ name: `command-${index}` }));
  expect(commandMatches("/", many)).toHaveLength(25);
});

test("names starting with what was typed first, then names containing it; case does not matter", () => {
  expect(commandMatches("/co", commands).map((command) => command.name)).toEqual(["compact", "config", "code-review"]);
  expect(commandMatches("/REV", commands).map((command) => command.name)).toEqual(["code-review", "security-review"]);
});

test("nothing once arguments are being typed, when / is not the first character, or nothing matches", () => {
  expect(commandMatches("/compact now", commands)).toEqual([]);
  expect(commandMatches("hello /co", commands)).toEqual([]);
  expect(commandMatches(" /co", commands)).toEqual([]);
  expect(commandMatches("/zzz", commands)).toEqual([]);
  expect(commandMatches("", commands)).toEqual([]);
});

test("a picked command becomes the prompt, ready for its arguments", () => {
  expect(commandText({ name: "compact" })).toBe("/compact ");
});
