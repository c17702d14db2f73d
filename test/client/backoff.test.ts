import { describe, expect, test } from "bun:test";
import { backoffDelay, backoffSettings } from "../../src/client/backoff.ts";

describe("backoffDelay", () => {
  test("grows exponentially to the cap; jitter takes up to its share off each delay", () => {
    const backoff = backoffSettings({ initialDelayMs: 100, maxDelayMs: 1000, jitter: 0.5 });
    expect(Array.from({ length: 6 }, (_, retries) => backoffDelay(backoff, retries, 0))).toEqual([100, 200, 400, 800, 1000, 1000]);
    expect(Array.from({ length: 3 }, (_, retries) => backoffDelay(backoff, retries, 1))).toEqual([50, 100, 200]);
  });

  test("random delays stay within [step × (1 − jitter), step]", () => {
    const backoff = backoffSettings({ initialDelayMs: 1000, maxDelayMs: 1000, jitter: 0.3 });
    for (let i = 0; i < 200; i++) {
      const delay = backoffDelay(backoff, i, Math.random());
      expect(delay).toBeGreaterThanOrEqual(700);
      expect(delay).toBeLessThanOrEqual(1000);
    }
  });

  test("factor and a cap below the first step", () => {
    expect(backoffDelay(backoffSettings({ initialDelayMs: 10, factor: 3, jitter: 0 }), 2, 0.9)).toBe(90);
    // maxDelayMs is never below initialDelayMs: the first step is the floor of the cap.
    expect(backoffDelay(backoffSettings({ initialDelayMs: 500, maxDelayMs: 100, jitter: 0 }), 3, 0)).toBe(500);
  });
});

describe("backoffSettings", () => {
  test("defaults", () => {
    expect(backoffSettings()).toEqual({
      initialDelayMs: 500,
      maxDelayMs: 30_000,
      factor: 2,
      jitter: 0.5,
      maxAttempts: 50,
      giveUpAfterMs: Number.POSITIVE_INFINITY,
    });
  });

  test("out-of-range factor, jitter and maxAttempts are clamped", () => {
    expect(backoffSettings({ factor: 0.5, jitter: 2, maxAttempts: 0 })).toMatchObject({ factor: 1, jitter: 1, maxAttempts: 1 });
    expect(backoffSettings({ jitter: -1 }).jitter).toBe(0);
  });

  test("nonsense options are refused, naming the option", () => {
    expect(() => backoffSettings({ initialDelayMs: -1 })).toThrow("initialDelayMs");
    expect(() => backoffSettings({ maxDelayMs: Number.NaN })).toThrow("maxDelayMs");
    expect(() => backoffSettings({ giveUpAfterMs: -5 })).toThrow("giveUpAfterMs must be a finite number ≥ 0");
  });
});
