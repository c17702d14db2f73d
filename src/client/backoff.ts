/**
 * Reconnect delays for a client (pure; randomness injected): exponential growth from
 * `initialDelayMs` to `maxDelayMs` with "equal jitter" (each delay is drawn from the upper
 * `1 - jitter` … 1 share of the exponential step), so many devices dropped by the same relay
 * restart do not all come back in the same millisecond. After `maxAttempts` consecutive failures
 * it gives up; a successful connection calls `reset()`.
 *
 * @example
 * ```ts
 * const backoff = new ReconnectBackoff({ initialDelayMs: 500, maxDelayMs: 30_000 });
 * const delay = backoff.next();   // 250…500 ms; then 500…1000, 1000…2000 …; undefined once exhausted
 * backoff.reset();                // after auth.ok
 * ```
 */

export interface ReconnectBackoffOptions {
  /** First delay (the upper bound of its jitter range). Default 500 ms. */
  initialDelayMs?: number;
  /** Largest delay. Default 30 s. */
  maxDelayMs?: number;
  /** Growth per attempt. Default 2. */
  factor?: number;
  /** Share of each delay that is random, 0 … 1. Default 0.5. */
  jitter?: number;
  /** Consecutive failed attempts before giving up. Default 50 (≈ 25 minutes at the 30 s cap). */
  maxAttempts?: number;
}

export class ReconnectBackoff {
  readonly initialDelayMs: number;
  readonly maxDelayMs: number;
  readonly factor: number;
  readonly jitter: number;
  readonly maxAttempts: number;
  #attempt = 0;

  constructor(options: ReconnectBackoffOptions = {}, private readonly random: () => number = Math.random) {
    this.initialDelayMs = positive(options.initialDelayMs ?? 500, "initialDelayMs");
    this.maxDelayMs = Math.max(this.initialDelayMs, positive(options.maxDelayMs ?? 30_000, "maxDelayMs"));
    this.factor = Math.max(1, options.factor ?? 2);
    this.jitter = Math.min(1, Math.max(0, options.jitter ?? 0.5));
    this.maxAttempts = Math.max(1, options.maxAttempts ?? 50);
  }

  /** Attempts made since the last reset. */
  get attempt(): number {
    return this.#attempt;
  }

  /** The delay before the next attempt, or `undefined` when `maxAttempts` are used up. */
  next(): number | undefined {
    if (this.#attempt >= this.maxAttempts) return undefined;
    const step = Math.min(this.maxDelayMs, this.initialDelayMs * this.factor ** this.#attempt);
    this.#attempt += 1;
    return Math.round(step * (1 - this.jitter * this.random()));
  }

  reset(): void {
    this.#attempt = 0;
  }
}

function positive(value: number, name: string): number {
  if (!(value >= 0) || !Number.isFinite(value)) throw new RangeError(`${name} must be a finite number ≥ 0`);
  return value;
}
