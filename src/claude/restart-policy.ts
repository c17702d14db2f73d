/**
 * Restart policy for a supervised process (pure; the clock is injected).
 *
 * Delays grow exponentially from `initialMs` up to `maxMs`; a process that ran for `stableMs`
 * before crashing starts the sequence over. More than `maxCrashes` crashes within `windowMs`
 * means a crash loop: the supervisor gives up.
 *
 * @example
 * ```ts
 * const policy = new RestartPolicy({}, () => Date.now());
 * policy.started();
 * const next = policy.crashed(); // { action: "restart", delayMs: 250 }
 * ```
 */

export interface RestartPolicyOptions {
  initialMs?: number;
  maxMs?: number;
  factor?: number;
  /** A process that ran this long before crashing resets the backoff. */
  stableMs?: number;
  windowMs?: number;
  /** Crashes tolerated within `windowMs`; one more means failed. */
  maxCrashes?: number;
}

export type RestartDecision = { action: "restart"; delayMs: number } | { action: "fail"; crashes: number };

export class RestartPolicy {
  readonly #now: () => number;
  readonly #initialMs: number;
  readonly #maxMs: number;
  readonly #factor: number;
  readonly #stableMs: number;
  readonly #windowMs: number;
  readonly #maxCrashes: number;
  #attempt = 0;
  #startedAt: number | null = null;
  #crashTimes: number[] = [];

  constructor(options: RestartPolicyOptions, now: () => number) {
    this.#now = now;
    this.#initialMs = options.initialMs ?? 250;
    this.#maxMs = options.maxMs ?? 30_000;
    this.#factor = options.factor ?? 2;
    this.#stableMs = options.stableMs ?? 60_000;
    this.#windowMs = options.windowMs ?? 60_000;
    this.#maxCrashes = options.maxCrashes ?? 5;
  }

  /** The process started (or became ready). */
  started(): void {
    this.#startedAt = this.#now();
  }

  /** The process died unexpectedly: restart after a delay, or give up. */
  crashed(): RestartDecision {
    const now = this.#now();
    if (this.#startedAt !== null && now - this.#startedAt >= this.#stableMs) this.#attempt = 0;
    this.#startedAt = null;
    this.#crashTimes = this.#crashTimes.filter((t) => now - t < this.#windowMs);
    this.#crashTimes.push(now);
    if (this.#crashTimes.length > this.#maxCrashes) return { action: "fail", crashes: this.#crashTimes.length };
    const delayMs = Math.min(this.#maxMs, this.#initialMs * this.#factor ** this.#attempt);
    this.#attempt += 1;
    return { action: "restart", delayMs };
  }
}
