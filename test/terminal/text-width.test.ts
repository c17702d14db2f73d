import { describe, expect, test } from "bun:test";
import { displayPosition, displayRows, textWidth, truncateToWidth } from "../../src/terminal/text-width.ts";

describe("text width", () => {
  test("wide characters take two columns, combining marks and escape sequences none", () => {
    expect(textWidth("abc")).toBe(3);
    expect(textWidth("日本")).toBe(4);
    expect(textWidth("e\u0301")).toBe(1);
    expect(textWidth("\x1b[1mok\x1b[22m")).toBe(2);
    expect(textWidth("🎉")).toBe(2);
  });

  test("emoji sequences take two columns each, however many code points they are", () => {
    expect(textWidth("👨‍👩‍👧‍👦")).toBe(2); // a ZWJ family: seven code points
    expect(textWidth("🇯🇵🇫🇷")).toBe(4); // two flags (regional indicator pairs)
    expect(textWidth("👍🏽")).toBe(2); // a skin tone modifier joins its emoji
    expect(textWidth("❤️")).toBe(2); // VS16 asks for emoji presentation
    expect(textWidth("❤")).toBe(1); // without it, text presentation
    expect(textWidth("1️⃣")).toBe(2); // a keycap
    expect(textWidth("\x1b[31m👩‍💻\x1b[39m ok")).toBe(5);
  });

  test("rows: line breaks and wrapping, as readline counts them", () => {
    expect(displayRows("› hi", 80)).toBe(0);
    expect(displayRows("status\n› hi", 80)).toBe(1);
    expect(displayRows("x".repeat(80), 80)).toBe(1);
    expect(displayRows("x".repeat(79), 80)).toBe(0);
    expect(displayRows(`s\n${"y".repeat(170)}`, 80)).toBe(3);
    // a wide character that would straddle the edge moves to the next row
    expect(displayRows(`${"x".repeat(79)}日`, 80)).toBe(1);
    // … and so does an emoji sequence, as one cluster
    expect(displayPosition(`${"x".repeat(79)}👨‍👩‍👧‍👦`, 80)).toEqual({ rows: 1, cols: 2 });
    expect(displayPosition(`${"x".repeat(76)}🇯🇵👍🏽`, 80)).toEqual({ rows: 1, cols: 0 });
  });

  test("position: where the cursor ends; a full row puts it at the start of the next", () => {
    expect(displayPosition("› hello", 80)).toEqual({ rows: 0, cols: 7 });
    expect(displayPosition("x".repeat(100), 40)).toEqual({ rows: 2, cols: 20 });
    expect(displayPosition("x".repeat(80), 80)).toEqual({ rows: 1, cols: 0 });
    expect(displayPosition("status\n› ", 80)).toEqual({ rows: 1, cols: 2 });
  });

  test("truncate: cut with an ellipsis, escapes kept and colour reset", () => {
    expect(truncateToWidth("hello world", 8)).toBe("hello w…");
    expect(truncateToWidth("short", 8)).toBe("short");
    expect(truncateToWidth("\x1b[33mhello world\x1b[39m", 6)).toBe("\x1b[33mhello…\x1b[0m");
    expect(truncateToWidth("日本語です", 5)).toBe("日本…");
    // an emoji sequence is kept whole or left out whole, never cut between its code points
    expect(truncateToWidth("ab👨‍👩‍👧‍👦cdef", 5)).toBe("ab👨‍👩‍👧‍👦…");
    expect(truncateToWidth("ab👨‍👩‍👧‍👦cdef", 4)).toBe("ab…");
    expect(truncateToWidth("🇯🇵🇫🇷🇩🇪", 5)).toBe("🇯🇵🇫🇷…");
    expect(truncateToWidth("\x1b[1m👍🏽👍🏽👍🏽\x1b[22m", 4)).toBe("\x1b[1m👍🏽…\x1b[0m");
  });
});
