#!/usr/bin/env bun
/**
 * Reconnect storm: 10,000 WebSocket clients (spread over 4 client processes) connect and
 * authenticate at once, then stay idle. Measures the time until every client has `auth.ok`, the
 * relay's CPU during the storm, and the relay's RSS per idle client — against a bare `Bun.serve`
 * accepting the same number of plain sockets. The storm runs once with the project's client
 * signer (keyFileSigner, ed25519 via @noble) and once with a node:crypto signer, because the
 * clients share the machine's 2 cores with the relay and @noble signing is slow.
 *
 *     bun bench/connections.ts
 *     BENCH_CONNECTIONS=2000 bun bench/connections.ts
 */
import {
  BARE_SERVER,
  BUN,
  ChildProcess,
  CLIENT_DRIVER,
  createBenchEnv,
  fmtInt,
  fmtMs,
  hardDeadline,
  machineLine,
  markdownTable,
  procStats,
  sleep,
  startRelayProcess,
  wallNow,
} from "./support/harness.ts";

const CLIENTS = Number(process.env.BENCH_CONNECTIONS ?? 10_000);
const CLIENT_PROCS = 4;
const SETTLE_MS = 2000;

interface StormResult {
  name: string;
  authenticated: number;
  seconds: number;
  serverCpuMs: number;
  clientCpuMs: number;
  baselineKiB: number;
  kibPerClient: number;
}

hardDeadline(90_000, "connections");
const bench = createBenchEnv();
const children: ChildProcess[] = [];
const results: StormResult[] = [];
try {
  {
    const bare = track(new ChildProcess("bare server", [BUN, BARE_SERVER], bench.env));
    const port = (await bare.message<{ port: number }>("listening", 10_000)).port;
    results.push(await storm("bare Bun.serve, plain sockets", bare.pid, `ws://127.0.0.1:${port}/ws`, undefined));
    await bare.stop();
  }
  for (const signer of ["noble", "native"] as const) {
    const relay = await startRelayProcess(bench, [
      "--max-clients",
      String(CLIENTS + 100),
      "--max-pending-per-address",
      String(CLIENTS + 100),
      "--auth-timeout",
      "60s",
    ]);
    track(relay.child);
    const label = signer === "noble" ? "relay, clients sign with keyFileSigner (@noble)" : "relay, clients sign with node:crypto";
    results.push(
      await storm(label, relay.child.pid, relay.url, signer, async () => {
        const health = (await (await fetch(`http://127.0.0.1:${relay.port}/healthz`)).json()) as { clients: number };
        if (health.clients !== CLIENTS) throw new Error(`relay reports ${health.clients} clients, expected ${CLIENTS}`);
      }),
    );
    await relay.child.stop();
  }
  print();
} finally {
  await Promise.all(children.map((child) => child.stop()));
  bench.cleanup();
}

function track(child: ChildProcess): ChildProcess {
  children.push(child);
  return child;
}

/** `verify` runs while the clients are still connected and idle. */
async function storm(name: string, serverPid: number, url: string, signer: "noble" | "native" | undefined, verify = async () => {}): Promise<StormResult> {
  const procs = Array.from({ length: CLIENT_PROCS }, (_, i) =>
    track(
      new ChildProcess(`clients ${i}`, [BUN, CLIENT_DRIVER], {
        ...bench.env,
        BENCH_CLIENTS: JSON.stringify({ url, clients: CLIENTS / CLIENT_PROCS, auth: signer !== undefined, keyPath: bench.keyPath, signer }),
      }),
    ),
  );
  await Promise.all(procs.map((p) => p.message("loaded", 15_000)));
  await sleep(500);
  const baseline = procStats(serverPid);
  const start = wallNow();
  for (const p of procs) p.send({ cmd: "connect" });
  const reports = await Promise.all(procs.map((p) => p.message<{ at: number; authenticated: number; cpuMs: number }>("connected", 60_000)));
  const seconds = (Math.max(...reports.map((r) => r.at)) - start) / 1000;
  const afterStorm = procStats(serverPid);
  await sleep(SETTLE_MS);
  const idle = procStats(serverPid);
  await verify();
  const authenticated = reports.reduce((sum, r) => sum + r.authenticated, 0);
  for (const p of procs) p.send({ cmd: "exit" });
  await Promise.all(procs.map((p) => p.exited));
  return {
    name,
    authenticated,
    seconds,
    serverCpuMs: afterStorm.cpuMs - baseline.cpuMs,
    clientCpuMs: reports.reduce((sum, r) => sum + r.cpuMs, 0),
    baselineKiB: baseline.rssKiB,
    kibPerClient: (idle.rssKiB - baseline.rssKiB) / CLIENTS,
  };
}

function print(): void {
  console.log(`## connections: ${fmtInt(CLIENTS)} clients at once from ${CLIENT_PROCS} processes; ${machineLine()}\n`);
  console.log(
    markdownTable(
      ["<server", "ready", "all ready after s", "server CPU s", "clients CPU s", "server RSS before MiB", "RSS per idle client KiB"],
      results.map((r) => [
        r.name,
        `${fmtInt(r.authenticated)}/${fmtInt(CLIENTS)}`,
        fmtMs(r.seconds),
        fmtMs(r.serverCpuMs / 1000),
        fmtMs(r.clientCpuMs / 1000),
        fmtMs(r.baselineKiB / 1024, 1),
        fmtMs(r.kibPerClient, 1),
      ]),
    ),
  );
  const bare = results[0]!;
  const relays = results.slice(1);
  const worst = Math.max(...relays.map((r) => r.seconds));
  const ratio = Math.max(...relays.map((r) => r.kibPerClient)) / bare.kibPerClient;
  console.log(
    `\n- all authenticated within ${fmtMs(worst)} s (goal ≤ 10 s: ${worst <= 10 && relays.every((r) => r.authenticated === CLIENTS) ? "met" : "NOT met"})`,
  );
  console.log(
    `- RSS per client relay/bare: ${ratio.toFixed(2)}× (goal ≤ 2×: ${ratio <= 2 ? "met" : "NOT met"}); RSS measured ${SETTLE_MS / 1000} s after the storm, no forced GC`,
  );
}
