/**
 * A token bucket: holds up to `capacity` tokens and refills continuously at `perMinute`. Pure: the
 * clock is passed in. Used for failed logins per address and for invalid frames per connection.
 *
 * @example
 * ```ts
 * const bucket = new TokenBucket(10, 30, Date.now());
 * if (!bucket.take(Date.now())) refuse();
 * ```
 */
export class TokenBucket {
  #tokens: number;
  #updatedAt: number;

  constructor(
    readonly capacity: number,
    readonly perMinute: number,
    now: number,
  ) {
    this.#tokens = capacity;
    this.#updatedAt = now;
  }

  /** Tokens available at `now`. */
  level(now: number): number {
    this.#tokens = Math.min(this.capacity, this.#tokens + (Math.max(0, now - this.#updatedAt) * this.perMinute) / 60_000);
    this.#updatedAt = now;
    return this.#tokens;
  }

  /** Spends one token if there is one; false when the bucket is empty. */
  take(now: number): boolean {
    if (this.level(now) < 1) return false;
    this.#tokens -= 1;
    return true;
  }

  /** Spends one token whether or not there is one (never below zero). */
  drain(now: number): void {
    this.#tokens = Math.max(0, this.level(now) - 1);
  }
}
