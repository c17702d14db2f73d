#!/usr/bin/env bun
/**
 * Full authentication handshakes per second, relay against its floor. 50 concurrent client loops
 * (over 2 client processes), each connect → auth.challenge → sign (ed25519, node:crypto) →
 * auth.response → auth.ok → close, against
 * - the relay (`bun src/cli.ts serve`, default log level info), and
 * - the floor: a bare `Bun.serve` doing only the same native ed25519 verify of the same SSHSIG
 *   (bench/support/bare-server.ts with BENCH_BARE_AUTH).
 * Same client driver, same concurrency, same machine; the two are run alternately (relay first in
 * even rounds, bare first in odd ones) BENCH_RUNS times (default 3) after a warm-up of each; the
 * table shows medians with the range over the runs, and the ratio is the median of the rounds'
 * relay/floor ratios. Nothing is pre-computed: every challenge
 * is fresh and signed when it arrives. Also reports each server's own CPU per handshake.
 *
 *     bun bench/handshakes.ts
 *     BENCH_RUNS=5 BENCH_SECONDS=10 BENCH_RELAY_FLAGS="--log-level warn" bun bench/handshakes.ts
 *     BENCH_SIGNER=noble bun bench/handshakes.ts   # the project's @noble client signer instead
 *     BENCH_TLS=1 bun bench/handshakes.ts          # over wss:// (--tls, the self-signed certificate; the floor serves it too)
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import {
  BARE_SERVER,
  BUN,
  ChildProcess,
  CLIENT_DRIVER,
  createBenchEnv,
  fmtInt,
  hardDeadline,
  machineLine,
  markdownTable,
  median,
  procStats,
  startRelayProcess,
} from "./support/harness.ts";

const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 50);
const CLIENT_PROCS = Number(process.env.BENCH_CLIENT_PROCS ?? 2);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 5);
const RUNS = Math.max(1, Number(process.env.BENCH_RUNS ?? 3));
const WARMUP_SECONDS = 1;
const SIGNER = process.env.BENCH_SIGNER === "noble" ? "noble" : "native";
const TLS = process.env.BENCH_TLS === "1";

interface Target {
  name: "relay" | "bare";
  label: string;
  serverPid: number;
  clients: ChildProcess[];
}

interface Sample {
  perSecond: number;
  failed: number;
  /** Server process CPU, % of one core over the run. */
  serverCpu: number;
  serverCpuMsPerHandshake: number;
  clientCpu: number;
}

hardDeadline(60_000 + (RUNS * 2 * SECONDS + 2 * WARMUP_SECONDS) * 1000 * 1.5, "handshakes");
const bench = createBenchEnv();
const children: ChildProcess[] = [];
const samples = { relay: [] as Sample[], bare: [] as Sample[] };
try {
  const relay = await startRelayProcess(bench, [
    "--max-clients",
    "1000",
    "--max-pending-per-address",
    "1000",
    ...(TLS ? ["--tls"] : []),
    ...(process.env.BENCH_RELAY_FLAGS ?? "").split(" ").filter(Boolean),
  ]);
  children.push(relay.child);
  const publicLine = readFileSync(bench.authorizedKeysPath, "utf8").trim();
  // Over TLS the floor serves the relay's own certificate, so both pay the same handshake crypto.
  const tlsDir = join(bench.dir, "state", "tls");
  const bare = new ChildProcess("bare server", [BUN, BARE_SERVER], { ...bench.env, BENCH_BARE_AUTH: publicLine, ...(TLS && { BENCH_BARE_TLS_DIR: tlsDir }) });
  children.push(bare);
  const barePort = (await bare.message<{ port: number }>("listening", 10_000)).port;
  const targets: Target[] = [
    { name: "relay", label: "relay (`serve`, log level info)", serverPid: relay.child.pid, clients: await startClients(relay.url, relay.ca) },
    {
      name: "bare",
      label: "floor: bare Bun.serve + native verify",
      serverPid: bare.pid,
      clients: await startClients(`${TLS ? "wss" : "ws"}://127.0.0.1:${barePort}/ws`, relay.ca),
    },
  ];
  for (const target of targets) await run(target, WARMUP_SECONDS);
  for (let round = 0; round < RUNS; round++) {
    for (const target of round % 2 === 0 ? targets : [...targets].reverse()) samples[target.name].push(await run(target, SECONDS));
  }
  for (const target of targets) {
    for (const p of target.clients) p.send({ cmd: "exit" });
    await Promise.all(target.clients.map((p) => p.exited));
  }
  print(targets);
} finally {
  await Promise.all(children.map((child) => child.stop()));
  bench.cleanup();
}

