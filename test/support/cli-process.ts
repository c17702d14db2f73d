/**
 * Runs `claude-relay` as a real child process (Bun running src/cli.ts, or a built binary) for
 * tests of signals, exit codes and startup errors.
 *
 * @example
 * ```ts
 * const proc = spawnRelay(["serve", "--port", "0"], { env });
 * const url = await proc.listening;
 * proc.kill("SIGTERM");
 * expect(await proc.exitCode).toBe(0);
 * ```
 */
import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { join } from "node:path";

export const REPO_ROOT = join(import.meta.dir, "..", "..");
/** A fake Claude Code printing stream-json (see its header), for tests that need output, not a model. */
export const SYNTHETIC_CLAUDE = join(REPO_ROOT, "bench", "support", "synthetic-claude.ts");
export const BUN = process.execPath;
export const CLI = [BUN, join(REPO_ROOT, "src", "cli.ts")];

export interface RelayProcess {
  child: ChildProcess;
  /** Resolves with the ws:// (or wss://) URL from the "listening on" line. */
  listening: Promise<string>;
  exitCode: Promise<number | null>;
  output(): string;
  kill(signal: NodeJS.Signals): void;
}

/** Every relay spawned and not yet exited (with how to signal it), so a failed test cannot leave one running. */
const running = new Map<ChildProcess, (signal: NodeJS.Signals) => void>();

/** SIGKILLs every relay still running (call from afterAll/afterEach). */
export function killSpawnedRelays(): void {
  for (const kill of running.values()) kill("SIGKILL");
}

export interface SpawnRelayOptions {
  env: Record<string, string | undefined>;
  command?: string[];
  cwd?: string;
  /**
   * Start it in a process group of its own, and signal the whole group, as a terminal's Ctrl-C
   * does: for a relay under a wrapper that does not pass signals on (`npm start`).
   */
  group?: boolean;
}

export function spawnRelay(args: string[], options: SpawnRelayOptions): RelayProcess {
  const [cmd, ...prefix] = options.command ?? CLI;
  const child = spawn(cmd!, [...prefix, ...args], { env: options.env, cwd: options.cwd, stdio: ["ignore", "pipe", "pipe"], detached: options.group === true });
  const kill = (signal: NodeJS.Signals) => (options.group ? process.kill(-child.pid!, signal) : child.kill(signal));
  running.set(child, kill);
  child.on("exit", () => running.delete(child));
  let output = "";
  let onListening: (url: string) => void;
  let onFailed: (error: Error) => void;
  const listening = new Promise<string>((resolve, reject) => ((onListening = resolve), (onFailed = reject)));
  const collect = (chunk: Buffer) => {
    output += chunk.toString();
    const match = /listening on (wss?:\/\/\S+\/ws)/.exec(output);
    if (match) onListening(match[1]!);
  };
  child.stdout!.on("data", collect);
  child.stderr!.on("data", collect);
  const exitCode = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
  void exitCode.then((code) => onFailed(new Error(`relay exited (${code}) before listening:\n${output}`)));
  listening.catch(() => {}); // a test that expects a startup failure never awaits it
  return { child, listening, exitCode, output: () => output, kill };
}

/** Runs the CLI to completion (for --help, --version, bad flags). */
export function runCli(args: string[], env: Record<string, string | undefined> = process.env, command: string[] = CLI) {
  const [cmd, ...prefix] = command;
  const result = spawnSync(cmd!, [...prefix, ...args], { env, encoding: "utf8", timeout: 30_000 });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

/**
 * Runs the CLI (or `command`) to completion without blocking this process: for runs against a
 * relay in this process, which must keep answering meanwhile. Killed after 90 s.
 *
 * @example
 * const run = await runCliAsync(["connect", url, "--prompt", "hi"], { env });
 */
export function runCliAsync(
  args: string[],
  options: { env: Record<string, string | undefined>; cwd?: string; command?: string[] },
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const [cmd, ...prefix] = options.command ?? CLI;
  const child = spawn(cmd!, [...prefix, ...args], { env: options.env, cwd: options.cwd, stdio: ["ignore", "pipe", "pipe"] });
  const killer = setTimeout(() => child.kill("SIGKILL"), 90_000);
  let stdout = "";
  let stderr = "";
  child.stdout!.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr!.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
  return new Promise((resolve) =>
    child.on("exit", (code) => {
      clearTimeout(killer);
      resolve({ code, stdout, stderr });
    }),
  );
}

/**
 * True while a process of process group (or session) `pgid` has not ended. Zombies have ended:
 * they only wait for their parent to collect their exit status. Claude's helpers (git, its own
 * subprocesses) killed with its group are orphaned zombies until init collects them, which some
 * inits (this sandbox's, for one) do only every second or so.
 */
export function groupAlive(pgid: number): boolean {
  const result = spawnSync("ps", ["-A", "-o", "pgid=,sess=,stat="], { encoding: "utf8" });
  if (result.status !== 0) throw new Error(`ps failed (${result.status}): ${result.stderr}`);
  return result.stdout.split("\n").some((line) => {
    const [group, session, stat = "Z"] = line.trim().split(/\s+/);
    return (Number(group) === pgid || Number(session) === pgid) && !stat.startsWith("Z");
  });
}
