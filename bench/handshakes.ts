#!/usr/bin/env bun
/**
 * Full authentication handshakes per second: 100 concurrent client loops (over 2 client
 * processes), each connect → auth.challenge → sign (ed25519) → auth.response → auth.ok → close,
 * against the relay at its default log level. Nothing is pre-computed: every challenge is fresh
 * and signed when it arrives. Runs once with the project's client signer (keyFileSigner, @noble)
 * and once with a node:crypto signer, and reports the relay's own CPU use.
 *
 *     bun bench/handshakes.ts
 *     BENCH_TLS=1 bun bench/handshakes.ts        # over wss:// (--tls, the self-signed certificate)
 *     BENCH_SECONDS=10 BENCH_RELAY_FLAGS="--log-level warn" bun bench/handshakes.ts
 */
import {
  BUN, CLIENT_DRIVER, ChildProcess, createBenchEnv, fmtInt, hardDeadline, machineLine, markdownTable, procStats,
  startRelayProcess,
} from "./support/harness.ts";

const CONCURRENCY = 100;
const CLIENT_PROCS = 2;
const SECONDS = Number(process.env.BENCH_SECONDS ?? 5);
const TLS = process.env.BENCH_TLS === "1";

interface Row {
  signer: string;
  perSecond: number;
  failed: number;
  relayCpu: number;
  relayCpuMsPerHandshake: number;
  clientCpu: number;
}

hardDeadline(30_000 + SECONDS * 2 * 1000, "handshakes");
const bench = createBenchEnv();
const children: ChildProcess[] = [];
const rows: Row[] = [];
try {
  const relay = await startRelayProcess(bench, [
    "--max-clients", "1000", "--max-pending-per-address", "1000", ...(TLS ? ["--tls"] : []), ...(process.env.BENCH_RELAY_FLAGS ?? "").split(" ").filter(Boolean),
  ]);
  children.push(relay.child);
  for (const signer of ["noble", "native"] as const) {
    const procs = Array.from({ length: CLIENT_PROCS }, (_, i) => {
      const child = new ChildProcess(`clients ${i}`, [BUN, CLIENT_DRIVER], {
        ...bench.env,
        BENCH_CLIENTS: JSON.stringify({ url: relay.url, clients: 0, auth: true, keyPath: bench.keyPath, signer, ...(relay.ca && { ca: relay.ca }) }),
      });
      children.push(child);
      return child;
    });
    await Promise.all(procs.map((p) => p.message("loaded", 15_000)));
    const before = procStats(relay.child.pid);
    for (const p of procs) p.send({ cmd: "handshakes", concurrency: CONCURRENCY / CLIENT_PROCS, durationMs: SECONDS * 1000 });
    const reports = await Promise.all(procs.map((p) => p.message<{ count: number; failed: number; cpuMs: number }>("handshakes", SECONDS * 1000 + 15_000)));
    const after = procStats(relay.child.pid);
    const count = reports.reduce((sum, r) => sum + r.count, 0);
    const relayCpuMs = after.cpuMs - before.cpuMs;
    rows.push({
      signer: signer === "noble" ? "keyFileSigner (@noble/ed25519)" : "node:crypto ed25519",
      perSecond: count / SECONDS,
      failed: reports.reduce((sum, r) => sum + r.failed, 0),
      relayCpu: (relayCpuMs / (SECONDS * 1000)) * 100,
      relayCpuMsPerHandshake: relayCpuMs / count,
      clientCpu: (reports.reduce((sum, r) => sum + r.cpuMs, 0) / (SECONDS * 1000)) * 100,
    });
    for (const p of procs) p.send({ cmd: "exit" });
    await Promise.all(procs.map((p) => p.exited));
  }
  print();
} finally {
  await Promise.all(children.map((child) => child.stop()));
  bench.cleanup();
}

function print(): void {
  console.log(`## handshakes${TLS ? " over wss:// (--tls, ECDSA P-256)" : ""}: ${CONCURRENCY} concurrent loops in ${CLIENT_PROCS} client processes, ${SECONDS} s each, ed25519; ${machineLine()}\n`);
  console.log(markdownTable(
    ["<client signer", "handshakes/s", "failed", "relay CPU % of a core", "relay CPU ms / handshake", "clients CPU % of a core"],
    rows.map((r) => [r.signer, fmtInt(r.perSecond), fmtInt(r.failed), fmtInt(r.relayCpu), r.relayCpuMsPerHandshake.toFixed(3), fmtInt(r.clientCpu)]),
  ));
  const best = Math.max(...rows.map((r) => r.perSecond));
  const relayBound = Math.max(...rows.map((r) => 1000 / r.relayCpuMsPerHandshake));
  console.log(`\n- best ${fmtInt(best)} handshakes/s (goal ≥ 5,000: ${best >= 5000 ? "met" : "NOT met"}); the relay's CPU per handshake alone would allow ~${fmtInt(relayBound)}/s on one dedicated core`);
}
