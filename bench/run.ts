#!/usr/bin/env bun
/**
 * `npm run bench`: runs every benchmark (each in its own process, one after another, so they do
 * not compete for the 2 cores) and prints their markdown tables; or only the named ones.
 *
 *     bun bench/run.ts                  # auth-verify, fanout, partial, fanout-sessions, connections, handshakes, one-shot, sessions-memory, changes
 *     bun bench/run.ts fanout handshakes
 */
import { join } from "node:path";

const BENCHMARKS = ["auth-verify", "fanout", "partial", "fanout-sessions", "connections", "handshakes", "one-shot", "sessions-memory", "changes"] as const;

const wanted = process.argv.slice(2);
const unknown = wanted.filter((name) => !(BENCHMARKS as readonly string[]).includes(name));
if (unknown.length > 0) {
  console.error(`unknown benchmark ${unknown.join(", ")}; expected one of ${BENCHMARKS.join(", ")}`);
  process.exit(2);
}

let failed = 0;
for (const name of wanted.length > 0 ? wanted : BENCHMARKS) {
  console.log(`\n# ${name}\n`);
  const started = performance.now();
  const proc = Bun.spawn([process.execPath, join(import.meta.dir, `${name}.ts`)], { stdout: "inherit", stderr: "inherit" });
  const code = await proc.exited;
  console.log(`\n_${name}: ${((performance.now() - started) / 1000).toFixed(1)} s${code === 0 ? "" : `, FAILED (exit ${code})`}_`);
  if (code !== 0) failed++;
}
process.exit(failed > 0 ? 1 : 0);
