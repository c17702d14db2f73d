import { describe, expect, test } from "bun:test";
import { InputFilter, NEWLINE_MARK } from "../../src/terminal/input-filter.ts";

const M = NEWLINE_MARK;

describe("InputFilter", () => {
  test("a bracketed paste keeps its line breaks as marks; typing outside it passes through", () => {
    const filter = new InputFilter();
    expect(filter.feed("ab\x1b[200~one\rtwo\r\nthree\nfour\x1b[201~cd\r")).toBe(`abone${M}two${M}three${M}fourcd\r`);
    expect(filter.pasting).toBe(false);
  });

  test("markers split across reads are held until complete", () => {
    const filter = new InputFilter();
    expect(filter.feed("x\x1b[2")).toBe("x");
    expect(filter.feed("00~line1\r")).toBe(`line1${M}`);
    expect(filter.pasting).toBe(true);
    expect(filter.feed("line2\x1b")).toBe("line2");
    expect(filter.feed("[201~\r")).toBe("\r");
  });

  test("Alt-Enter inserts a line break; other escape sequences (arrows) pass through", () => {
    const filter = new InputFilter();
    expect(filter.feed("a\x1b\rb\x1b\nc")).toBe(`a${M}b${M}c`);
    expect(filter.feed("\x1b[D\x1b[A\x1bb")).toBe("\x1b[D\x1b[A\x1bb");
  });
});
