/**
 * Checks, before anything starts, that the directories `serve` (and the service `install` sets up)
 * depend on are usable: Claude's working directory exists and can be entered, and the state
 * directory is (or can be created as) a writable directory. Nothing is created here, so a refused
 * command line leaves no trace, and `install --dry-run` can run the same checks.
 *
 * A path the user gave is a usage error (exit 2) naming the flag; a default that does not work is a
 * start-up failure (exit 1) saying which flag chooses another.
 *
 * @example
 * ```ts
 * checkWorkingDirectory("/no/such/dir", true);
 * // UsageError: --cwd /no/such/dir does not exist; Claude needs an existing directory to work in
 * checkStateDir("/etc/passwd/relay", true);
 * // UsageError: --state-dir /etc/passwd/relay cannot be created: /etc/passwd is not a directory
 * ```
 */
import { accessSync, constants, type Stats, statSync } from "node:fs";
import { dirname } from "node:path";
import { UsageError } from "./usage-error.ts";

export function checkWorkingDirectory(path: string, explicit: boolean): void {
  const fail = (problem: string) =>
    failure(explicit ? `--cwd ${path}` : `the working directory ${path} (the current directory; choose one with --cwd DIR)`, problem, explicit);
  const stat = statOf(path);
  if (stat === undefined) throw fail("does not exist; Claude needs an existing directory to work in");
  if (!stat.isDirectory()) throw fail("is not a directory; Claude needs a directory to work in");
  const denied = accessProblem(path, constants.X_OK | constants.R_OK);
  if (denied) throw fail(`cannot be entered (${denied})`);
}

export function checkStateDir(path: string, explicit: boolean): void {
  const fail = (problem: string) =>
    failure(explicit ? `--state-dir ${path}` : `the state directory ${path} (the default; choose another with --state-dir DIR)`, problem, explicit);
  const stat = statOf(path);
  if (stat !== undefined) {
    if (!stat.isDirectory()) throw fail("is not a directory");
    const denied = accessProblem(path, constants.W_OK | constants.X_OK);
    if (denied) throw fail(`is not writable (${denied})`);
    return;
  }
  // It will be created: the nearest existing ancestor must be a directory we can write in.
  let ancestor = dirname(path);
  let ancestorStat = statOf(ancestor);
  while (ancestorStat === undefined && dirname(ancestor) !== ancestor) {
    ancestor = dirname(ancestor);
    ancestorStat = statOf(ancestor);
  }
  if (ancestorStat === undefined) throw fail("cannot be created: no part of the path exists");
  if (!ancestorStat.isDirectory()) throw fail(`cannot be created: ${ancestor} is not a directory`);
  const denied = accessProblem(ancestor, constants.W_OK | constants.X_OK);
  if (denied) throw fail(`cannot be created: ${ancestor} is not writable (${denied})`);
}

function failure(subject: string, problem: string, explicit: boolean): Error {
  const message = `${subject} ${problem}`;
  return explicit ? new UsageError(message) : new Error(message);
}

/** The entry's stat (following links), or undefined when nothing is there. */
function statOf(path: string): Stats | undefined {
  try {
    return statSync(path);
  } catch {
    return undefined;
  }
}

/** Why `path` cannot be accessed as asked, in words, or undefined when it can. */
function accessProblem(path: string, mode: number): string | undefined {
  try {
    accessSync(path, mode);
    return undefined;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    return code === "EROFS" ? "read-only file system" : code === "EACCES" || code === "EPERM" ? "permission denied" : (error as Error).message;
  }
}
