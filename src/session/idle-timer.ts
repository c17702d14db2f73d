/**
 * The countdown of `--idle-timeout` for one session: it runs while the session is `ready` (Claude
 * runs, no turn, no permission pending) and starts afresh each time the session becomes `ready`
 * again; any other state (a turn, a permission request, Claude starting or restarting, idle
 * already) stops it. When it runs out, `onIdle` is called once; the caller suspends the session.
 * A client attaching or leaving does not change the session's state, so it neither resets nor
 * stops the countdown.
 *
 * @example
 * ```ts
 * const idle = new IdleTimer({ timeoutMs: 30 * 60_000, onIdle: () => void session.suspend() });
 * idle.update("ready"); // the countdown starts
 * idle.update("busy");  // a turn: stopped
 * idle.update("ready"); // the turn ended: starts again from the full timeout
 * idle.cancel();        // the session is stopped or the relay stops
 * ```
 */

import type { SessionStateName } from "../protocol/messages.ts";
import { type Clock, systemClock } from "../shared/clock.ts";

export interface IdleTimerOptions {
  /** How long a session may stay `ready` before `onIdle`; must be > 0. */
  timeoutMs: number;
  onIdle: () => void;
  clock?: Clock;
}

export class IdleTimer {
  readonly #timeoutMs: number;
  readonly #onIdle: () => void;
  readonly #clock: Clock;
  #timer: unknown;
  #running = false;

  constructor(options: IdleTimerOptions) {
    if (!(options.timeoutMs > 0)) throw new Error(`IdleTimer: timeoutMs must be > 0, got ${options.timeoutMs}`);
    this.#timeoutMs = options.timeoutMs;
    this.#onIdle = options.onIdle;
    this.#clock = options.clock ?? systemClock;
  }

  /** Whether the countdown runs now. */
  get running(): boolean {
    return this.#running;
  }

  /** The session's state changed to `state` (called on changes of the state's name only). */
  update(state: SessionStateName): void {
    if (state !== "ready") return this.cancel();
    if (this.#running) return;
    this.#running = true;
    this.#timer = this.#clock.setTimeout(() => {
      this.#running = false;
      this.#timer = undefined;
      this.#onIdle();
    }, this.#timeoutMs);
  }

  /** Stops the countdown (it starts again at the next `ready`). */
  cancel(): void {
    if (!this.#running) return;
    this.#running = false;
    this.#clock.clearTimeout(this.#timer);
    this.#timer = undefined;
  }
}
