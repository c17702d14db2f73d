#!/usr/bin/env bun
/**
 * Reviewing changes: a generated repository of 10,000 committed files (one of them 1 MB), 100 of
 * them changed (90 modified, the 1 MB one among them, and 10 new untracked files), reviewed in a
 * session of a real relay process (synthetic Claude) by a library client over WebSocket:
 *
 * - `changes.get`: latency (request → reply at the client) p50/p99 over BENCH_CHANGES_REQUESTS
 *   requests one after another (default 50); goal p50 ≤ 200 ms.
 * - `changes.diff` of the 1 MB file: cut (truncated) at 512 KiB, and its latency.
 * - Fan-out while reviewing: 25 clients of the default session receive a paced turn (1,000
 *   lines/s, 2,000 lines) alone; while another client keeps two `changes.get` in flight through
 *   the relay the whole turn; and while a separate process (bench/support/review-load.ts) does the
 *   same review work (`listChanges`, two at a time) without the relay. Print → receipt latency as
 *   bench/fanout.ts measures it, and the relay's own event-loop delay (bench/support/loop-delay.ts,
 *   preloaded into the relay). The separate process tells what the machine's load alone costs the
 *   fan-out; what "via the relay" costs beyond it is the relay's event loop doing review work.
 *   BENCH_CHANGES_LOAD_PREFIX runs the separate process (and so its git) under a command, e.g.
 *   `nice -n 19` or `chrt -i 0`: does lower CPU priority for the review work help the fan-out?
 *   Interleaved, BENCH_RUNS times (default 3); medians. BENCH_CHANGES_RAW=1 prints every sample.
 *
 *     bun bench/changes.ts
 *     BENCH_RUNS=5 BENCH_CHANGES_REQUESTS=100 bun bench/changes.ts
 *     BENCH_CHANGES_LOAD_PREFIX="chrt -i 0" bun bench/changes.ts
 */
import { spawnSync } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { RelayClient } from "../src/client/client.ts";
import { type FanoutTarget, measureTurn, PACED_LINES, PACED_RATE, RUNS, type Sample, startClientGroup } from "./support/fanout-run.ts";
import {
  BUN,
  ChildProcess,
  createBenchEnv,
  fmtInt,
  fmtMs,
  hardDeadline,
  LOOP_DELAY_PRELOAD,
  machineLine,
  markdownTable,
  median,
  percentile,
  REVIEW_LOAD,
  startRelayProcess,
} from "./support/harness.ts";
import { createSessions, openControl } from "./support/sessions.ts";

const FILES = 10_000;
const MODIFIED = 90;
const UNTRACKED = 10;
const REQUESTS = Number(process.env.BENCH_CHANGES_REQUESTS ?? 50);
/** A command the separate review process runs under, e.g. `nice -n 19`. */
const LOAD_PREFIX = (process.env.BENCH_CHANGES_LOAD_PREFIX ?? "").split(" ").filter(Boolean);
const FANOUT_CLIENTS = 25;
/** `changes.get` runs kept going at once while the fan-out is measured. */
const IN_FLIGHT = 2;

/** What runs beside the fan-out: nothing, reviews through the relay, or the same work in a process of its own. */
type Condition = "alone" | "relay" | "separate";
const CONDITIONS: readonly Condition[] = ["alone", "relay", "separate"];

interface LoopDelay {
  p50: number;
  p99: number;
  max: number;
}

/** One turn's fan-out, the relay's event-loop delay during it, and the reviews answered per second beside it. */
interface Measured {
  sample: Sample;
  loop: LoopDelay;
  reviewsPerSecond: number;
}

