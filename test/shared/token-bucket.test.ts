import { expect, test } from "bun:test";
import { TokenBucket } from "../../src/shared/token-bucket.ts";

test("starts full, empties by take, refills at perMinute, never above capacity", () => {
  const bucket = new TokenBucket(3, 60, 0); // one token a second
  expect([bucket.take(0), bucket.take(0), bucket.take(0), bucket.take(0)]).toEqual([true, true, true, false]);
  expect(bucket.take(999)).toBe(false);
  expect(bucket.take(1000)).toBe(true);
  expect(bucket.level(1_000_000)).toBe(3);
});

test("drain spends even when empty, never below zero", () => {
  const bucket = new TokenBucket(1, 60, 0);
  bucket.drain(0);
  bucket.drain(0);
  expect(bucket.level(0)).toBe(0);
  expect(bucket.level(500)).toBeCloseTo(0.5);
});
