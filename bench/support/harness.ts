/**
 * What every benchmark needs: child processes that speak JSON lines (the relay, a bare server,
 * client drivers), a raised file-descriptor limit, a throwaway HOME with a real ssh-keygen key in
 * authorized_keys, per-process RSS and CPU from /proc, percentiles and markdown tables.
 * Every process started here is killed when the benchmark ends, however it ends.
 *
 * @example
 * ```ts
 * const env = createBenchEnv();
 * const relay = await startRelayProcess(env, ["--max-clients", "200"]);
 * console.log(relay.url, procStats(relay.child.pid));
 * await relay.child.stop();
 * env.cleanup();
 * ```
 */
import { readFileSync, writeFileSync } from "node:fs";
import { cpus } from "node:os";
import { join } from "node:path";
import { LineSplitter } from "../../src/claude/line-splitter.ts";
import { generateKey, makeTempDir, removeTempDir } from "../../test/support/ssh.ts";

export const REPO_ROOT = join(import.meta.dir, "..", "..");
export const BUN = process.execPath;
export const SYNTHETIC_CLAUDE = join(REPO_ROOT, "bench", "support", "synthetic-claude.ts");
export const CLIENT_DRIVER = join(REPO_ROOT, "bench", "support", "ws-clients.ts");
export const BARE_SERVER = join(REPO_ROOT, "bench", "support", "bare-server.ts");
export const LOOP_DELAY_PRELOAD = join(REPO_ROOT, "bench", "support", "loop-delay.ts");
export const REVIEW_LOAD = join(REPO_ROOT, "bench", "support", "review-load.ts");

/** Wall-clock milliseconds with sub-millisecond precision, comparable between processes. */
export const wallNow = (): number => performance.timeOrigin + performance.now();

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

const running = new Set<ChildProcess>();
process.on("exit", () => {
  for (const child of running) child.kill("SIGKILL");
});
for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.on(signal, () => {
    for (const child of running) child.kill("SIGKILL");
    process.exit(130);
  });
}

/** A child process whose stdout/stderr are read line by line (and always drained, so it never blocks on a full pipe). */
export class ChildProcess {
  readonly pid: number;
  readonly exited: Promise<number>;
  /** The last lines of output, for error messages. */
  readonly tail: string[] = [];
  readonly #proc: ReturnType<typeof Bun.spawn>;
  readonly #waiters = new Set<{ match: (line: string) => boolean; resolve: (line: string) => void }>();
  readonly #messages: Record<string, unknown>[] = [];