hardDeadline(300_000, "changes");
const bench = createBenchEnv();
const children: ChildProcess[] = [];
try {
  const repo = join(bench.dir, "repo");
  const generated = generateRepository(repo);
  const relay = await startRelayProcess(
    bench,
    ["--allow-dir", bench.dir, "--idle-timeout", "0", "--max-clients", "100", "--max-pending-per-address", "100"],
    {
      SYNTH_TIMESTAMP: "1",
    },
    { bunFlags: ["--preload", LOOP_DELAY_PRELOAD] },
  );
  children.push(relay.child);
  const control = await openControl(relay.url, bench.keyPath);
  const [sessionId] = await createSessions(control, [repo]);

  const first = await control.changes(sessionId);
  if (first.files.length !== MODIFIED + UNTRACKED) throw new Error(`expected ${MODIFIED + UNTRACKED} changed files, got ${first.files.length}`);
  const latencies: number[] = [];
  for (let i = 0; i < REQUESTS; i++) {
    const started = performance.now();
    await control.changes(sessionId);
    latencies.push(performance.now() - started);
  }
  latencies.sort((a, b) => a - b);

  const diffStarted = performance.now();
  const diff = await control.diff("big.txt", { sessionId: sessionId! });
  const diffMs = performance.now() - diffStarted;

  const group = await startClientGroup(bench, children, { url: relay.url, clients: FANOUT_CLIENTS, auth: true });
  const target: FanoutTarget = { serverPid: relay.child.pid, claudePids: [relay.claudePid], groups: [{ proc: group, clients: FANOUT_CLIENTS, prompts: true }] };
  const separate = new ChildProcess("review load", [...LOAD_PREFIX, BUN, REVIEW_LOAD], {
    ...bench.env,
    BENCH_REVIEW_LOAD: JSON.stringify({ cwd: repo, inFlight: IN_FLIGHT }),
  });
  children.push(separate);
  await separate.message("loaded", 10_000);
  await measureTurn(target, 1000, 0); // warm-up, not counted
  const loads: Record<Condition, () => { stop(): Promise<number> }> = {
    alone: () => ({ stop: async () => 0 }),
    relay: () => keepReviewing(control, sessionId!, IN_FLIGHT),
    separate: () => {
      separate.send({ cmd: "start" });
      return { stop: async () => (separate.send({ cmd: "stop" }), (await separate.message<{ answered: number }>("reviews", 30_000)).answered) };
    },
  };
  const measured: Record<Condition, Measured[]> = { alone: [], relay: [], separate: [] };
  for (let run = 0; run < RUNS; run++) {
    for (const condition of CONDITIONS) measured[condition].push(await measureUnder(relay.child, target, loads[condition]));
  }
  group.send({ cmd: "exit" });
  separate.send({ cmd: "exit" });
  await control.close();
  printResults({ generated, latencies, diff: { ms: diffMs, bytes: Buffer.byteLength(diff.patch), truncated: diff.truncated }, measured });
} finally {
  await Promise.all(children.map((child) => child.stop()));
  bench.cleanup();
}

/** The repository: FILES small files in 100 directories plus big.txt (1 MB), committed; then MODIFIED changed and UNTRACKED added. */
function generateRepository(dir: string): { bigBytes: number; generateMs: number } {
  const started = performance.now();
  const git = (...args: string[]) => {
    const result = spawnSync("git", args, { cwd: dir, encoding: "utf8", env: { ...process.env, GIT_CONFIG_GLOBAL: "/dev/null", GIT_CONFIG_NOSYSTEM: "1" } });
    if (result.status !== 0) throw new Error(`git ${args.join(" ")}: ${result.stderr}`);
  };
  mkdirSync(dir);
  git("init", "-q", "-b", "main");
  const path = (i: number) => join(dir, `pkg-${String(i % 100).padStart(2, "0")}`, `file-${i}.ts`);
  for (let d = 0; d < 100; d++) mkdirSync(join(dir, `pkg-${String(d).padStart(2, "0")}`));
  for (let i = 0; i < FILES - 1; i++) writeFileSync(path(i), `export const value${i} = ${i};\n// line two\n// line three\n`);
  const big = `${"0123456789".repeat(99)}\n`.repeat(1010);
  writeFileSync(join(dir, "big.txt"), big);
  git("add", "-A");
  git("-c", "user.name=bench", "-c", "user.email=bench@example.com", "commit", "-q", "-m", "generated");
  writeFileSync(join(dir, "big.txt"), big.replaceAll("0123", "abcd"));
  for (let i = 0; i < MODIFIED - 1; i++) writeFileSync(path(i * 101), `export const value${i * 101} = ${i + 1};\n// line two\n// line three\n// new\n`);
  for (let i = 0; i < UNTRACKED; i++) writeFileSync(join(dir, `new-${i}.ts`), `export const fresh${i} = true;\n`);
  return { bigBytes: Buffer.byteLength(big), generateMs: performance.now() - started };
}

