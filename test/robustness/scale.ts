/**
 * The robustness suites' size knob. `npm test` runs them reduced (bounded in time for CI);
 * `ROBUSTNESS_SCALE=full` (what `bun scripts/robustness.ts` sets) runs the full sizes of issue 6.
 * Any single size can be overridden with `ROBUSTNESS_<NAME>` (e.g. `ROBUSTNESS_FUZZ_FRAMES=20000`).
 * Each suite reports its figures as one `[robustness] <suite> {json}` line, which the script collects.
 *
 * @example
 * ```ts
 * const frames = size("FUZZ_FRAMES", 5_000, 100_000);
 * reportFigures("fuzz", { frames, seed });
 * ```
 */
export const FULL = process.env.ROBUSTNESS_SCALE === "full";

/** The reduced or full value of one size, unless `ROBUSTNESS_<name>` overrides it. */
export function size(name: string, reduced: number, full: number): number {
  const override = process.env[`ROBUSTNESS_${name}`];
  if (override !== undefined && override !== "") return Number(override);
  return FULL ? full : reduced;
}

/** Prints one suite's figures for scripts/robustness.ts (and for anyone reading the test log). */
export function reportFigures(suite: string, figures: Record<string, unknown>): void {
  console.log(`[robustness] ${suite} ${JSON.stringify({ scale: FULL ? "full" : "reduced", ...figures })}`);
}

/** Per-test timeout: a base plus a per-unit cost, so full runs get the time they need. */
export function budgetMs(baseMs: number, units: number, perUnitMs: number): number {
  return Math.ceil(baseMs + units * perUnitMs);
}
