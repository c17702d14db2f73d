import { describe, expect, test } from "bun:test";
import { stripVTControlCharacters } from "node:util";
import { detectStyle, makeStyle } from "../../src/terminal/style.ts";

describe("detectStyle", () => {
  test("colours: NO_COLOR wins, FORCE_COLOR forces (0/false: off), else only on a terminal that is not dumb", () => {
    expect(detectStyle({}, true).color).toBe(true);
    expect(detectStyle({}, false).color).toBe(false);
    expect(detectStyle({ NO_COLOR: "1" }, true).color).toBe(false);
    expect(detectStyle({ NO_COLOR: "" }, true).color).toBe(true);
    expect(detectStyle({ NO_COLOR: "1", FORCE_COLOR: "1" }, true).color).toBe(false);
    expect(detectStyle({ FORCE_COLOR: "1" }, false).color).toBe(true);
    expect(detectStyle({ FORCE_COLOR: "" }, false).color).toBe(true);
    expect(detectStyle({ FORCE_COLOR: "0" }, true).color).toBe(false);
    expect(detectStyle({ FORCE_COLOR: "false" }, true).color).toBe(false);
    expect(detectStyle({ TERM: "dumb" }, true).color).toBe(false);
  });

  test("symbols: Unicode unless the terminal or the locale cannot show it", () => {
    expect(detectStyle({}, true).symbols.ok).toBe("✓");
    expect(detectStyle({ LANG: "en_US.UTF-8" }, true).unicode).toBe(true);
    expect(detectStyle({ LC_ALL: "C" }, true).symbols.ok).toBe("+");
    expect(detectStyle({ LANG: "", LC_ALL: "" }, true).unicode).toBe(true);
    expect(detectStyle({ TERM: "linux" }, true).symbols.spinner).toEqual(["|", "/", "-", "\\"]);
  });
});

describe("paint", () => {
  test("ANSI colours nest, and are absent without colour", () => {
    const style = makeStyle({ color: true, unicode: true });
    expect(style.paint("green", "ok")).toBe("\x1b[32mok\x1b[39m");
    expect(style.paint(["bold", "red"], "x")).toBe("\x1b[1m\x1b[31mx\x1b[39m\x1b[22m");
    expect(stripVTControlCharacters(style.paint(["bold", "red"], "x"))).toBe("x");
    expect(makeStyle({ color: false, unicode: true }).paint("green", "ok")).toBe("ok");
  });
});