/** One paced turn with `load` running beside it, the relay's event-loop delay watched the while (bench/support/loop-delay.ts). */
async function measureUnder(relay: ChildProcess, target: FanoutTarget, load: () => { stop(): Promise<number> }): Promise<Measured> {
  const running = load();
  const started = performance.now();
  relay.kill("SIGUSR2"); // starts the loop-delay histogram over
  await relay.message("loopDelay", 5000);
  const sample = await measureTurn(target, PACED_LINES, PACED_RATE);
  relay.kill("SIGUSR2");
  const loop = await relay.message<LoopDelay>("loopDelay", 5000);
  const answered = await running.stop();
  return { sample, loop, reviewsPerSecond: answered / ((performance.now() - started) / 1000) };
}

/** Keeps `inFlight` changes.get requests going until stopped; resolves with how many were answered. */
function keepReviewing(client: RelayClient, sessionId: string, inFlight: number): { stop(): Promise<number> } {
  let running = true;
  let answered = 0;
  const loops = Array.from({ length: inFlight }, async () => {
    while (running) {
      await client.changes(sessionId);
      answered++;
    }
  });
  return {
    async stop() {
      running = false;
      await Promise.all(loops);
      return answered;
    },
  };
}

function printResults(result: {
  generated: { bigBytes: number; generateMs: number };
  latencies: number[];
  diff: { ms: number; bytes: number; truncated: boolean };
  measured: Record<Condition, Measured[]>;
}): void {
  const { latencies, diff, measured } = result;
  const p50 = percentile(latencies, 50);
  console.log(
    `## changes: ${fmtInt(FILES)} files, ${MODIFIED + UNTRACKED} changed (${MODIFIED} modified incl. a ${fmtInt(result.generated.bigBytes)}-byte file, ${UNTRACKED} untracked); ${machineLine()}\n`,
  );
  console.log(
    markdownTable(
      ["<request", "p50 ms", "p99 ms", "max ms", "<note"],
      [
        [
          `changes.get × ${REQUESTS}`,
          fmtMs(p50, 1),
          fmtMs(percentile(latencies, 99), 1),
          fmtMs(latencies.at(-1)!, 1),
          `${MODIFIED + UNTRACKED} files listed; goal p50 ≤ 200 ms: ${p50 <= 200 ? "met" : "NOT met"}`,
        ],
        ["changes.diff big.txt", fmtMs(diff.ms, 1), "", "", `${fmtInt(diff.bytes)} bytes of patch, truncated: ${diff.truncated}`],
      ],
    ),
  );
  console.log(
    `\nFan-out to ${FANOUT_CLIENTS} clients of the default session, paced turn (${fmtInt(PACED_LINES)} lines at ${fmtInt(PACED_RATE)} lines/s): alone; while ${IN_FLIGHT} changes.get stay in flight through the relay; while a separate process runs the same listChanges ${IN_FLIGHT} at a time (bench/support/review-load.ts). Relay event-loop delay by monitorEventLoopDelay (1 ms timer). Median of ${RUNS} runs.\n`,
  );
  const label: Record<Condition, string> = {
    alone: "nothing else",
    relay: `changes.get × ${IN_FLIGHT} via the relay`,
    separate: `same work × ${IN_FLIGHT} in a separate process${LOAD_PREFIX.length > 0 ? ` (under \`${LOAD_PREFIX.join(" ")}\`)` : ""}`,
  };
  console.log(
    markdownTable(
      ["<while", "reviews/s", "fan-out p50 ms", "p99 ms", "max ms", "relay CPU %", "loop delay p50 ms", "p99 ms", "max ms"],
      CONDITIONS.map((condition) => {
        const med = (pick: (m: Measured) => number) => median(measured[condition].map(pick));
        return [
          label[condition],
          fmtMs(
            med((m) => m.reviewsPerSecond),
            1,
          ),
          fmtMs(med((m) => m.sample.p50)),
          fmtMs(med((m) => m.sample.p99)),
          fmtMs(
            med((m) => m.sample.max),
            1,
          ),
          fmtInt(med((m) => m.sample.serverCpu)),
          fmtMs(med((m) => m.loop.p50)),
          fmtMs(med((m) => m.loop.p99)),
          fmtMs(
            med((m) => m.loop.max),
            1,
          ),
        ];
      }),
    ),
  );
  if (process.env.BENCH_CHANGES_RAW) console.log(`\n${JSON.stringify(measured)}`);
}
