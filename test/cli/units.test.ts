import { describe, expect, test } from "bun:test";
import { parseByteSize, parseDuration } from "../../src/cli/units.ts";

describe("parseDuration", () => {
  test.each([
    ["1500", 1500],
    ["1.5s", 1500],
    ["2m", 120_000],
    ["250ms", 250],
    ["1h", 3_600_000],
    [" 10s ", 10_000],
    ["0", 0],
    [".5s", 500],
  ])("%p → %p", (text, ms) => expect(parseDuration(text)).toBe(ms));

  test.each(["", "s", "-1s", "1x", "1.5.2s", "abc", "1 s s", "Infinity"])("%p is refused", (text) => {
    expect(parseDuration(text)).toBeUndefined();
  });
});

describe("parseByteSize", () => {
  test.each([
    ["1048576", 1048576],
    ["1MiB", 1048576],
    ["512KiB", 524288],
    ["8m", 8388608],
    ["1gb", 1073741824],
  ])("%p → %p", (text, bytes) => expect(parseByteSize(text)).toBe(bytes));

  test.each(["", "-5", "1.5x", "MiB", "1 MiB MiB"])("%p is refused", (text) => expect(parseByteSize(text)).toBeUndefined());
});
