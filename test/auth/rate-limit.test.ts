import { describe, expect, test } from "bun:test";
import { FailedAuthLimiter } from "../../src/auth/rate-limit.ts";

describe("failed-auth limiter", () => {
  test("burst, then limited, then refills over time", () => {
    const limiter = new FailedAuthLimiter({ burst: 3, refillPerMinute: 6 });
    let t = 1_000;
    for (let i = 0; i < 3; i++) {
      expect(limiter.isLimited("10.0.0.1", t)).toBe(false);
      limiter.recordFailure("10.0.0.1", t);
    }
    expect(limiter.isLimited("10.0.0.1", t)).toBe(true);
    expect(limiter.retryAfterMs("10.0.0.1", t)).toBe(10_000);
    expect(limiter.isLimited("10.0.0.2", t)).toBe(false);
    t += 9_999;
    expect(limiter.isLimited("10.0.0.1", t)).toBe(true);
    t += 1;
    expect(limiter.isLimited("10.0.0.1", t)).toBe(false);
    t += 60_000;
    expect(limiter.retryAfterMs("10.0.0.1", t)).toBe(0);
    expect(limiter.trackedAddresses).toBe(0); // a full bucket is forgotten
  });

  test("IPv4-mapped and plain IPv4 share a bucket; an IPv6 /64 shares one", () => {
    const limiter = new FailedAuthLimiter({ burst: 2, refillPerMinute: 1 });
    limiter.recordFailure("::ffff:192.0.2.1", 0);
    limiter.recordFailure("192.0.2.1", 0);
    expect(limiter.isLimited("192.0.2.1", 0)).toBe(true);
    limiter.recordFailure("2001:db8:1:2::1", 0);
    limiter.recordFailure("2001:db8:1:2:ffff::9", 0);
    expect(limiter.isLimited("2001:db8:1:2::77", 0)).toBe(true);
    expect(limiter.isLimited("2001:db8:1:3::1", 0)).toBe(false);
  });

  test("memory is bounded: the least recently failing address is forgotten", () => {
    const limiter = new FailedAuthLimiter({ burst: 1, refillPerMinute: 1, maxAddresses: 100 });
    for (let i = 0; i < 1000; i++) limiter.recordFailure(`10.0.${i >> 8}.${i & 255}`, 0);
    expect(limiter.trackedAddresses).toBe(100);
    expect(limiter.isLimited("10.0.3.231", 0)).toBe(true); // the last one (i = 999)
    expect(limiter.isLimited("10.0.0.0", 0)).toBe(false); // evicted
  });
});
