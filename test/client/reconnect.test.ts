import { describe, expect, test } from "bun:test";
import { ReconnectBackoff } from "../../src/client/backoff.ts";
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

describe("ReconnectBackoff", () => {
  test("grows exponentially to the cap; jitter takes up to its share off each delay", () => {
    const none = new ReconnectBackoff({ initialDelayMs: 100, maxDelayMs: 1000, jitter: 0.5 }, () => 0);
    expect(Array.from({ length: 6 }, () => none.next())).toEqual([100, 200, 400, 800, 1000, 1000]);
    const full = new ReconnectBackoff({ initialDelayMs: 100, maxDelayMs: 1000, jitter: 0.5 }, () => 1);
    expect(Array.from({ length: 3 }, () => full.next())).toEqual([50, 100, 200]);
  });

  test("random delays stay within [step × (1 − jitter), step]", () => {
    const backoff = new ReconnectBackoff({ initialDelayMs: 1000, maxDelayMs: 1000, jitter: 0.3, maxAttempts: 1000 });
    for (let i = 0; i < 200; i++) {
      const delay = backoff.next()!;
      expect(delay).toBeGreaterThanOrEqual(700);
      expect(delay).toBeLessThanOrEqual(1000);
    }
  });

  test("gives up after maxAttempts; reset() starts over", () => {
    const backoff = new ReconnectBackoff({ initialDelayMs: 10, maxAttempts: 2, jitter: 0 });
    expect([backoff.next(), backoff.next(), backoff.next()]).toEqual([10, 20, undefined]);
    backoff.reset();
    expect(backoff.attempt).toBe(0);
    expect(backoff.next()).toBe(10);
  });

  test("nonsense options are refused", () => {
    expect(() => new ReconnectBackoff({ initialDelayMs: -1 })).toThrow("initialDelayMs");
    expect(() => new ReconnectBackoff({ maxDelayMs: Number.NaN })).toThrow("maxDelayMs");
  });
});
