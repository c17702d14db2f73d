import { describe, expect, test } from "bun:test";
import { ReplayBuffer } from "../../src/session/replay-buffer.ts";

const seqs = (frames: string[]) => frames.map((frame) => JSON.parse(frame).seq as number);

describe("ReplayBuffer", () => {
  test("numbers events 1, 2, 3 and serializes them once with sessionId and seq", () => {
    const log = new ReplayBuffer("S", { maxEvents: 10, maxBytes: 1 << 20 });
    const frame = log.append({ type: "user.prompt", text: "hi", by: "c1" });
    expect(JSON.parse(frame)).toEqual({ type: "user.prompt", sessionId: "S", seq: 1, text: "hi", by: "c1" });
    log.append({ type: "x" });
    expect(log.lastSeq).toBe(2);
    expect(Object.keys(JSON.parse(frame)).slice(0, 3)).toEqual(["type", "sessionId", "seq"]);
  });

  test("replays exactly the events after lastSeq, in order", () => {
    const log = new ReplayBuffer("S", { maxEvents: 100, maxBytes: 1 << 20 });
    for (let i = 0; i < 10; i++) log.append({ type: "e", i });
    expect(seqs(log.since("S", 7).frames)).toEqual([8, 9, 10]);
    expect(log.since("S", 7).gap).toBeUndefined();
    expect(log.since("S", 10).frames).toEqual([]);
    expect(log.since("S", 99).frames).toEqual([]);
    expect(seqs(log.since("S", 0).frames)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
  });

  test("reports a gap for events evicted by count", () => {
    const log = new ReplayBuffer("S", { maxEvents: 3, maxBytes: 1 << 20 });
    for (let i = 0; i < 10; i++) log.append({ type: "e" });
    const replay = log.since("S", 2);
    expect(replay.gap).toEqual({ fromSeq: 3, toSeq: 7, reason: "evicted" });
    expect(seqs(replay.frames)).toEqual([8, 9, 10]);
  });

  test("evicts by bytes", () => {
    const log = new ReplayBuffer("S", { maxEvents: 1000, maxBytes: 300 });
    for (let i = 0; i < 20; i++) log.append({ type: "e", pad: "x".repeat(50) });
    expect(log.bytes).toBeLessThanOrEqual(300);
    expect(log.size).toBeGreaterThan(0);
    expect(log.oldestSeq).toBe(20 - log.size + 1);
  });

  test("a resume naming another session gets a gap and what is held", () => {
    const log = new ReplayBuffer("S", { maxEvents: 2, maxBytes: 1 << 20 });
    for (let i = 0; i < 5; i++) log.append({ type: "e" });
    const replay = log.since("OTHER", 3);
    expect(replay.gap).toEqual({ fromSeq: 1, toSeq: 3, reason: "session_changed" });
    expect(seqs(replay.frames)).toEqual([4, 5]);
  });

  test("keeps working across many evictions (lazy compaction)", () => {
    const log = new ReplayBuffer("S", { maxEvents: 5, maxBytes: 1 << 30 });
    for (let i = 0; i < 10_000; i++) log.append({ type: "e" });
    expect(seqs(log.since("S", 9997).frames)).toEqual([9998, 9999, 10000]);
    expect(log.size).toBe(5);
  });

  test("a zero-sized buffer replays nothing and reports the gap", () => {
    const log = new ReplayBuffer("S", { maxEvents: 0, maxBytes: 0 });
    log.append({ type: "e" });
    expect(log.since("S", 0)).toEqual({ gap: { fromSeq: 1, toSeq: 1, reason: "evicted" }, frames: [] });
  });

  test("appendFrame refuses an out-of-order seq", () => {
    const log = new ReplayBuffer("S", { maxEvents: 5, maxBytes: 1 << 20 });
    expect(() => log.appendFrame(2, "{}")).toThrow("out of order");
  });
});

describe("ReplayBuffer.restore", () => {
  const limits = { maxEvents: 100, maxBytes: 1 << 20 };
  const saved = (seqs: number[]) => seqs.map((seq) => `{"type":"e","sessionId":"S","seq":${seq},"n":${seq}}`);

  test("continues the numbering after the saved events and replays them", () => {
    const log = ReplayBuffer.restore("S", limits, saved([1, 2, 3, 4]));
    expect(log.lastSeq).toBe(4);
    expect(seqs(log.since("S", 2).frames)).toEqual([3, 4]);
    expect(JSON.parse(log.append({ type: "next" })).seq).toBe(5);
  });

  test("skips a torn last line and unparseable lines; a hole keeps only the run after it", () => {
    const lines = [...saved([1, 2]), "garbage", ...saved([4, 5]), '{"type":"e","sessionId":"S","seq":6,"n"'];
    const log = ReplayBuffer.restore("S", limits, lines);
    expect(log.lastSeq).toBe(5);
    expect(log.since("S", 0).gap).toEqual({ fromSeq: 1, toSeq: 3, reason: "evicted" });
    expect(seqs(log.since("S", 0).frames)).toEqual([4, 5]);
  });

  test("keeps only what the limits allow", () => {
    const log = ReplayBuffer.restore("S", { maxEvents: 2, maxBytes: 1 << 20 }, saved([1, 2, 3, 4, 5]));
    expect(seqs(log.frames())).toEqual([4, 5]);
    expect(log.lastSeq).toBe(5);
  });

  test("nothing saved: starts at 1", () => {
    expect(ReplayBuffer.restore("S", limits, []).append({ type: "x" })).toContain('"seq":1');
  });
});
