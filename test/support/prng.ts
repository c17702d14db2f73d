/**
 * A small seeded pseudo-random generator (mulberry32) for generated tests: the same seed gives
 * the same sequence, so a failure found by a fuzz or fault run reproduces exactly. The seed comes
 * from `ROBUSTNESS_SEED` when set, else from the clock; tests print it.
 *
 * @example
 * ```ts
 * const rng = new Prng(seedFromEnv());
 * console.log(`seed ${rng.seed}`);
 * rng.int(10);            // 0 … 9
 * rng.pick(["a", "b"]);   // "a" or "b"
 * ```
 */
export class Prng {
  #state: number;

  constructor(readonly seed: number) {
    this.#state = seed >>> 0;
  }

  /** A float in [0, 1). */
  next(): number {
    this.#state = (this.#state + 0x6d2b79f5) >>> 0;
    let t = this.#state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  /** An integer in [0, n). */
  int(n: number): number {
    return Math.floor(this.next() * n);
  }

  /** An integer in [min, max]. */
  range(min: number, max: number): number {
    return min + this.int(max - min + 1);
  }

  chance(p: number): boolean {
    return this.next() < p;
  }

  pick<T>(items: readonly T[]): T {
    return items[this.int(items.length)]!;
  }

  bytes(length: number): Uint8Array<ArrayBuffer> {
    const out = new Uint8Array(length);
    for (let i = 0; i < length; i++) out[i] = this.int(256);
    return out;
  }
}

/** `ROBUSTNESS_SEED` when set (to replay a failure), else a fresh seed. */
export function seedFromEnv(env: Record<string, string | undefined> = process.env): number {
  const given = env.ROBUSTNESS_SEED;
  return given !== undefined && given !== "" ? Number(given) >>> 0 : (Date.now() ^ (Math.random() * 2 ** 32)) >>> 0;
}