async function startClients(url: string, ca: string | undefined): Promise<ChildProcess[]> {
  const procs = Array.from({ length: CLIENT_PROCS }, (_, i) => {
    const child = new ChildProcess(`clients ${i}`, [BUN, CLIENT_DRIVER], {
      ...bench.env,
      BENCH_CLIENTS: JSON.stringify({ url, clients: 0, auth: true, keyPath: bench.keyPath, signer: SIGNER, ...(ca && { ca }) }),
    });
    children.push(child);
    return child;
  });
  await Promise.all(procs.map((p) => p.message("loaded", 15_000)));
  return procs;
}

async function run(target: Target, seconds: number): Promise<Sample> {
  const before = procStats(target.serverPid);
  for (const p of target.clients) p.send({ cmd: "handshakes", concurrency: CONCURRENCY / CLIENT_PROCS, durationMs: seconds * 1000 });
  const reports = await Promise.all(
    target.clients.map((p) => p.message<{ count: number; failed: number; cpuMs: number }>("handshakes", seconds * 1000 + 15_000)),
  );
  const after = procStats(target.serverPid);
  const count = reports.reduce((sum, r) => sum + r.count, 0);
  const serverCpuMs = after.cpuMs - before.cpuMs;
  return {
    perSecond: count / seconds,
    failed: reports.reduce((sum, r) => sum + r.failed, 0),
    serverCpu: (serverCpuMs / (seconds * 1000)) * 100,
    serverCpuMsPerHandshake: serverCpuMs / count,
    clientCpu: (reports.reduce((sum, r) => sum + r.cpuMs, 0) / (seconds * 1000)) * 100,
  };
}

/** "median (min – max)" of one field over the runs. */
function spread(values: number[], format: (n: number) => string): string {
  const sorted = [...values].sort((a, b) => a - b);
  return RUNS === 1 ? format(sorted[0]!) : `${format(median(sorted))} (${format(sorted[0]!)} – ${format(sorted.at(-1)!)})`;
}

function print(targets: Target[]): void {
  const signer = SIGNER === "noble" ? "keyFileSigner (@noble/ed25519)" : "node:crypto ed25519";
  console.log(
    `## handshakes${TLS ? " over wss:// (--tls, ECDSA P-256)" : ""}: ${CONCURRENCY} concurrent loops in ${CLIENT_PROCS} client processes, client signer ${signer}, ${RUNS} alternating runs of ${SECONDS} s; ${machineLine()}\n`,
  );
  console.log(
    markdownTable(
      ["<server", "handshakes/s", "failed", "server CPU % of a core", "server CPU ms / handshake", "clients CPU % of a core"],
      targets.map(({ name, label }) => {
        const s = samples[name];
        return [
          label,
          spread(
            s.map((x) => x.perSecond),
            fmtInt,
          ),
          fmtInt(s.reduce((sum, x) => sum + x.failed, 0)),
          spread(
            s.map((x) => x.serverCpu),
            fmtInt,
          ),
          spread(
            s.map((x) => x.serverCpuMsPerHandshake),
            (n) => n.toFixed(3),
          ),
          spread(
            s.map((x) => x.clientCpu),
            fmtInt,
          ),
        ];
      }),
    ),
  );
  // Paired by round: the two runs of a round are seconds apart, so a neighbour's load drifting
  // between rounds moves both; the headline is the median of the per-round ratios.
  const ratios = samples.relay.map((r, i) => r.perSecond / samples.bare[i]!.perSecond);
  const ratio = median(ratios);
  const ofMedians = median(samples.relay.map((x) => x.perSecond)) / median(samples.bare.map((x) => x.perSecond));
  console.log(
    `\n- relay / floor: **${ratio.toFixed(2)}** (median of the rounds' ratios ${ratios.map((r) => r.toFixed(2)).join(", ")}; ratio of the medians ${ofMedians.toFixed(2)}) → goal ≥ 0.8 ${ratio >= 0.8 ? "met" : "NOT met"}`,
  );
  const cpu = median(samples.relay.map((x) => x.serverCpuMsPerHandshake)) / median(samples.bare.map((x) => x.serverCpuMsPerHandshake));
  console.log(`- server CPU per handshake, relay / floor: ${cpu.toFixed(2)}×`);
}
