#!/usr/bin/env bun
/**
 * Fan-out with several sessions: 4 sessions × 25 clients each (every session its own synthetic
 * Claude printing the same turn at the same time) against the single-session figure, 1 session ×
 * 100 clients, on the same relay process, with the same client processes layout (4 processes of 25
 * clients) and the same number of deliveries per turn (lines × 100). Burst (lines printed as fast
 * as each synthetic Claude can) and paced (1,000 lines/s per Claude); latency is print → receipt.
 * Runs are interleaved, BENCH_RUNS times (default 3); the table shows medians.
 *
 *     bun bench/fanout-sessions.ts
 *     BENCH_RUNS=5 BENCH_SESSIONS=4 BENCH_CLIENTS_PER_SESSION=25 bun bench/fanout-sessions.ts
 */
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { BURST_LINES, type FanoutTarget, measureTurn, PACED_LINES, PACED_RATE, RUNS, type Sample, startClientGroup } from "./support/fanout-run.ts";
import { type ChildProcess, createBenchEnv, fmtInt, fmtMs, hardDeadline, machineLine, markdownTable, median, startRelayProcess } from "./support/harness.ts";
import { createSessions, openControl, waitForSessions } from "./support/sessions.ts";

const SESSIONS = Number(process.env.BENCH_SESSIONS ?? 4);
const PER_SESSION = Number(process.env.BENCH_CLIENTS_PER_SESSION ?? 25);
const CLIENTS = SESSIONS * PER_SESSION;

hardDeadline(180_000, "fanout-sessions");
const bench = createBenchEnv();
const children: ChildProcess[] = [];
try {
  const limit = String(2 * CLIENTS + 50);
  const relay = await startRelayProcess(
    bench,
    ["--max-clients", limit, "--max-pending-per-address", limit, "--max-sessions", String(SESSIONS + 1), "--allow-dir", bench.dir, "--idle-timeout", "0"],
    { SYNTH_TIMESTAMP: "1" },
  );
  children.push(relay.child);
  const dirs = Array.from({ length: SESSIONS }, (_, i) => join(bench.dir, `project-${i + 1}`));
  for (const dir of dirs) mkdirSync(dir);
  const control = await openControl(relay.url, bench.keyPath);
  const sessionIds = await createSessions(control, dirs);
  const health = await waitForSessions(relay.port, (sessions) => sessions.every((session) => session.state === "ready"), 30_000, "every session ready");
  const pidOf = (sessionId: string) => health.find((session) => session.sessionId === sessionId)!.claudePid;

  const single: FanoutTarget = { serverPid: relay.child.pid, claudePids: [relay.claudePid], groups: [] };
  const several: FanoutTarget = { serverPid: relay.child.pid, claudePids: sessionIds.map(pidOf), groups: [] };
  for (let i = 0; i < SESSIONS; i++) {
    single.groups.push({
      proc: await startClientGroup(bench, children, { url: relay.url, clients: PER_SESSION, auth: true }),
      clients: PER_SESSION,
      prompts: i === 0,
    });
    several.groups.push({
      proc: await startClientGroup(bench, children, { url: relay.url, clients: PER_SESSION, auth: true, attach: sessionIds[i]! }),
      clients: PER_SESSION,
      prompts: true,
    });
  }
  const targets = { single, several };

  for (const target of Object.values(targets)) await measureTurn(target, 1000, 0); // warm-up, not counted
  const samples = new Map<string, Sample[]>();
  for (let run = 0; run < RUNS; run++) {
    for (const [mode, lines, rate] of [
      ["burst", BURST_LINES, 0],
      ["paced", PACED_LINES, PACED_RATE],
    ] as const) {
      for (const [name, target] of Object.entries(targets)) {
        const key = `${name}/${mode}`;
        samples.set(key, [...(samples.get(key) ?? []), await measureTurn(target, lines, rate)]);
      }
    }
  }
  for (const target of Object.values(targets)) for (const group of target.groups) group.proc.send({ cmd: "exit" });
  await control.close();
  printResults(samples);
} finally {
  await Promise.all(children.map((child) => child.stop()));
  bench.cleanup();
}

