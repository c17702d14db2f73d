/**
 * Time as a seam, so restart and liveness logic can be driven by tests.
 *
 * @example
 * ```ts
 * const handle = systemClock.setTimeout(() => probe(), 1000);
 * systemClock.clearTimeout(handle);
 * ```
 */
export interface Clock {
  now(): number;
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

export const systemClock: Clock = {
  now: () => Date.now(),
  setTimeout: (fn, ms) => setTimeout(fn, ms),
  clearTimeout: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
};
