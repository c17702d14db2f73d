/**
 * One fan-out measurement, shared by the fan-out benchmarks: groups of WebSocket clients (each group
 * a client process, bench/support/ws-clients.ts) wait for a number of timestamped frames while
 * some of them prompt a synthetic Claude; the result is the delivered frames per second over the
 * turn, print→receipt latency percentiles, and the CPU each side used.
 *
 * @example
 * ```ts
 * const group = await startClientGroup(bench, children, { url: relay.url, clients: 50, auth: true });
 * const target = { serverPid: relay.child.pid, claudePids: [relay.claudePid], groups: [{ proc: group, clients: 50, prompts: true }] };
 * const sample = await measureTurn(target, 10_000, 0); // a burst of 10,000 lines
 * ```
 */
import { type BenchEnv, BUN, ChildProcess, CLIENT_DRIVER, procStats, sleep } from "./harness.ts";

/** The fan-out benchmarks' knobs: runs (interleaved), a burst's lines, a paced turn's lines and rate. */
export const RUNS = Number(process.env.BENCH_RUNS ?? 3);
export const BURST_LINES = Number(process.env.BENCH_BURST_LINES ?? 10_000);
export const PACED_RATE = 1000;
export const PACED_LINES = Number(process.env.BENCH_PACED_LINES ?? 2000);

interface FanoutReport {
  received: number;
  lastReceipt: number;
  minSentAt: number;
  /** Latency in 10 µs buckets → count. */
  histogram: Record<string, number>;
  cpuMs: number;
}

export interface Sample {
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

/** One client process and its clients; `prompts`: its first client sends the turn's prompt (to its attached session, if any). */
export interface ClientGroup {
  proc: ChildProcess;
  clients: number;
  prompts: boolean;
}

export interface FanoutTarget {
  serverPid: number;
  /** The synthetic Claudes that print the turn's lines. */
  claudePids: number[];
  groups: ClientGroup[];
  /** A bare server takes the prompt itself on stdin. */
  bare?: ChildProcess;
}

/**
 * A client process with `clients` sockets, connected (and authenticated, and attached to `attach`
 * when given); added to `children` so the benchmark stops it however it ends.
 */
export async function startClientGroup(
  bench: BenchEnv,
  children: ChildProcess[],
  config: { url: string; clients: number; auth: boolean; attach?: string; partial?: boolean },
): Promise<ChildProcess> {
  const proc = new ChildProcess(`clients of ${config.url}${config.attach ? ` (${config.attach})` : ""}`, [BUN, CLIENT_DRIVER], {
    ...bench.env,
    BENCH_CLIENTS: JSON.stringify({ ...config, keyPath: bench.keyPath, signer: "native" }),
  });
  children.push(proc);
  await proc.message("loaded", 10_000);
  proc.send({ cmd: "connect" });
  const connected = await proc.message<{ authenticated: number }>("connected", 20_000);
  if (connected.authenticated !== config.clients) throw new Error(`only ${connected.authenticated} of ${config.clients} clients connected to ${config.url}`);
  return proc;
}

/**
 * `clients` sockets over `procs` client processes (see {@link startClientGroup}), all connected; the
 * first process prompts.
 */
export async function startClientGroups(
  bench: BenchEnv,
  children: ChildProcess[],
  config: { url: string; clients: number; procs: number; auth: boolean; partial?: boolean },
): Promise<ClientGroup[]> {
  const groups = [];
  for (let i = 0; i < config.procs; i++) {
    const clients = Math.floor(config.clients / config.procs) + (i < config.clients % config.procs ? 1 : 0);
    const proc = await startClientGroup(bench, children, { url: config.url, clients, auth: config.auth, ...(config.partial && { partial: true }) });
    groups.push({ proc, clients, prompts: i === 0 });
  }
  return groups;
}

/** The pid of a process's only child (the bare server's synthetic Claude). */
export async function findChildPid(parent: number): Promise<number> {
  for (let i = 0; i < 100; i++) {
    const text = await Bun.file(`/proc/${parent}/task/${parent}/children`)
      .text()
      .catch(() => "");
    const pid = Number(text.trim().split(" ")[0]);
    if (pid > 0) return pid;
    await sleep(50);
  }
  throw new Error(`process ${parent} started no child`);
}

/**
 * One turn of `lines` lines (rate 0: as fast as the synthetic Claude prints), measured at the
 * clients; `stream`: the lines are stream_event deltas (claude.partial frames) rather than assistant lines.
 */
export async function measureTurn(target: FanoutTarget, lines: number, rate: number, stream = false): Promise<Sample> {
  const text = `synth events=${lines} rate=${rate}${stream ? " stream=1" : ""}`;
  const claudeCpuMs = () => target.claudePids.reduce((sum, pid) => sum + procStats(pid).cpuMs, 0);
  const before = { server: procStats(target.serverPid), claudeMs: claudeCpuMs(), at: performance.now() };
  for (const group of target.groups) group.proc.send({ cmd: "expect", count: lines * group.clients, ...(group.prompts && !target.bare && { prompt: text }) });
  target.bare?.send({ cmd: "prompt", text });
  const timeoutMs = (rate > 0 ? (lines / rate) * 1000 : 0) + 15_000;
  const reports = await Promise.all(target.groups.map((group) => group.proc.message<FanoutReport>("fanout", timeoutMs)));
  const elapsed = performance.now() - before.at;
  const after = { server: procStats(target.serverPid), claudeMs: claudeCpuMs() };
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
    claudeCpu: ((after.claudeMs - before.claudeMs) / elapsed) * 100,
    clientCpu: (reports.reduce((sum, r) => sum + r.cpuMs, 0) / elapsed) * 100,
  };
}

/** p50, p99 and max (ms) of merged 10 µs latency histograms. */
function mergedPercentiles(histograms: Record<string, number>[]): { p50: number; p99: number; max: number } {
  const counts = new Map<number, number>();
  for (const histogram of histograms)
    for (const [bucket, count] of Object.entries(histogram)) counts.set(Number(bucket), (counts.get(Number(bucket)) ?? 0) + count);
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