function printResults(samples: Map<string, Sample[]>): void {
  const med = (key: string, field: keyof Sample) => median((samples.get(key) ?? []).map((s) => s[field]));
  console.log(
    `## fanout-sessions: ${SESSIONS} sessions × ${PER_SESSION} clients vs 1 session × ${CLIENTS} clients (${SESSIONS} client processes each); ${machineLine()}\n`,
  );
  console.log(
    `burst = ${fmtInt(BURST_LINES)} lines printed at once by each prompted Claude; paced = ${fmtInt(PACED_LINES)} lines at ${fmtInt(PACED_RATE)} lines/s each. ` +
      `Deliveries per turn: lines × ${CLIENTS} either way. Median of ${RUNS} runs. CPU % = of one core, over the turn.\n`,
  );
  const rows = [];
  for (const mode of ["burst", "paced"]) {
    for (const name of ["single", "several"]) {
      const key = `${name}/${mode}`;
      rows.push([
        name === "single" ? `1 session × ${CLIENTS}` : `${SESSIONS} sessions × ${PER_SESSION}`,
        mode,
        fmtInt(med(key, "msgsPerSecond")),
        fmtMs(med(key, "p50")),
        fmtMs(med(key, "p99")),
        fmtMs(med(key, "max"), 1),
        fmtInt(med(key, "serverCpu")),
        fmtMs(med(key, "serverCpuPer1k"), 3),
        fmtInt(med(key, "claudeCpu")),
        fmtInt(med(key, "clientCpu")),
      ]);
    }
  }
  console.log(
    markdownTable(
      [
        "<sessions × clients",
        "<mode",
        "delivered msgs/s",
        "p50 ms",
        "p99 ms",
        "max ms",
        "relay CPU %",
        "relay CPU ms / 1k frames",
        "synthetic Claudes CPU %",
        "clients CPU %",
      ],
      rows,
    ),
  );
  const ratio = med("several/burst", "msgsPerSecond") / med("single/burst", "msgsPerSecond");
  const pacedRatio = med("several/paced", "msgsPerSecond") / med("single/paced", "msgsPerSecond");
  // each run's two bursts ran back to back, so their ratio is less exposed to the machine's other load than the medians' ratio
  const runRatios = Array.from(
    { length: RUNS },
    (_, run) => samples.get("several/burst")![run]!.msgsPerSecond / samples.get("single/burst")![run]!.msgsPerSecond,
  );
  console.log(
    `\n- burst throughput ${SESSIONS} sessions / 1 session: **${ratio.toFixed(2)}** (goal ≥ 0.8: ${ratio >= 0.8 ? "met" : "NOT met"}); paced: ${pacedRatio.toFixed(2)}`,
  );
  console.log(`- per-run burst ratios ${runRatios.map((r) => r.toFixed(2)).join(", ")}: median **${median(runRatios).toFixed(2)}**`);
  console.log(`\nPer run (1 session burst msgs/s | ${SESSIONS} sessions burst msgs/s | 1 session paced p99 | ${SESSIONS} sessions paced p99):`);
  for (let run = 0; run < RUNS; run++) {
    const pick = (key: string, field: keyof Sample, digits?: number) => {
      const value = samples.get(key)?.[run]?.[field] ?? NaN;
      return digits === undefined ? fmtInt(value) : fmtMs(value, digits);
    };
    console.log(
      `- run ${run + 1}: ${pick("single/burst", "msgsPerSecond")} | ${pick("several/burst", "msgsPerSecond")} | ${pick("single/paced", "p99", 2)} ms | ${pick("several/paced", "p99", 2)} ms`,
    );
  }
}
