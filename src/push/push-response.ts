/**
 * What the relay does after a push service answered (RFC 8030 §5, RFC 8292 §4): 2xx delivered;
 * 404 or 410 the subscription is gone (forget it); 429 and 5xx try again later, after the
 * `Retry-After` it names (seconds or an HTTP date) or the backoff; anything else (400 bad
 * request, 401/403 VAPID refused, 413 too large) will not get better by repeating it. Pure.
 *
 * @example
 * ```ts
 * pushOutcome(201, null, Date.now());       // { kind: "delivered" }
 * pushOutcome(429, "7", Date.now());        // { kind: "retry", afterMs: 7000 }
 * pushOutcome(410, null, Date.now());       // { kind: "gone" }
 * retryDelayMs(3);                          // 4000: 1 s, 2 s, 4 s … capped at a minute
 * ```
 */

export type PushOutcome = { kind: "delivered" } | { kind: "gone" } | { kind: "retry"; afterMs: number | undefined } | { kind: "failed" };

/** The longest Retry-After honoured; a service asking for more is retried after this. */
export const MAX_RETRY_AFTER_MS = 10 * 60_000;

/** What to do after answer `status` (with its Retry-After header, if any), at `now` (ms since the epoch). */
export function pushOutcome(status: number, retryAfter: string | null, now: number): PushOutcome {
  if (status >= 200 && status < 300) return { kind: "delivered" };
  if (status === 404 || status === 410) return { kind: "gone" };
  if (status === 429 || status >= 500) return { kind: "retry", afterMs: retryAfterMs(retryAfter, now) };
  return { kind: "failed" };
}

/**
 * A Retry-After header in ms from `now` (delay-seconds or an HTTP date; capped at
 * {@link MAX_RETRY_AFTER_MS}), or undefined when absent or unreadable.
 */
export function retryAfterMs(header: string | null, now: number): number | undefined {
  if (header === null) return undefined;
  const value = header.trim();
  const ms = /^\d+$/.test(value) ? Number(value) * 1000 : Date.parse(value) - now;
  if (Number.isNaN(ms)) return undefined;
  return Math.min(Math.max(ms, 0), MAX_RETRY_AFTER_MS);
}

/** The wait before attempt `attempt + 1` when the service named none: 1 s, 2 s, 4 s … at most a minute. */
export function retryDelayMs(attempt: number): number {
  return Math.min(1000 * 2 ** (attempt - 1), 60_000);
}