  constructor(
    readonly name: string,
    cmd: string[],
    env: Record<string, string | undefined>,
  ) {
    // `ulimit -n` in a shell that then execs the command: the pid stays the command's.
    this.#proc = Bun.spawn(["sh", "-c", 'ulimit -n 65536 2>/dev/null || ulimit -n "$(ulimit -Hn)"; exec "$@"', "sh", ...cmd], {
      env,
      stdin: "pipe",
      stdout: "pipe",
      stderr: "pipe",
    });
    this.pid = this.#proc.pid;
    running.add(this);
    this.exited = this.#proc.exited.then((code) => {
      running.delete(this);
      for (const waiter of this.#waiters) waiter.resolve("");
      return code;
    });
    void this.#read(this.#proc.stdout as ReadableStream<Uint8Array>);
    void this.#read(this.#proc.stderr as ReadableStream<Uint8Array>);
  }

  async #read(stream: ReadableStream<Uint8Array>): Promise<void> {
    const splitter = new LineSplitter({ maxLineBytes: 16 << 20 });
    for await (const chunk of stream) {
      for (const event of splitter.push(chunk)) {
        if (event.kind !== "line") continue;
        this.tail.push(event.text);
        if (this.tail.length > 30) this.tail.shift();
        for (const waiter of this.#waiters) {
          if (waiter.match(event.text)) {
            this.#waiters.delete(waiter);
            waiter.resolve(event.text);
          }
        }
        if (event.text.startsWith('{"kind":')) this.#messages.push(JSON.parse(event.text));
      }
    }
  }

  /** Resolves with the first line (from now on) that `match` accepts; rejects after `timeoutMs` or when the process exits. */
  waitForLine(match: (line: string) => boolean, timeoutMs: number): Promise<string> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.#waiters.delete(waiter);
        reject(new Error(`${this.name}: no matching line within ${timeoutMs} ms; last output:\n${this.tail.join("\n")}`));
      }, timeoutMs);
      const waiter = {
        match,
        resolve: (line: string) => {
          clearTimeout(timer);
          if (line === "" && !running.has(this)) reject(new Error(`${this.name} exited; last output:\n${this.tail.join("\n")}`));
          else resolve(line);
        },
      };
      this.#waiters.add(waiter);
    });
  }

  /** The next `{"kind": kind, …}` message the child printed (queued ones first). */
  async message<T = Record<string, unknown>>(kind: string, timeoutMs: number): Promise<T> {
    const index = this.#messages.findIndex((m) => m.kind === kind);
    if (index >= 0) return this.#messages.splice(index, 1)[0] as T;
    await this.waitForLine((line) => line.startsWith(`{"kind":${JSON.stringify(kind)}`), timeoutMs);
    return this.message<T>(kind, timeoutMs);
  }

  /** Sends one JSON command line on the child's stdin. */
  send(command: Record<string, unknown>): void {
    const stdin = this.#proc.stdin as import("bun").FileSink;
    stdin.write(`${JSON.stringify(command)}\n`);
    stdin.flush();
  }

  kill(signal: NodeJS.Signals | number): void {
    this.#proc.kill(signal);
  }

  /** SIGTERM, then SIGKILL if it has not exited within `graceMs`. */
  async stop(graceMs = 5000): Promise<number> {
    if (!running.has(this)) return this.exited;
    this.kill("SIGTERM");
    const timer = setTimeout(() => this.kill("SIGKILL"), graceMs);
    const code = await this.exited;
    clearTimeout(timer);
    return code;
  }
}

export interface BenchEnv {
  dir: string;
  /** An ed25519 private key made by ssh-keygen; its public line is the only authorized key. */
  keyPath: string;
  authorizedKeysPath: string;
  env: Record<string, string | undefined>;
  cleanup(): void;
}

/** A temp HOME/state dir with one ssh-keygen ed25519 key in authorized_keys. */
export function createBenchEnv(): BenchEnv {
  const dir = makeTempDir("relay-bench-");
  const key = generateKey(dir, "ed25519", "bench");
  const authorizedKeysPath = join(dir, "authorized_keys");
  writeFileSync(authorizedKeysPath, `${key.publicLine}\n`);
  const env = { ...process.env, HOME: dir, XDG_STATE_HOME: join(dir, "state"), SSH_AUTH_SOCK: undefined };
  return { dir, keyPath: key.privatePath, authorizedKeysPath, env, cleanup: () => removeTempDir(dir) };
}

export interface RelayProcess {
  child: ChildProcess;
  /** ws://…/ws, or wss://…/ws when started with --tls. */
  url: string;
  port: number;
  /** With --tls: the relay's self-signed certificate, for clients to trust. */
  ca?: string;
  /** The synthetic Claude's pid, once the session is ready. */
  claudePid: number;
}

export interface StartOptions {
  /** Command prefix the process runs under, e.g. `["valgrind", "--tool=callgrind"]`. */
  wrapper?: string[];
  /** How long it may take to be ready (default 20 s). */
  readyTimeoutMs?: number;
  /** The Claude binary (default: the synthetic Claude). */
  claudeBin?: string;
  /** Flags for Bun itself, before BENCH_RELAY_BUN_FLAGS', e.g. `["--preload", LOOP_DELAY_PRELOAD]`. */
  bunFlags?: string[];
}

/**
 * Starts `bun src/cli.ts serve` on a free port with the synthetic Claude (or `claudeBin`) and waits
 * until Claude is ready (any log level). BENCH_RELAY_BUN_FLAGS adds flags for Bun itself, e.g.
 * `--cpu-prof-md --cpu-prof-dir=/tmp/prof` to profile the relay.
 */
