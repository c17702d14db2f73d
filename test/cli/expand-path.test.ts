import { expect, test } from "bun:test";
import { expandPath } from "../../src/cli/expand-path.ts";

const where = { home: "/home/me", cwd: "/work/src" };

test("a leading ~ is the home directory; relative paths start at cwd; absolute ones stay", () => {
  expect(expandPath("~", where)).toBe("/home/me");
  expect(expandPath("~/keys", where)).toBe("/home/me/keys");
  expect(expandPath("state", where)).toBe("/work/src/state");
  expect(expandPath("../x", where)).toBe("/work/x");
  expect(expandPath("/etc/relay", where)).toBe("/etc/relay");
});

test("only the user's own ~ is expanded, and only at the start", () => {
  expect(expandPath("~other/x", where)).toBe("/work/src/~other/x");
  expect(expandPath("a/~/b", where)).toBe("/work/src/a/~/b");
});
