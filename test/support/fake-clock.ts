/**
 * A Clock (src/shared/clock.ts) whose time moves only when the test says so: timers fire, in
 * order of their due time, during advance().
 *
 * @example
 * ```ts
 * const clock = new FakeClock();
 * clock.setTimeout(() => fired.push("a"), 100);
 * clock.advance(99);  // nothing yet
 * clock.advance(1);   // "a"
 * ```
 */
import type { Clock } from "../../src/shared/clock.ts";

interface Timer {
  due: number;
  order: number;
  fn: () => void;
}

export class FakeClock implements Clock {
  #now: number;
  #order = 0;
  readonly #timers = new Set<Timer>();

  constructor(start = Date.UTC(2026, 0, 1)) {
    this.#now = start;
  }

  now(): number {
    return this.#now;
  }

  setTimeout(fn: () => void, ms: number): unknown {
    const timer = { due: this.#now + Math.max(0, ms), order: this.#order++, fn };
    this.#timers.add(timer);
    return timer;
  }

  clearTimeout(handle: unknown): void {
    this.#timers.delete(handle as Timer);
  }

  /** Timers waiting to fire. */
  get pending(): number {
    return this.#timers.size;
  }

  /** Moves time forward by `ms`, firing every timer that falls due on the way (also ones they set). */
  advance(ms: number): void {
    const end = this.#now + ms;
    for (;;) {
      const next = [...this.#timers].filter((timer) => timer.due <= end).sort((a, b) => a.due - b.due || a.order - b.order)[0];
      if (!next) break;
      this.#timers.delete(next);
      this.#now = next.due;
      next.fn();
    }
    this.#now = end;
  }
}
