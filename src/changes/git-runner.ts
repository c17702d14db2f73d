/**
 * Runs `git` for the review messages, off the relay's event loop: the runs go to one worker
 * thread (git-worker.ts), which starts the processes and reads their output (git-process.ts has
 * the bounds and the safety settings). Starting a process blocks the starting thread until the
 * child has exec'd; on a busy 2-core machine that took 1 ms on average and up to 14 ms per git
 * run, three runs per `changes.get`, time in which the relay forwarded no line of Claude's to
 * any client (docs/benchmarks.md, "Reviewing changes"). Where there is no `Worker` (Node), runs
 * start on the calling thread.
 *
 * At most {@link MAX_CONCURRENT_GIT} runs at once (the relay's machine may have 2 cores); later
 * ones wait their turn, and past {@link MAX_WAITING_GIT} waiting a run is refused at once.
 *
 * @example
 * ```ts
 * const run = await runGit(["status", "--porcelain=v2", "-z"], { cwd: "/home/me/app" });
 * if (run.code === 0) parseStatus(run.stdout);
 * ```
 */
import { type GitRun, type GitRunOptions, GitUnavailableError, runGitProcess } from "./git-process.ts";
import type { GitWorkerRequest } from "./git-worker.ts";

export { DEFAULT_GIT_OUTPUT_BYTES, DEFAULT_GIT_TIMEOUT_MS, type GitRun, type GitRunOptions, GitUnavailableError } from "./git-process.ts";

/** git processes running at once, relay-wide. */
export const MAX_CONCURRENT_GIT = 4;
/** Runs that may wait for a free slot before further ones are refused. */
export const MAX_WAITING_GIT = 64;

const slots = { running: 0, waiting: [] as Array<() => void> };

/**
 * Runs `git <args>` in `options.cwd`. Resolves with what it printed, also when it failed (check
 * `code`); rejects with {@link GitUnavailableError} when it cannot be started.
 *
 * @example
 * ```ts
 * const { stdout, truncated } = await runGit(["diff", "HEAD", "--", "a.txt"], { cwd, maxBytes: 1 << 20 });
 * ```
 */
export async function runGit(args: readonly string[], options: GitRunOptions): Promise<GitRun> {
  await acquireSlot();
  try {
    return typeof Worker === "undefined" ? await runGitProcess(args, options) : await runInWorker(args, options);
  } finally {
    releaseSlot();
  }
}

async function acquireSlot(): Promise<void> {
  if (slots.running < MAX_CONCURRENT_GIT) {
    slots.running++;
    return;
  }
  if (slots.waiting.length >= MAX_WAITING_GIT) throw new GitUnavailableError(`more than ${MAX_WAITING_GIT} git runs are waiting; try again shortly`);
  // the slot is handed over by releaseSlot: `running` stays counted
  await new Promise<void>((resolve) => slots.waiting.push(resolve));
}

function releaseSlot(): void {
  const next = slots.waiting.shift();
  if (next) next();
  else slots.running--;
}

type GitWorkerReply = { id: number; run: GitRun } | { id: number; error: string; unavailable: boolean };
interface Pending {
  resolve(run: GitRun): void;
  reject(error: Error): void;
}
/** Bun's Worker can be told not to keep the process alive; Deno's has no such switch. */
type RefWorker = Worker & { ref?(): void; unref?(): void };

let thread: { worker: RefWorker; pending: Map<number, Pending> } | undefined;
let lastId = 0;

function runInWorker(args: readonly string[], options: GitRunOptions): Promise<GitRun> {
  const { worker, pending } = gitThread();
  const id = ++lastId;
  const request: GitWorkerRequest = {
    id,
    args: [...args],
    options: { cwd: options.cwd, maxBytes: options.maxBytes, timeoutMs: options.timeoutMs, bin: options.bin },
  };
  return new Promise<GitRun>((resolve, reject) => {
    pending.set(id, { resolve, reject });
    worker.ref?.(); // a run in flight keeps the process alive, as a subprocess would
    worker.postMessage(request);
  });
}

/**
 * Where git-worker.ts is, seen from the module at `moduleUrl`: beside it in the source; in the
 * compiled binary every bundled module has the bundle's URL, and scripts/build.ts embeds the worker
 * entry at its path under src/.
 *
 * @example
 * ```ts
 * gitWorkerUrl("file:///app/src/changes/git-runner.ts"); // "file:///app/src/changes/git-worker.ts"
 * gitWorkerUrl("file:///$bunfs/root/claude-relay"); // "file:///$bunfs/root/changes/git-worker.ts"
 * ```
 */
export function gitWorkerUrl(moduleUrl: string): string {
  const bundled = !moduleUrl.endsWith("/changes/git-runner.ts");
  return new URL(bundled ? "./changes/git-worker.ts" : "./git-worker.ts", moduleUrl).href;
}

/** The worker thread, started on first use (and again after it failed). */
function gitThread(): NonNullable<typeof thread> {
  if (thread) return thread;
  const worker: RefWorker = new Worker(gitWorkerUrl(import.meta.url), { type: "module" });
  const pending = new Map<number, Pending>();
  worker.onmessage = ({ data }: MessageEvent<GitWorkerReply>) => {
    const waiter = pending.get(data.id);
    pending.delete(data.id);
    if (pending.size === 0) worker.unref?.();
    if ("run" in data) waiter?.resolve(data.run);
    else waiter?.reject(data.unavailable ? new GitUnavailableError(data.error) : new Error(data.error));
  };
  worker.onerror = (event: ErrorEvent) => {
    event.preventDefault();
    if (thread?.worker === worker) thread = undefined;
    worker.terminate();
    for (const waiter of pending.values()) waiter.reject(new GitUnavailableError(`git's worker thread failed: ${event.message}`));
    pending.clear();
  };
  thread = { worker, pending };
  return thread;
}
