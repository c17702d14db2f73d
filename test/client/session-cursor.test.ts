import { describe, expect, test } from "bun:test";
import { SessionCursor } from "../../src/client/session-cursor.ts";

describe("SessionCursor", () => {
  test("delivers each seq once, in order; older or repeated seqs are duplicates", () => {
    const cursor = new SessionCursor();
    expect(cursor.resume()).toBeUndefined();
    cursor.adopt("s1");
    expect([1, 2, 2, 1, 3].map((seq) => cursor.accept("s1", seq).deliver)).toEqual([true, true, false, false, true]);
    expect(cursor.resume()).toEqual({ sessionId: "s1", lastSeq: 3 });
  });

  test("a jump is delivered with the missing range", () => {
    const cursor = new SessionCursor({ sessionId: "s1", lastSeq: 4 });
    expect(cursor.accept("s1", 8)).toEqual({ deliver: true, gap: { fromSeq: 5, toSeq: 7 } });
    expect(cursor.accept("s1", 9)).toEqual({ deliver: true });
  });

  test("an announced replay.gap is not reported again as a jump", () => {
    const cursor = new SessionCursor({ sessionId: "s1", lastSeq: 10 });
    cursor.skip({ fromSeq: 11, toSeq: 40 });
    expect(cursor.accept("s1", 41)).toEqual({ deliver: true });
    cursor.skip({ fromSeq: 50, toSeq: 49 }); // empty range: nothing skipped
    expect(cursor.lastSeq).toBe(41);
  });

  test("joined without resume: the first event is the baseline, not a gap; later jumps are", () => {
    const cursor = new SessionCursor();
    expect(cursor.join("s1", { resumed: false })).toBe(true);
    expect(cursor.accept("s1", 41)).toEqual({ deliver: true });
    expect(cursor.accept("s1", 41)).toEqual({ deliver: false });
    expect(cursor.accept("s1", 43)).toEqual({ deliver: true, gap: { fromSeq: 42, toSeq: 42 } });
  });

  test("joined without resume at auth.ok.lastSeq: the position is known before any event", () => {
    const cursor = new SessionCursor();
    cursor.join("s1", { resumed: false, lastSeq: 40 });
    expect(cursor.resume()).toEqual({ sessionId: "s1", lastSeq: 40 });
    expect(cursor.accept("s1", 41)).toEqual({ deliver: true });
    expect(cursor.accept("s1", 43)).toEqual({ deliver: true, gap: { fromSeq: 42, toSeq: 42 } });
  });

  test("a resumed join keeps the position; a changed session on resume starts from 0", () => {
    const cursor = new SessionCursor({ sessionId: "s1", lastSeq: 9 });
    expect(cursor.join("s1", { resumed: true })).toBe(false);
    expect(cursor.accept("s1", 10)).toEqual({ deliver: true });
    expect(cursor.join("s2", { resumed: true })).toBe(true);
    expect(cursor.resume()).toEqual({ sessionId: "s2", lastSeq: 0 });
    expect(cursor.accept("s2", 2)).toEqual({ deliver: true, gap: { fromSeq: 1, toSeq: 1 } });
  });

  test("another session starts over from seq 1", () => {
    const cursor = new SessionCursor({ sessionId: "old", lastSeq: 500 });
    expect(cursor.adopt("old")).toBe(false);
    expect(cursor.adopt("new")).toBe(true);
    expect(cursor.lastSeq).toBe(0);
    expect(cursor.accept("new", 1)).toEqual({ deliver: true });
    expect(cursor.resume()).toEqual({ sessionId: "new", lastSeq: 1 });
  });
});
