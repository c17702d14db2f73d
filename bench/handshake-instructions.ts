#!/usr/bin/env bun
/**
 * CPU instructions per login handshake, relay against the bare-server floor, counted by valgrind's
 * callgrind: deterministic where wall-clock handshakes/s on a shared 2-core machine are not. Each
 * server runs under `valgrind --tool=callgrind --instr-atstart=no`; after a warm-up of 300
 * handshakes (so the JIT has tiered up), counting is switched on with `callgrind_control -i on`
 * for exactly BENCH_HANDSHAKES handshakes (default 2,000; 10 concurrent, the same client driver
 * and node:crypto signer as bench/handshakes.ts), then off. User-space instructions only: the
 * kernel's share (TCP, the log pipe) is not counted. The relay's --auth-timeout is 60 s here: under
 * valgrind on a loaded machine a login can take longer than the default 10 s (the timer's length
 * costs nothing; an expired login would fail the count).
 *
 *     bun bench/handshake-instructions.ts
 *     BENCH_HANDSHAKES=5000 bun bench/handshake-instructions.ts
 *     BENCH_FLOOR=0 BENCH_CALLGRIND_DIR=/tmp/cg bun bench/handshake-instructions.ts
 *
 * `BENCH_FLOOR=0` counts the relay only (the floor moves by ±0.1 % between runs: while changing
 * the relay, one count of the floor is enough); `BENCH_CALLGRIND_DIR` keeps the callgrind dumps
 * there (for `callgrind_annotate`: native functions by name, JIT-compiled JS as anonymous code).
 *
 * Needs valgrind (callgrind, callgrind_control); takes a few minutes.
 */
import { spawnSync } from "node:child_process";
import { copyFileSync, mkdirSync, readdirSync, readFileSync } from "node:fs";
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
  startRelayProcess,
} from "./support/harness.ts";

const HANDSHAKES = Number(process.env.BENCH_HANDSHAKES ?? 2000);
const WARMUP = 300;
const CONCURRENCY = 10;
const WITH_FLOOR = process.env.BENCH_FLOOR !== "0";
const KEEP_DIR = process.env.BENCH_CALLGRIND_DIR;

const valgrind = spawnSync("valgrind", ["--version"], { encoding: "utf8" });
if (valgrind.status !== 0) {
  console.error("handshake-instructions: needs valgrind (apt-get install valgrind)");
  process.exit(2);
}

hardDeadline(20 * 60_000, "handshake-instructions");
const bench = createBenchEnv();
const children: ChildProcess[] = [];
const rows: { name: string; instructions: number; handshakes: number }[] = [];
try {
  const callgrind = (name: string) => ["valgrind", "--tool=callgrind", "--instr-atstart=no", `--callgrind-out-file=${join(bench.dir, `${name}.callgrind`)}`];
  const relay = await startRelayProcess(
    bench,
    ["--max-clients", "1000", "--max-pending-per-address", "1000", "--auth-timeout", "60s"],
    {},
    { wrapper: callgrind("relay"), readyTimeoutMs: 180_000 },
  );
  children.push(relay.child);
  rows.push({ name: "relay (`serve`, log level info)", ...(await count("relay", relay.child, relay.url)) });
  await relay.child.stop();

  if (WITH_FLOOR) {
    const publicLine = readFileSync(bench.authorizedKeysPath, "utf8").trim();
    const bare = new ChildProcess("bare server", [...callgrind("bare"), BUN, BARE_SERVER], { ...bench.env, BENCH_BARE_AUTH: publicLine });
    children.push(bare);
    const port = (await bare.message<{ port: number }>("listening", 180_000)).port;
    rows.push({ name: "floor: bare Bun.serve + native verify", ...(await count("bare", bare, `ws://127.0.0.1:${port}/ws`)) });
  }
  print();
} finally {
  await Promise.all(children.map((child) => child.stop()));
  bench.cleanup();
}

/** Instructions the server executed during exactly HANDSHAKES handshakes. */
async function count(name: string, server: ChildProcess, url: string): Promise<{ instructions: number; handshakes: number }> {
  const clients = new ChildProcess(`clients for ${name}`, [BUN, CLIENT_DRIVER], {
    ...bench.env,
    BENCH_CLIENTS: JSON.stringify({ url, clients: 0, auth: true, keyPath: bench.keyPath, signer: "native" }),
  });
  children.push(clients);
  await clients.message("loaded", 15_000);
  const run = async (total: number) => {
    clients.send({ cmd: "handshakes", concurrency: CONCURRENCY, durationMs: 600_000, total });
    const report = await clients.message<{ count: number; failed: number }>("handshakes", 600_000);
    if (report.failed > 0 || report.count !== total) throw new Error(`${name}: ${report.count} of ${total} handshakes, ${report.failed} failed`);
  };
  await run(WARMUP);
  control(server.pid, "-i", "on");
  const started = performance.now();
  await run(HANDSHAKES);
  control(server.pid, "-i", "off");
  // What a server does per second whatever the logins (timers, its event loop) is in the count too,
  // and under valgrind the relay's counted phase lasts several times the floor's: printed to weigh that.
  console.log(`${name}: counted phase ${((performance.now() - started) / 1000).toFixed(1)} s`);
  control(server.pid, "-d");
  clients.send({ cmd: "exit" });
  await clients.exited;
  const dump = readdirSync(bench.dir).find((file) => file.startsWith(`${name}.callgrind.`));
  if (!dump) throw new Error(`${name}: callgrind wrote no dump`);
  if (KEEP_DIR) {
    mkdirSync(KEEP_DIR, { recursive: true });
    copyFileSync(join(bench.dir, dump), join(KEEP_DIR, dump));
  }
  const totals = /^totals: (\d+)/m.exec(readFileSync(join(bench.dir, dump), "utf8"));
  if (!totals) throw new Error(`${name}: no totals in ${dump}`);
  return { instructions: Number(totals[1]), handshakes: HANDSHAKES };
}

function control(pid: number, ...args: string[]): void {
  const result = spawnSync("callgrind_control", [...args, String(pid)], { encoding: "utf8" });
  if (result.status !== 0) throw new Error(`callgrind_control ${args.join(" ")} ${pid}: ${result.stderr || result.stdout}`);
}

function print(): void {
  console.log(
    `## handshake instructions: ${HANDSHAKES} handshakes counted after ${WARMUP} warm-up, ${CONCURRENCY} concurrent, node:crypto ed25519 clients; ${machineLine()}\n`,
  );
  console.log(
    markdownTable(
      ["<server", "instructions / handshake"],
      rows.map((r) => [r.name, fmtInt(r.instructions / r.handshakes)]),
    ),
  );
  if (rows.length < 2) return;
  const [relay, bare] = rows.map((r) => r.instructions / r.handshakes) as [number, number];
  console.log(`\n- relay / floor: **${(relay / bare).toFixed(2)}×** the floor's instructions per handshake (${fmtInt(relay - bare)} more)`);
}
