/**
 * One `git` run as a subprocess: argv only (no shell), in the session's directory, with its output
 * bounded in bytes and its run bounded in time (the process group is killed past either), read
 * as a stream. A repository's own config cannot start programs through these runs: fsmonitor
 * hooks are switched off here and diffs run with `--no-ext-diff --no-textconv`, pathspecs are
 * literal (a `*` in a file name is a character), and no optional locks are taken, so a status
 * never blocks Claude's own `git` commands.
 *
 * git-runner.ts calls this from a worker thread (git-worker.ts): starting a process blocks the
 * calling thread until the child has exec'd, which on a busy machine is milliseconds.
 *
 * @example
 * ```ts
 * const run = await runGitProcess(["status", "--porcelain=v2", "-z"], { cwd: "/home/me/app" });
 * if (run.code === 0) parseStatus(run.stdout);
 * ```
 */
import { defaultAdapter } from "../claude/adapter/index.ts";
import type { ChildHandle } from "../claude/adapter/types.ts";

/** Default bound on the bytes of stdout kept (past it the process is killed and the output marked truncated). */
export const DEFAULT_GIT_OUTPUT_BYTES = 16 * 1024 * 1024;
/** Default time a run may take before its process group is killed. */
export const DEFAULT_GIT_TIMEOUT_MS = 10_000;
/** Bytes of stderr kept for error messages. */
const STDERR_KEPT = 4096;

export interface GitRun {
  /** The exit code; null when git was killed (timeout, output bound) or could not start. */
  code: number | null;
  stdout: Uint8Array;
  /** The start of stderr, trimmed (git's own words on a failure). */
  stderr: string;
  /** stdout went past `maxBytes`: `stdout` holds the first `maxBytes` bytes and git was killed. */
  truncated: boolean;
  /** git ran past `timeoutMs` and was killed. */
  timedOut: boolean;
}

/** Plain data only: the options cross to the worker thread. */
export interface GitRunOptions {
  cwd: string;
  maxBytes?: number;
  timeoutMs?: number;
  /** Tests: another program than `git` on PATH. */
  bin?: string;
}

/** Thrown when git cannot be started at all, or too many runs wait. */
export class GitUnavailableError extends Error {
  override name = "GitUnavailableError";
}

/** `-c` settings that keep a repository's config from running programs during a review. */
const SAFE_CONFIG = ["-c", "core.fsmonitor=false", "-c", "core.quotepath=false", "-c", "color.ui=false"];

/**
 * Runs `git <args>` in `options.cwd` on the calling thread. Resolves with what it printed, also
 * when it failed (check `code`); rejects with {@link GitUnavailableError} when it cannot be started.
 */
export async function runGitProcess(args: readonly string[], options: GitRunOptions): Promise<GitRun> {
  const maxBytes = options.maxBytes ?? DEFAULT_GIT_OUTPUT_BYTES;
  const timeoutMs = options.timeoutMs ?? DEFAULT_GIT_TIMEOUT_MS;
  let child: ChildHandle;
  try {
    child = defaultAdapter().spawn({ cmd: options.bin ?? "git", args: [...SAFE_CONFIG, ...args], cwd: options.cwd, env: gitEnv() });
  } catch (error) {
    throw new GitUnavailableError(`cannot run git: ${(error as Error).message}`);
  }
  child.end();
  let timedOut = false;
  // git leads its own process group (what an alias or hook starts stays in it): one signal ends them all, no process walk
  const stop = () => {
    try {
      process.kill(-child.pid, "SIGKILL");
    } catch {
      // gone already
    }
  };
  const timer = setTimeout(() => {
    timedOut = true;
    stop();
  }, timeoutMs);
  try {
    const [out, err, exit] = await Promise.all([collect(child.stdout, maxBytes, stop), collect(child.stderr, STDERR_KEPT), child.exited]);
    if (exit.code === null && exit.signal === null && !timedOut && !out.truncated) {
      throw new GitUnavailableError(`cannot run git in ${options.cwd}: ${new TextDecoder().decode(err.bytes).trim() || "is it installed?"}`);
    }
    return {
      code: timedOut || out.truncated ? null : exit.code,
      stdout: out.bytes,
      stderr: new TextDecoder().decode(err.bytes).trim(),
      truncated: out.truncated,
      timedOut,
    };
  } finally {
    clearTimeout(timer);
  }
}

/** The environment git runs with: the relay's, made non-interactive and locale-neutral. */
function gitEnv(): Record<string, string | undefined> {
  return {
    ...process.env,
    GIT_LITERAL_PATHSPECS: "1",
    GIT_OPTIONAL_LOCKS: "0",
    GIT_TERMINAL_PROMPT: "0",
    GIT_PAGER: "cat",
    GIT_EXTERNAL_DIFF: undefined,
    LC_ALL: "C",
  };
}

/**
 * Reads `stream` to its end, keeping at most `limit` bytes; once past it, calls `overflow` (which
 * kills the process) and keeps reading so the pipe drains.
 */
async function collect(stream: AsyncIterable<Uint8Array>, limit: number, overflow?: () => void): Promise<{ bytes: Uint8Array; truncated: boolean }> {
  const chunks: Uint8Array[] = [];
  let size = 0;
  let truncated = false;
  try {
    for await (const chunk of stream) {
      if (truncated) continue;
      const room = limit - size;
      if (chunk.length > room) {
        if (room > 0) chunks.push(chunk.subarray(0, room));
        size = limit;
        truncated = true;
        overflow?.();
        continue;
      }
      chunks.push(chunk);
      size += chunk.length;
    }
  } catch {
    // the pipe broke with the process; what was read stands
  }
  const bytes = new Uint8Array(size);
  let at = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, at);
    at += chunk.length;
  }
  return { bytes, truncated };
}
