/**
 * Per-address limiter for failed auth attempts: a token bucket per address (burst `burst`, refilled
 * at `refillPerMinute`), with a cap on tracked addresses so a flood from many sources cannot grow
 * memory without bound. IPv6 peers are grouped by /64, since anyone with one address has the /64.
 * Pure: the clock is passed in.
 *
 * @example
 * ```ts
 * const limiter = new FailedAuthLimiter({ burst: 5, refillPerMinute: 10 });
 * if (limiter.isLimited(remote, Date.now())) return reject("rate_limited");
 * if (!result.ok) limiter.recordFailure(remote, Date.now());
 * ```
 */
import { TokenBucket } from "../shared/token-bucket.ts";
import { ipToBytes, normalizePeerAddress } from "./key-options.ts";

export interface FailedAuthLimiterOptions {
  /** Failures allowed in a burst before the address is limited. Default 10. */
  burst?: number;
  /** Failures forgiven per minute. Default 30. */
  refillPerMinute?: number;
  /** Most addresses tracked at once; the least recently failing are forgotten first. Default 10000. */
  maxAddresses?: number;
}

/** Token-bucket limiter of failed attempts per address. */
export class FailedAuthLimiter {
  readonly #burst: number;
  readonly #refillPerMinute: number;
  readonly #maxAddresses: number;
  readonly #buckets = new Map<string, TokenBucket>();

  constructor(options: FailedAuthLimiterOptions = {}) {
    this.#burst = options.burst ?? 10;
    this.#refillPerMinute = options.refillPerMinute ?? 30;
    this.#maxAddresses = options.maxAddresses ?? 10_000;
  }

  /** True when `address` has used up its failures and must wait. */
  isLimited(address: string, now: number): boolean {
    if (this.#buckets.size === 0) return false; // the usual case: no failures anywhere, nothing to look up
    return this.#tokens(addressKey(address), now) < 1;
  }

  /** Milliseconds until `address` may try again (0 when it may now). */
  retryAfterMs(address: string, now: number): number {
    const tokens = this.#tokens(addressKey(address), now);
    return tokens >= 1 ? 0 : Math.ceil(((1 - tokens) * 60_000) / this.#refillPerMinute);
  }

  /** Counts one failed attempt from `address`. */
  recordFailure(address: string, now: number): void {
    const key = addressKey(address);
    const bucket = this.#buckets.get(key) ?? new TokenBucket(this.#burst, this.#refillPerMinute, now);
    bucket.drain(now);
    this.#buckets.delete(key); // re-insert to keep Map order = least recently failing first
    this.#buckets.set(key, bucket);
    while (this.#buckets.size > this.#maxAddresses) this.#buckets.delete(this.#buckets.keys().next().value!);
  }

  /** Addresses currently tracked (for tests and /healthz-style introspection). */
  get trackedAddresses(): number {
    return this.#buckets.size;
  }

  #tokens(key: string, now: number): number {
    const bucket = this.#buckets.get(key);
    if (!bucket) return this.#burst;
    const tokens = bucket.level(now);
    if (tokens >= this.#burst) this.#buckets.delete(key); // a full bucket is forgotten
    return tokens;
  }
}

/** The bucket key: the normalised IPv4 address (or any non-IP text), or the /64 prefix of an IPv6 address. */
function addressKey(address: string): string {
  const normalized = normalizePeerAddress(address);
  const bytes = ipToBytes(normalized);
  if (!bytes || bytes.length === 4) return normalized;
  return `${Buffer.from(bytes.subarray(0, 8)).toString("hex")}/64`;
}
