import { describe, expect, test } from "bun:test";
import { RestartPolicy } from "../../src/claude/restart-policy.ts";

function clock() {
  let now = 0;
  return { now: () => now, advance: (ms: number) => (now += ms) };
}

describe("RestartPolicy", () => {
  test("delays grow exponentially from 250 ms and are capped at 30 s", () => {
    const t = clock();
    const policy = new RestartPolicy({ maxCrashes: 100 }, t.now);
    const delays: number[] = [];
    for (let i = 0; i < 10; i++) {
      const decision = policy.crashed();
      if (decision.action === "restart") delays.push(decision.delayMs);
      t.advance(20_000); // spread out so the crash window never fills
    }
    expect(delays).toEqual([250, 500, 1000, 2000, 4000, 8000, 16000, 30000, 30000, 30000]);
  });

  test("a process that ran a stable minute resets the backoff", () => {
    const t = clock();
    const policy = new RestartPolicy({}, t.now);
    policy.crashed();
    t.advance(1000);
    policy.crashed();
    t.advance(1000);
    policy.started();
    t.advance(59_000);
    expect(policy.crashed()).toEqual({ action: "restart", delayMs: 1000 }); // not stable yet
    policy.started();
    t.advance(60_000);
    expect(policy.crashed()).toEqual({ action: "restart", delayMs: 250 });
  });

  test("more than 5 crashes within 60 s fails", () => {
    const t = clock();
    const policy = new RestartPolicy({}, t.now);
    for (let i = 0; i < 5; i++) {
      expect(policy.crashed().action).toBe("restart");
      t.advance(1000);
    }
    expect(policy.crashed()).toEqual({ action: "fail", crashes: 6 });
  });

  test("crashes older than the window are forgotten", () => {
    const t = clock();
    const policy = new RestartPolicy({}, t.now);
    for (let i = 0; i < 5; i++) policy.crashed();
    t.advance(60_000);
    expect(policy.crashed().action).toBe("restart");
  });
});
