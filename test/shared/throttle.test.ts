/** The throttle behind the `sessions` updates, on a fake clock: first run next turn, then at most one per interval. */
import { describe, expect, test } from "bun:test";
import { Throttle } from "../../src/shared/throttle.ts";
import { FakeClock } from "../support/fake-clock.ts";

function setup(intervalMs = 100) {
  const clock = new FakeClock();
  const runs: number[] = [];
  const throttle = new Throttle(intervalMs, () => runs.push(clock.now() - start), clock);
  const start = clock.now();
  return { clock, runs, throttle };
}

describe("Throttle", () => {
  test("a burst in one turn is one run, on the next turn", () => {
    const { clock, runs, throttle } = setup();
    throttle.request();
    throttle.request();
    throttle.request();
    expect(runs).toEqual([]);
    clock.advance(0);
    expect(runs).toEqual([0]);
  });

  test("requests within the interval share one run at its end; never more than one run per interval", () => {
    const { clock, runs, throttle } = setup();
    throttle.request();
    clock.advance(0); // run at 0
    for (let t = 0; t < 1000; t += 10) {
      throttle.request();
      clock.advance(10);
    }
    expect(runs[0]).toBe(0);
    for (let i = 1; i < runs.length; i++) expect(runs[i]! - runs[i - 1]!).toBeGreaterThanOrEqual(100);
    expect(runs.length).toBe(11); // 0, 100, 200 … 1000: 10 per second
  });

  test("a request long after the last run runs on the next turn", () => {
    const { clock, runs, throttle } = setup();
    throttle.request();
    clock.advance(0);
    clock.advance(5000);
    throttle.request();
    clock.advance(0);
    expect(runs).toEqual([0, 5000]);
  });

  test("flush runs a pending request now; cancel forgets it; with nothing pending both do nothing", () => {
    const { clock, runs, throttle } = setup();
    throttle.flush();
    expect(runs).toEqual([]);
    throttle.request();
    throttle.flush();
    expect(runs).toEqual([0]);
    expect(clock.pending).toBe(0);
    throttle.request();
    throttle.cancel();
    clock.advance(1000);
    expect(runs).toEqual([0]);
  });
});
