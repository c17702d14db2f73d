#!/usr/bin/env bun
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
  BUN, CLIENT_DRIVER, BARE_SERVER, ChildProcess, createBenchEnv, fmtInt, fmtMs, hardDeadline, machineLine,
  markdownTable, median, procStats, sleep, startRelayProcess,
} from "./support/harness.ts";

const CLIENTS = Number(process.env.BENCH_CLIENTS ?? 100);
const CLIENT_PROCS = Number(process.env.BENCH_CLIENT_PROCS ?? 2);
const RUNS = Number(process.env.BENCH_RUNS ?? 3);
const BURST_LINES = Number(process.env.BENCH_BURST_LINES ?? 10_000);
const PACED_RATE = 1000;
const PACED_LINES = Number(process.env.BENCH_PACED_LINES ?? 2000);

interface FanoutReport {
  received: number;
  lastReceipt: number;
  minSentAt: number;
  /** Latency in 10 µs buckets → count. */
  histogram: Record<string, number>;
  cpuMs: number;
}

interface Sample {
  msgsPerSecond: number;
  p50: number;
  p99: number;
  max: number;
  /** Server process CPU (relay or bare server) during the turn, as % of one core over the turn. */
  serverCpu: number;
  /** Server process CPU ms per 1,000 delivered frames. */
  serverCpuPer1k: number;
  claudeCpu: number;
  clientCpu: number;
}

interface Target {
  name: "relay" | "bare";
  serverPid: number;
  claudePid: number;
  clients: ChildProcess[];
  /** The bare server, which takes the prompt itself; the relay gets it from a client. */
  bare?: ChildProcess;
}

hardDeadline(60_000, "fanout");
const bench = createBenchEnv();
const children: ChildProcess[] = [];
try {
  const relay = await startRelayProcess(bench, ["--max-clients", String(CLIENTS + 50), "--max-pending-per-address", String(CLIENTS + 50)], { SYNTH_TIMESTAMP: "1" });
  children.push(relay.child);
  const bare = new ChildProcess("bare server", [BUN, BARE_SERVER], { ...bench.env, BENCH_BARE_FANOUT: "1", SYNTH_TIMESTAMP: "1" });
  children.push(bare);
  const barePort = (await bare.message<{ port: number }>("listening", 10_000)).port;
  const bareClaudePid = await findChildPid(bare.pid);

  const targets: Target[] = [
    { name: "relay", serverPid: relay.child.pid, claudePid: relay.claudePid, clients: await startClients(relay.url, true) },
    { name: "bare", serverPid: bare.pid, claudePid: bareClaudePid, clients: await startClients(`ws://127.0.0.1:${barePort}/ws`, false), bare },
  ];

  for (const target of targets) await turn(target, 1000, 0); // warm-up, not counted
  const samples = new Map<string, Sample[]>();
  for (let run = 0; run < RUNS; run++) {
    for (const [mode, lines, rate] of [["burst", BURST_LINES, 0], ["paced", PACED_LINES, PACED_RATE]] as const) {
      for (const target of targets) {
        const key = `${target.name}/${mode}`;
        samples.set(key, [...(samples.get(key) ?? []), await turn(target, lines, rate)]);
      }
    }
  }
  for (const target of targets) for (const clients of target.clients) clients.send({ cmd: "exit" });
  printResults(samples);
} finally {
  await Promise.all(children.map((child) => child.stop()));
  bench.cleanup();
}

/** CLIENTS sockets over CLIENT_PROCS processes, all connected (and authenticated to the relay). */
async function startClients(url: string, auth: boolean): Promise<ChildProcess[]> {
  const procs = Array.from({ length: CLIENT_PROCS }, (_, i) => {
    const clients = new ChildProcess(`clients ${i} of ${url}`, [BUN, CLIENT_DRIVER], {
      ...bench.env,
      BENCH_CLIENTS: JSON.stringify({ url, clients: clientsOf(i), auth, keyPath: bench.keyPath, signer: "native" }),
    });
    children.push(clients);
    return clients;
  });
  for (const [i, clients] of procs.entries()) {
    await clients.message("loaded", 10_000);
    clients.send({ cmd: "connect" });
    const connected = await clients.message<{ authenticated: number }>("connected", 20_000);
    if (connected.authenticated !== clientsOf(i)) throw new Error(`only ${connected.authenticated} of ${clientsOf(i)} clients connected to ${url}`);
  }
  return procs;
}

function clientsOf(proc: number): number {
  return Math.floor(CLIENTS / CLIENT_PROCS) + (proc < CLIENTS % CLIENT_PROCS ? 1 : 0);
}

