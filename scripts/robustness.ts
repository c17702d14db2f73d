#!/usr/bin/env bun
/**
 * Runs the robustness suites (test/robustness) at full size — 100,000 fuzzed frames, 20 Claude
 * kills, 500 clients × 60 s, … — and prints the figures each suite reports, for
 * docs/reliability.md. `npm test` runs the same suites reduced.
 *
 * Usage: `bun scripts/robustness.ts [suite …]` (suites: fuzz, faults, clients, load, shutdown;
 * default all). Sizes can be changed with ROBUSTNESS_* variables (see test/robustness/scale.ts),
 * a failure replayed with ROBUSTNESS_SEED. Exits with bun test's status.
 *
 * @example
 * ```sh
 * bun scripts/robustness.ts            # everything, full size (about 15 minutes)
 * bun scripts/robustness.ts fuzz load  # two suites
 * ```
 */
import { spawn } from "node:child_process";
import { join } from "node:path";

const ROOT = join(import.meta.dir, "..");
const SUITES = ["fuzz", "faults", "clients", "load", "shutdown"];

const chosen = process.argv.slice(2);
for (const name of chosen) {
  if (!SUITES.includes(name)) {
    console.error(`unknown suite ${JSON.stringify(name)}; expected some of ${SUITES.join(", ")}`);
    process.exit(2);
  }
}
const files = (chosen.length > 0 ? chosen : SUITES).map((name) => join("test", "robustness", `${name}.test.ts`));

const started = Date.now();
const child = spawn(process.execPath, ["test", "--timeout", String(30 * 60_000), ...files], {
  cwd: ROOT,
  env: { ...process.env, ROBUSTNESS_SCALE: "full" },
  stdio: ["ignore", "pipe", "pipe"],
});
const figures: string[] = [];
/** Echoes a stream and keeps its `[robustness]` lines (a line may arrive split over chunks). */
function collect(stream: NodeJS.ReadableStream, out: NodeJS.WriteStream): void {
  let partial = "";
  stream.on("data", (chunk: Buffer) => {
    out.write(chunk);
    const lines = (partial + chunk.toString()).split("\n");
    partial = lines.pop()!;
    for (const line of lines) if (line.startsWith("[robustness] ") && line.includes("{")) figures.push(line.slice("[robustness] ".length));
  });
}
collect(child.stdout, process.stdout);
collect(child.stderr, process.stderr);
const code = await new Promise<number>((resolve) => child.on("exit", (status) => resolve(status ?? 1)));

console.log(`\n── robustness figures (full size, ${Math.round((Date.now() - started) / 1000)} s, bun test exit ${code}) ──`);
for (const line of figures) console.log(line);
process.exit(code);