export async function startRelayProcess(bench: BenchEnv, flags: string[], env: Record<string, string> = {}, options: StartOptions = {}): Promise<RelayProcess> {
  const port = freePort();
  const readyTimeoutMs = options.readyTimeoutMs ?? 20_000;
  const cmd = [
    ...(options.wrapper ?? []),
    BUN,
    ...(options.bunFlags ?? []),
    ...(process.env.BENCH_RELAY_BUN_FLAGS ?? "").split(" ").filter(Boolean),
    join(REPO_ROOT, "src", "cli.ts"),
    "serve",
    "--port",
    String(port),
    "--claude-bin",
    options.claudeBin ?? SYNTHETIC_CLAUDE,
    "--authorized-keys",
    bench.authorizedKeysPath,
    "--cwd",
    bench.dir,
    "--state-dir",
    join(bench.dir, "state"),
    "--log-format",
    "json",
    ...flags,
  ];
  const child = new ChildProcess("relay", cmd, { ...bench.env, ...env });
  const tls = flags.includes("--tls");
  const deadline = Date.now() + readyTimeoutMs;
  for (;;) {
    const health = await fetch(`${tls ? "https" : "http"}://127.0.0.1:${port}/healthz`, { tls: { rejectUnauthorized: false } }).then(
      (r) => r.json() as Promise<{ state: string; claudePid: number }>,
      () => undefined,
    );
    if (health?.state === "ready") {
      const ca = tls ? readFileSync(join(bench.dir, "state", "tls", "cert.pem"), "utf8") : undefined;
      return { child, url: `${tls ? "wss" : "ws"}://127.0.0.1:${port}/ws`, port, claudePid: health.claudePid, ...(ca && { ca }) };
    }
    if (Date.now() > deadline)
      throw new Error(
        `relay: not ready within ${readyTimeoutMs / 1000} s (${health ? `state ${health.state}` : "not listening"}); last output:\n${child.tail.join("\n")}`,
      );
    if (!running.has(child)) throw new Error(`relay exited; last output:\n${child.tail.join("\n")}`);
    await sleep(50);
  }
}

/** A port that was free a moment ago (the kernel picks it; the relay then binds it). */
function freePort(): number {
  const listener = Bun.listen({ hostname: "127.0.0.1", port: 0, socket: { data() {} } });
  const port = listener.port;
  listener.stop(true);
  return port;
}

export interface ProcStats {
  /** Resident set size, KiB. */
  rssKiB: number;
  /** User + system CPU time of all the process's threads, ms. */
  cpuMs: number;
}

const CLOCK_TICKS_PER_SECOND = 100;

/** RSS and CPU time of a process, from /proc (Linux). */
export function procStats(pid: number): ProcStats {
  const status = readFileSync(`/proc/${pid}/status`, "utf8");
  const rssKiB = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? NaN);
  const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  const cpuMs = ((Number(fields[11]) + Number(fields[12])) * 1000) / CLOCK_TICKS_PER_SECOND;
  return { rssKiB, cpuMs };
}

/** The p-th percentile (0–100) of an ascending array, nearest rank. */
export function percentile(sorted: ArrayLike<number>, p: number): number {
  if (sorted.length === 0) return NaN;
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length - 1, Math.max(0, rank - 1))]!;
}

export function median(values: readonly number[]): number {
  return percentile(
    [...values].sort((a, b) => a - b),
    50,
  );
}

export function markdownTable(headers: readonly string[], rows: readonly (readonly string[])[]): string {
  const align = headers.map((header) => (header.startsWith("<") ? "---" : "---:"));
  const clean = headers.map((header) => header.replace(/^</, ""));
  return [clean, align, ...rows].map((row) => `| ${row.join(" | ")} |`).join("\n");
}

export const fmtInt = (n: number): string => (Number.isFinite(n) ? Math.round(n).toLocaleString("en-US") : "–");
export const fmtMs = (n: number, digits = 2): string => (Number.isFinite(n) ? n.toFixed(digits) : "–");

/** "Bun 1.4.5, 2 × AMD EPYC …" */
export function machineLine(): string {
  return `Bun ${Bun.version}, ${cpus().length} × ${cpus()[0]?.model ?? "cpu"}, load average ${readFileSync("/proc/loadavg", "utf8").split(" ").slice(0, 3).join(" ")}`;
}

/** Exits the process (killing every child) if the benchmark runs past `ms`. */
export function hardDeadline(ms: number, name: string): void {
  setTimeout(() => {
    console.error(`${name}: over its ${ms / 1000} s budget; stopping`);
    process.exit(3);
  }, ms).unref();
}
