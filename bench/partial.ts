#!/usr/bin/env bun
import { type FanoutTarget, findChildPid, measureTurn, PACED_LINES, PACED_RATE, RUNS, type Sample, startClientGroups } from "./support/fanout-run.ts";
/**
 * The live view's cost: a synthetic Claude started with `--include-partial-messages` prints
 * `stream_event` text deltas (timestamped), the relay sends each as a `claude.partial` frame to 100
 * clients that logged in with `"partial":true`; latency is from the line's print time to receipt.
 * The floor is a bare `Bun.serve` publishing the same lines in the same envelope to 100 sockets.
 * The relay's claude.event fan-out of lines of the same size to the same clients is measured in the
 * same runs: the partial path's CPU per 1,000 delivered frames must not exceed it.
 *
 * Paced at 1,000 lines/s (a fast model streams well under that), 2,000 lines a turn; each
 * configuration BENCH_RUNS times (default 3), interleaved; the table shows medians. The clients are
 * spread over BENCH_CLIENT_PROCS processes (default 2).
 *
 *     bun bench/partial.ts
 *     BENCH_RUNS=5 bun bench/partial.ts
 */
import {
  BARE_SERVER,
  BUN,
  ChildProcess,
  createBenchEnv,
  fmtInt,
  fmtMs,
  hardDeadline,
  machineLine,
  markdownTable,
  median,
  startRelayProcess,
} from "./support/harness.ts";

const CLIENTS = Number(process.env.BENCH_CLIENTS ?? 100);
const CLIENT_PROCS = Number(process.env.BENCH_CLIENT_PROCS ?? 2);

type Config = "relay/partial" | "relay/event" | "bare/partial";

hardDeadline(180_000, "partial");
const bench = createBenchEnv();
const children: ChildProcess[] = [];
try {
  const env = { SYNTH_TIMESTAMP: "1", SYNTH_PARTIAL: "1" };
  const relay = await startRelayProcess(bench, ["--max-clients", String(CLIENTS + 50), "--max-pending-per-address", String(CLIENTS + 50)], env);
  children.push(relay.child);
  const bare = new ChildProcess("bare server", [BUN, BARE_SERVER], { ...bench.env, ...env, BENCH_BARE_FANOUT: "1", BENCH_BARE_PARTIAL: "1" });
  children.push(bare);
  const barePort = (await bare.message<{ port: number }>("listening", 10_000)).port;
  const bareClaudePid = await findChildPid(bare.pid);

  const relayTarget: FanoutTarget = {
    serverPid: relay.child.pid,
    claudePids: [relay.claudePid],
    groups: await startClientGroups(bench, children, { url: relay.url, clients: CLIENTS, procs: CLIENT_PROCS, auth: true, partial: true }),
  };
  const bareTarget: FanoutTarget = {
    serverPid: bare.pid,
    claudePids: [bareClaudePid],
    groups: await startClientGroups(bench, children, { url: `ws://127.0.0.1:${barePort}/ws`, clients: CLIENTS, procs: CLIENT_PROCS, auth: false }),
    bare,
  };
  const measure = (config: Config) => measureTurn(config === "bare/partial" ? bareTarget : relayTarget, PACED_LINES, PACED_RATE, config !== "relay/event");

  for (const config of ["relay/partial", "relay/event", "bare/partial"] as const) await measure(config); // warm-up, not counted
  const samples = new Map<Config, Sample[]>();
  for (let run = 0; run < RUNS; run++) {
    for (const config of ["relay/partial", "relay/event", "bare/partial"] as const)
      samples.set(config, [...(samples.get(config) ?? []), await measure(config)]);
  }
  for (const target of [relayTarget, bareTarget]) for (const group of target.groups) group.proc.send({ cmd: "exit" });
  printResults(samples);
} finally {
  await Promise.all(children.map((child) => child.stop()));
  bench.cleanup();
}

function printResults(samples: Map<Config, Sample[]>): void {
  const med = (key: Config, field: keyof Sample) => median((samples.get(key) ?? []).map((s) => s[field]));
  console.log(`## partial: ${CLIENTS} clients in ${CLIENT_PROCS} processes, ~420-byte frames; ${machineLine()}\n`);
  console.log(`${fmtInt(PACED_LINES)} lines a turn at ${fmtInt(PACED_RATE)} lines/s. Median of ${RUNS} runs. CPU % = of one core, over the turn.\n`);
  const names: Record<Config, string> = {
    "relay/partial": "relay: stream_event → claude.partial",
    "relay/event": "relay: assistant → claude.event (today's fan-out)",
    "bare/partial": "bare Bun.serve + publish (floor)",
  };
  const rows = (["relay/partial", "relay/event", "bare/partial"] as const).map((key) => [
    names[key],
    fmtInt(med(key, "msgsPerSecond")),
    fmtMs(med(key, "p50")),
    fmtMs(med(key, "p99")),
    fmtMs(med(key, "max"), 1),
    fmtInt(med(key, "serverCpu")),
    fmtMs(med(key, "serverCpuPer1k"), 3),
  ]);
  console.log(markdownTable(["<server", "delivered msgs/s", "p50 ms", "p99 ms", "max ms", "server CPU %", "server CPU ms / 1k frames"], rows));
  const p99 = med("relay/partial", "p99") / med("bare/partial", "p99");
  const cpu = med("relay/partial", "serverCpuPer1k") / med("relay/event", "serverCpuPer1k");
  console.log(`\n- partial p99 relay/floor: **${p99.toFixed(2)}×** (goal ≤ 1.2×: ${p99 <= 1.2 ? "met" : "NOT met"})`);
  console.log(`- CPU per 1k frames, claude.partial/claude.event: **${cpu.toFixed(2)}** (goal ≤ 1: ${cpu <= 1 ? "met" : "NOT met"})`);
  console.log(`\nPer run (relay partial p99 | bare p99 | relay partial CPU ms/1k | relay event CPU ms/1k):`);
  for (let run = 0; run < RUNS; run++) {
    const pick = (key: Config, field: keyof Sample, digits: number) => fmtMs(samples.get(key)?.[run]?.[field] ?? NaN, digits);
    console.log(
      `- run ${run + 1}: ${pick("relay/partial", "p99", 2)} ms | ${pick("bare/partial", "p99", 2)} ms | ${pick("relay/partial", "serverCpuPer1k", 3)} | ${pick("relay/event", "serverCpuPer1k", 3)}`,
    );
  }
}
