#!/usr/bin/env bun
import {
  BURST_LINES,
  type FanoutTarget,
  findChildPid,
  measureTurn,
  PACED_LINES,
  PACED_RATE,
  RUNS,
  type Sample,
  startClientGroups,
} from "./support/fanout-run.ts";
/**
 * Fan-out: synthetic Claude → relay → 100 authenticated WebSocket clients in another process,
 * against the same payloads through a bare `Bun.serve` + `server.publish` to 100 clients.
 * Bursting (lines printed as fast as the synthetic Claude can) and paced (1,000 lines/s);
 * latency is from the line's print time (embedded in the line) to receipt by a client.
 * Each configuration runs BENCH_RUNS times (default 3), interleaved; the table shows medians.
 *
 * The clients are spread over BENCH_CLIENT_PROCS processes (default 2): one process cannot
 * receive much more than ~1.2M frames/s, so with one the clients, not the servers, set the pace.
 * Since clients, servers and synthetic Claudes share the machine's cores, the table also gives
 * each server's CPU time per 1,000 delivered frames — the cost the relay adds, whatever the pace.
 *
 *     bun bench/fanout.ts
 *     BENCH_RUNS=5 BENCH_CLIENTS=100 BENCH_CLIENT_PROCS=1 bun bench/fanout.ts
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

interface Target extends FanoutTarget {
  name: "relay" | "bare";
}

hardDeadline(60_000, "fanout");
const bench = createBenchEnv();
const children: ChildProcess[] = [];
try {
  const relay = await startRelayProcess(bench, ["--max-clients", String(CLIENTS + 50), "--max-pending-per-address", String(CLIENTS + 50)], {
    SYNTH_TIMESTAMP: "1",
  });
  children.push(relay.child);
  const bare = new ChildProcess("bare server", [BUN, BARE_SERVER], { ...bench.env, BENCH_BARE_FANOUT: "1", SYNTH_TIMESTAMP: "1" });
  children.push(bare);
  const barePort = (await bare.message<{ port: number }>("listening", 10_000)).port;
  const bareClaudePid = await findChildPid(bare.pid);

  const targets: Target[] = [
    {
      name: "relay",
      serverPid: relay.child.pid,
      claudePids: [relay.claudePid],
      groups: await startClientGroups(bench, children, { url: relay.url, clients: CLIENTS, procs: CLIENT_PROCS, auth: true }),
    },
    {
      name: "bare",
      serverPid: bare.pid,
      claudePids: [bareClaudePid],
      groups: await startClientGroups(bench, children, { url: `ws://127.0.0.1:${barePort}/ws`, clients: CLIENTS, procs: CLIENT_PROCS, auth: false }),
      bare,
    },
  ];

  for (const target of targets) await measureTurn(target, 1000, 0); // warm-up, not counted
  const samples = new Map<string, Sample[]>();
  for (let run = 0; run < RUNS; run++) {
    for (const [mode, lines, rate] of [
      ["burst", BURST_LINES, 0],
      ["paced", PACED_LINES, PACED_RATE],
    ] as const) {
      for (const target of targets) {
        const key = `${target.name}/${mode}`;
        samples.set(key, [...(samples.get(key) ?? []), await measureTurn(target, lines, rate)]);
      }
    }
  }
  for (const target of targets) for (const group of target.groups) group.proc.send({ cmd: "exit" });
  printResults(samples);
} finally {
  await Promise.all(children.map((child) => child.stop()));
  bench.cleanup();
}

function printResults(samples: Map<string, Sample[]>): void {
  const med = (key: string, field: keyof Sample) => median((samples.get(key) ?? []).map((s) => s[field]));
  console.log(`## fanout: ${CLIENTS} clients in ${CLIENT_PROCS} processes, ~420-byte frames; ${machineLine()}\n`);
  console.log(
    `burst = ${fmtInt(BURST_LINES)} lines printed at once; paced = ${fmtInt(PACED_LINES)} lines at ${fmtInt(PACED_RATE)} lines/s. Median of ${RUNS} runs. CPU % = of one core, over the turn.\n`,
  );
  const rows = [];
  for (const mode of ["burst", "paced"]) {
    for (const name of ["relay", "bare"]) {
      const key = `${name}/${mode}`;
      rows.push([
        name === "relay" ? "relay" : "bare Bun.serve + publish",
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
        "<server",
        "<mode",
        "delivered msgs/s",
        "p50 ms",
        "p99 ms",
        "max ms",
        "server CPU %",
        "server CPU ms / 1k frames",
        "synthetic Claude CPU %",
        "clients CPU %",
      ],
      rows,
    ),
  );
  const ratio = med("relay/burst", "msgsPerSecond") / med("bare/burst", "msgsPerSecond");
  const pacedP99 = med("relay/paced", "p99") / med("bare/paced", "p99");
  const burstRatioPaced = med("relay/paced", "msgsPerSecond") / med("bare/paced", "msgsPerSecond");
  console.log(`\n- burst throughput relay/bare: **${ratio.toFixed(2)}** (goal ≥ 0.8: ${ratio >= 0.8 ? "met" : "NOT met"})`);
  console.log(
    `- paced p99 relay/bare: **${pacedP99.toFixed(2)}×** (goal ≤ 1.5×: ${pacedP99 <= 1.5 ? "met" : "NOT met"}); paced throughput ratio ${burstRatioPaced.toFixed(2)}`,
  );
  console.log(`\nPer run (relay burst msgs/s | bare burst msgs/s | relay paced p99 | bare paced p99):`);
  for (let run = 0; run < RUNS; run++) {
    const pick = (key: string, field: keyof Sample, digits?: number) => {
      const value = samples.get(key)?.[run]?.[field] ?? NaN;
      return digits === undefined ? fmtInt(value) : fmtMs(value, digits);
    };
    console.log(
      `- run ${run + 1}: ${pick("relay/burst", "msgsPerSecond")} | ${pick("bare/burst", "msgsPerSecond")} | ${pick("relay/paced", "p99", 2)} ms | ${pick("bare/paced", "p99", 2)} ms`,
    );
  }
}
