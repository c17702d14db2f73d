/**
 * A lock file holding the owner's pid, so only one process at a time uses a directory (one relay
 * per state dir). Taken with an exclusive create (`O_EXCL`: of two processes creating it at once,
 * exactly one succeeds); a lock whose pid is no longer alive (a relay killed with SIGKILL, a power
 * cut) is taken over; released by its owner on an orderly stop.
 *
 * Taking over a stale lock is careful about a third process: the stale file is first moved aside,
 * and when what was moved is not the stale content that was read (another process took the lock in
 * between), it is put back and that process is the holder.
 *
 * @example
 * ```ts
 * try {
 *   const lock = acquirePidLock(join(stateDir, "relay.lock"));
 *   // … use the directory …
 *   lock.release();
 * } catch (error) {
 *   if (error instanceof LockHeldError) console.error(`pid ${error.pid} holds ${error.path}`);
 * }
 * ```
 */
import { closeSync, linkSync, openSync, readFileSync, renameSync, rmSync, writeSync } from "node:fs";

/** The lock is held by another process that is still alive. */
export class LockHeldError extends Error {
  override name = "LockHeldError";
  constructor(
    readonly path: string,
    readonly pid: number,
  ) {
    super(`${path} is held by process ${pid}`);
  }
}

export interface PidLock {
  readonly path: string;
  /** Removes the lock file, if it is still this process's. */
  release(): void;
}

/** Attempts at creating the file; each failed one found a stale lock and moved it away. */
const ATTEMPTS = 5;

/**
 * Creates `path` holding `pid`, or takes it over from a dead process; throws {@link LockHeldError}
 * when a live process holds it (this one included: a second relay in the same process).
 *
 * @example
 * const lock = acquirePidLock("/home/me/.local/state/claude-relay/relay.lock");
 */
export function acquirePidLock(path: string, pid: number = process.pid): PidLock {
  const content = `${pid}\n`;
  for (let attempt = 0; attempt < ATTEMPTS; attempt++) {
    if (createExclusive(path, content)) return { path, release: () => removeIfOwned(path, content) };
    const held = readLock(path);
    if (held === undefined) continue; // removed in between: try again
    const holder = parsePid(held);
    if (holder !== undefined && isAlive(holder)) throw new LockHeldError(path, holder);
    moveAsideIfStill(path, held);
  }
  throw new Error(`cannot take the lock ${path}: it keeps changing (other processes are starting at the same time)`);
}

/**
 * Whether process `pid` exists (signal 0 checks without sending anything; EPERM means it exists
 * but belongs to another user).
 *
 * @example
 * isAlive(process.pid); // true
 */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

function createExclusive(path: string, content: string): boolean {
  let fd: number;
  try {
    fd = openSync(path, "wx", 0o600);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "EEXIST") return false;
    throw error;
  }
  try {
    writeSync(fd, content);
  } finally {
    closeSync(fd);
  }
  return true;
}

function readLock(path: string): string | undefined {
  try {
    return readFileSync(path, "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw error;
  }
}

/** The pid in a lock file's text; undefined for an empty or garbled file (a crash while writing it). */
function parsePid(text: string): number | undefined {
  const pid = Number(text.trim());
  return Number.isSafeInteger(pid) && pid > 0 ? pid : undefined;
}

/** Removes the stale lock `path` when it still reads `stale`; a lock taken meanwhile by another process stays. */
function moveAsideIfStill(path: string, stale: string): void {
  const aside = `${path}.${process.pid}.stale`;
  try {
    renameSync(path, aside);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return;
    throw error;
  }
  if (readLock(aside) !== stale) {
    try {
      linkSync(aside, path); // put the live lock back, unless yet another one is there now
    } catch {
      // a newer lock exists: that process holds it
    }
  }
  rmSync(aside, { force: true });
}

function removeIfOwned(path: string, content: string): void {
  if (readLock(path) === content) rmSync(path, { force: true });
}