async function turn(target: Target, lines: number, rate: number): Promise<Sample> {
  const text = `synth events=${lines} rate=${rate}`;
  const before = { server: procStats(target.serverPid), claude: procStats(target.claudePid), at: performance.now() };
  target.clients.forEach((clients, i) => clients.send({ cmd: "expect", count: lines * clientsOf(i), ...(i === 0 && !target.bare && { prompt: text }) }));
  target.bare?.send({ cmd: "prompt", text });
  const timeoutMs = (rate > 0 ? (lines / rate) * 1000 : 0) + 15_000;
  const reports = await Promise.all(target.clients.map((clients) => clients.message<FanoutReport>("fanout", timeoutMs)));
  const elapsed = performance.now() - before.at;
  const after = { server: procStats(target.serverPid), claude: procStats(target.claudePid) };
  await sleep(300); // let the result line and state changes pass before the next turn
  const received = reports.reduce((sum, r) => sum + r.received, 0);
  const span = Math.max(...reports.map((r) => r.lastReceipt)) - Math.min(...reports.map((r) => r.minSentAt));
  const latency = mergedPercentiles(reports.map((r) => r.histogram));
  const serverCpuMs = after.server.cpuMs - before.server.cpuMs;
  return {
    msgsPerSecond: received / (span / 1000),
    ...latency,
    serverCpu: (serverCpuMs / elapsed) * 100,
    serverCpuPer1k: serverCpuMs / (received / 1000),
    claudeCpu: ((after.claude.cpuMs - before.claude.cpuMs) / elapsed) * 100,
    clientCpu: (reports.reduce((sum, r) => sum + r.cpuMs, 0) / elapsed) * 100,
  };
}

/** p50, p99 and max (ms) of merged 10 µs latency histograms. */
function mergedPercentiles(histograms: Record<string, number>[]): { p50: number; p99: number; max: number } {
  const counts = new Map<number, number>();
  for (const histogram of histograms) for (const [bucket, count] of Object.entries(histogram)) counts.set(Number(bucket), (counts.get(Number(bucket)) ?? 0) + count);
  const buckets = [...counts.keys()].sort((a, b) => a - b);
  const total = [...counts.values()].reduce((a, b) => a + b, 0);
  const at = (p: number) => {
    let seen = 0;
    for (const bucket of buckets) {
      seen += counts.get(bucket)!;
      if (seen >= Math.ceil((p / 100) * total)) return bucket / 100;
    }
    return NaN;
  };
  return { p50: at(50), p99: at(99), max: at(100) };
}

/** The bare server's synthetic Claude: its only child process. */
async function findChildPid(parent: number): Promise<number> {
  for (let i = 0; i < 100; i++) {
    const text = await Bun.file(`/proc/${parent}/task/${parent}/children`).text().catch(() => "");
    const pid = Number(text.trim().split(" ")[0]);
    if (pid > 0) return pid;
    await sleep(50);
  }
  throw new Error("bare server: synthetic Claude did not start");
}

function printResults(samples: Map<string, Sample[]>): void {
  const med = (key: string, field: keyof Sample) => median((samples.get(key) ?? []).map((s) => s[field]));
  console.log(`## fanout: ${CLIENTS} clients in ${CLIENT_PROCS} processes, ~420-byte frames; ${machineLine()}\n`);
  console.log(`burst = ${fmtInt(BURST_LINES)} lines printed at once; paced = ${fmtInt(PACED_LINES)} lines at ${fmtInt(PACED_RATE)} lines/s. Median of ${RUNS} runs. CPU % = of one core, over the turn.\n`);
  const rows = [];
  for (const mode of ["burst", "paced"]) {
    for (const name of ["relay", "bare"]) {
      const key = `${name}/${mode}`;
      rows.push([
        name === "relay" ? "relay" : "bare Bun.serve + publish", mode, fmtInt(med(key, "msgsPerSecond")), fmtMs(med(key, "p50")), fmtMs(med(key, "p99")),
        fmtMs(med(key, "max"), 1), fmtInt(med(key, "serverCpu")), fmtMs(med(key, "serverCpuPer1k"), 3), fmtInt(med(key, "claudeCpu")), fmtInt(med(key, "clientCpu")),
      ]);
    }
  }
  console.log(markdownTable(["<server", "<mode", "delivered msgs/s", "p50 ms", "p99 ms", "max ms", "server CPU %", "server CPU ms / 1k frames", "synthetic Claude CPU %", "clients CPU %"], rows));
  const ratio = med("relay/burst", "msgsPerSecond") / med("bare/burst", "msgsPerSecond");
  const pacedP99 = med("relay/paced", "p99") / med("bare/paced", "p99");
  const burstRatioPaced = med("relay/paced", "msgsPerSecond") / med("bare/paced", "msgsPerSecond");
  console.log(`\n- burst throughput relay/bare: **${ratio.toFixed(2)}** (goal ≥ 0.8: ${ratio >= 0.8 ? "met" : "NOT met"})`);
  console.log(`- paced p99 relay/bare: **${pacedP99.toFixed(2)}×** (goal ≤ 1.5×: ${pacedP99 <= 1.5 ? "met" : "NOT met"}); paced throughput ratio ${burstRatioPaced.toFixed(2)}`);
  console.log(`\nPer run (relay burst msgs/s | bare burst msgs/s | relay paced p99 | bare paced p99):`);
  for (let run = 0; run < RUNS; run++) {
    const pick = (key: string, field: keyof Sample, digits?: number) => {
      const value = samples.get(key)?.[run]?.[field] ?? NaN;
      return digits === undefined ? fmtInt(value) : fmtMs(value, digits);
    };
    console.log(`- run ${run + 1}: ${pick("relay/burst", "msgsPerSecond")} | ${pick("bare/burst", "msgsPerSecond")} | ${pick("relay/paced", "p99", 2)} ms | ${pick("bare/paced", "p99", 2)} ms`);
  }
}
