/** The --idle-timeout countdown, on a fake clock. */
import { describe, expect, test } from "bun:test";
import { IdleTimer } from "../../src/session/idle-timer.ts";
import { FakeClock } from "../support/fake-clock.ts";

function setup(timeoutMs = 1000) {
  const clock = new FakeClock();
  let fired = 0;
  const timer = new IdleTimer({ timeoutMs, clock, onIdle: () => (fired += 1) });
  return { clock, timer, fired: () => fired };
}

describe("IdleTimer", () => {
  test("runs out once after the timeout of being ready", () => {
    const { clock, timer, fired } = setup();
    timer.update("ready");
    clock.advance(999);
    expect(fired()).toBe(0);
    clock.advance(1);
    expect(fired()).toBe(1);
    expect(timer.running).toBe(false);
    clock.advance(10_000);
    expect(fired()).toBe(1);
  });

  test("any other state stops it; the next ready starts it afresh from the full timeout", () => {
    const { clock, timer, fired } = setup();
    for (const state of ["busy", "waiting_permission", "starting", "restarting", "failed", "stopping", "idle"] as const) {
      timer.update("ready");
      clock.advance(900);
      timer.update(state);
      expect(timer.running).toBe(false);
      clock.advance(5000);
    }
    expect(fired()).toBe(0);
    timer.update("ready");
    clock.advance(900);
    expect(fired()).toBe(0);
    clock.advance(100);
    expect(fired()).toBe(1);
  });

  test("ready again while it runs does not restart it (a client count or pid change is not activity)", () => {
    const { clock, timer, fired } = setup();
    timer.update("ready");
    clock.advance(600);
    timer.update("ready");
    clock.advance(400);
    expect(fired()).toBe(1);
  });

  test("cancel stops it and leaves no timer behind", () => {
    const { clock, timer, fired } = setup();
    timer.update("ready");
    timer.cancel();
    expect(clock.pending).toBe(0);
    clock.advance(5000);
    expect(fired()).toBe(0);
  });

  test("a timeout that is not positive is a programming error", () => {
    expect(() => new IdleTimer({ timeoutMs: 0, onIdle: () => {} })).toThrow("timeoutMs must be > 0");
  });
});
