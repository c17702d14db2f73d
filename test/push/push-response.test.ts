import { describe, expect, test } from "bun:test";
import { MAX_RETRY_AFTER_MS, pushOutcome, retryAfterMs, retryDelayMs } from "../../src/push/push-response.ts";

const now = Date.parse("2026-01-01T00:00:00Z");

describe("pushOutcome", () => {
  test("2xx delivered; 404 and 410 gone; 429 and 5xx retried; other 4xx failed", () => {
    expect(pushOutcome(201, null, now)).toEqual({ kind: "delivered" });
    expect(pushOutcome(404, null, now)).toEqual({ kind: "gone" });
    expect(pushOutcome(410, null, now)).toEqual({ kind: "gone" });
    expect(pushOutcome(429, "3", now)).toEqual({ kind: "retry", afterMs: 3000 });
    expect(pushOutcome(503, null, now)).toEqual({ kind: "retry", afterMs: undefined });
    for (const status of [400, 401, 403, 413]) expect(pushOutcome(status, null, now)).toEqual({ kind: "failed" });
  });
});

describe("retryAfterMs", () => {
  test("delay-seconds and HTTP dates; capped; garbage ignored", () => {
    expect(retryAfterMs("120", now)).toBe(120_000);
    expect(retryAfterMs("Thu, 01 Jan 2026 00:00:30 GMT", now)).toBe(30_000);
    expect(retryAfterMs("Wed, 31 Dec 2025 00:00:00 GMT", now)).toBe(0);
    expect(retryAfterMs("999999", now)).toBe(MAX_RETRY_AFTER_MS);
    expect(retryAfterMs("soon", now)).toBeUndefined();
    expect(retryAfterMs(null, now)).toBeUndefined();
  });

  test("backoff doubles from a second up to a minute", () => {
    expect([1, 2, 3, 4, 10].map(retryDelayMs)).toEqual([1000, 2000, 4000, 8000, 60_000]);
  });
});
