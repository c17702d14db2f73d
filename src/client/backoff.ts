/**
 * Reconnect delays for a client (pure; the random number is an input): exponential growth from
 * `initialDelayMs` to `maxDelayMs` with "equal jitter" (each delay is drawn from the upper
 * `1 - jitter` … 1 share of the exponential step), so many devices dropped by the same relay
 * restart do not all come back in the same millisecond. When to stop trying is the reconnect
 * policy's business (reconnect-policy.ts), with the limits set here.
 *
 * @example
 * ```ts
 * const backoff = backoffSettings({ initialDelayMs: 500, maxDelayMs: 30_000 });
 * backoffDelay(backoff, 0, Math.random()); // 250…500 ms; then 500…1000, 1000…2000 … up to 15…30 s
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
  /** Give up once the connection has been gone this long, whatever the attempt count. Default: no limit. */
  giveUpAfterMs?: number;
  /**
   * Never give up on its own (a page left open on a phone): a relay not reachable yet and a key not
   * authorized yet are retried too — a refused key every 3 s growing to 15 s, within the relay's
   * allowance of failed logins — and `maxAttempts` / `giveUpAfterMs` do not apply. Default false.
   */
  keepTrying?: boolean;
}

/** Validated options with their defaults filled in. */
export type BackoffSettings = Readonly<Required<Omit<ReconnectBackoffOptions, "keepTrying">> & { keepTrying?: true }>;

/**
 * Checks `options` and fills in the defaults; nonsense (negative, NaN) is a RangeError naming
 * the option.
 *
 * @example
 * backoffSettings({ initialDelayMs: 100 }).maxDelayMs; // 30000
 */
export function backoffSettings(options: ReconnectBackoffOptions = {}): BackoffSettings {
  const initialDelayMs = nonNegative(options.initialDelayMs ?? 500, "initialDelayMs");
  return {
    initialDelayMs,
    maxDelayMs: Math.max(initialDelayMs, nonNegative(options.maxDelayMs ?? 30_000, "maxDelayMs")),
    factor: Math.max(1, options.factor ?? 2),
    jitter: Math.min(1, Math.max(0, options.jitter ?? 0.5)),
    maxAttempts: Math.max(1, options.maxAttempts ?? 50),
    giveUpAfterMs: options.giveUpAfterMs === undefined ? Number.POSITIVE_INFINITY : nonNegative(options.giveUpAfterMs, "giveUpAfterMs"),
    ...(options.keepTrying === true && { keepTrying: true as const }),
  };
}

/**
 * The delay before retry number `retriesBefore + 1`; `random` is a number in [0, 1).
 *
 * @example
 * backoffDelay(backoffSettings({ initialDelayMs: 100, jitter: 0.5 }), 2, 0.5); // 400 × (1 − 0.25) = 300
 */
export function backoffDelay(backoff: BackoffSettings, retriesBefore: number, random: number): number {
  const step = Math.min(backoff.maxDelayMs, backoff.initialDelayMs * backoff.factor ** retriesBefore);
  return Math.round(step * (1 - backoff.jitter * random));
}

function nonNegative(value: number, name: string): number {
  if (!(value >= 0) || !Number.isFinite(value)) throw new RangeError(`${name} must be a finite number ≥ 0`);
  return value;
}
