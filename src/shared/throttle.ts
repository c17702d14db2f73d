/**
 * Coalesces requests for a piece of work into runs at most once per interval: the first request
 * runs on the next turn of the event loop (so a burst in one tick is one run), later ones wait
 * until the interval since the last run has passed, and every request in between shares that run.
 *
 * @example
 * ```ts
 * const updates = new Throttle(100, () => broadcast(list()));
 * updates.request(); // runs on the next turn
 * updates.request(); // shares that run, or the next one ≥ 100 ms after it
 * updates.flush();   // runs a pending request now (e.g. before shutting down)
 * ```
 */
import { type Clock, systemClock } from "./clock.ts";

export class Throttle {
  readonly #intervalMs: number;
  readonly #run: () => void;
  readonly #clock: Clock;
  #timer: unknown;
  #pending = false;
  #lastRun: number | undefined;

  constructor(intervalMs: number, run: () => void, clock: Clock = systemClock) {
    this.#intervalMs = intervalMs;
    this.#run = run;
    this.#clock = clock;
  }

  /** Asks for a run; does nothing more when one is already scheduled. */
  request(): void {
    if (this.#pending) return;
    this.#pending = true;
    const wait = this.#lastRun === undefined ? 0 : Math.max(0, this.#lastRun + this.#intervalMs - this.#clock.now());
    this.#timer = this.#clock.setTimeout(() => this.flush(), wait);
  }

  /** Runs now if a run was requested, and cancels its timer. */
  flush(): void {
    if (!this.#pending) return;
    this.cancel();
    this.#lastRun = this.#clock.now();
    this.#run();
  }

  /** Forgets a requested run. */
  cancel(): void {
    if (!this.#pending) return;
    this.#pending = false;
    this.#clock.clearTimeout(this.#timer);
    this.#timer = undefined;
  }
}
