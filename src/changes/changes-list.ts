/**
 * `changes.get`: what changed in a session's directory against HEAD, from git. One quick
 * `rev-parse` says whether the directory is in a repository (and where in it, and whether it has
 * a commit yet); then `git status` (untracked files listed one by one, .gitignore respected,
 * renames found by git) and `git diff --numstat` run side by side. Untracked files' lines are
 * counted from the files themselves, opened under the path rules. Only the session directory is
 * listed (a session in a repository's subdirectory sees that subdirectory), with paths relative
 * to it. Past `maxFiles` the list is cut and marked truncated.
 *
 * @example
 * ```ts
 * await listChanges("/home/me/app");
 * // { git: true, branch: "main", truncated: false, files: [{ path: "src/a.ts", status: "modified", additions: 3, deletions: 1 }] }
 * await listChanges("/tmp"); // { git: false, files: [], truncated: false }
 * ```
 */
import { posix } from "node:path";
import { runGit } from "./git-runner.ts";
import { type LineCounts, parseNumstat } from "./numstat-parser.ts";
import { openInside } from "./safe-open.ts";
import { type ChangeStatus, parseStatus, type StatusEntry } from "./status-parser.ts";
import { countLines, MAX_COUNTED_BYTES, readHead } from "./untracked-file.ts";

/** Files listed at most in one `changes` reply. */
export const MAX_CHANGED_FILES = 2000;
/** Bytes of `git status` / `git diff --numstat` output read at most: 2000 entries fit many times over, and parsing stays short. */
const MAX_LISTING_BYTES = 2 * 1024 * 1024;

export interface ChangedFile extends LineCounts {
  path: string;
  status: ChangeStatus;
  /** A rename's path before, relative to the session directory. */
  from?: string;
}

export interface ChangesList {
  git: boolean;
  branch?: string;
  files: ChangedFile[];
  truncated: boolean;
}

/** Where a directory stands in git: outside any repository, or at `prefix` (e.g. `sub/`, `` at the top) of one. */
export type RepositoryPlace = { git: false } | { git: true; prefix: string; unborn: boolean };

/** Whether `cwd` is in a work tree, where in it, and whether HEAD has a commit yet. */
export async function repositoryPlace(cwd: string): Promise<RepositoryPlace> {
  const run = await runGit(["rev-parse", "--show-prefix", "--verify", "-q", "HEAD"], { cwd, maxBytes: 64 * 1024 });
  if (run.code !== 0 && run.code !== 1) return { git: false };
  const prefix = new TextDecoder().decode(run.stdout).split("\n")[0] ?? "";
  return { git: true, prefix, unborn: run.code === 1 };
}

/** The tree HEAD is compared against: HEAD, or the empty tree in a repository without a commit. */
export async function baseTree(cwd: string, unborn: boolean): Promise<string> {
  if (!unborn) return "HEAD";
  const run = await runGit(["hash-object", "-t", "tree", "--stdin"], { cwd, maxBytes: 1024 });
  return new TextDecoder().decode(run.stdout).trim();
}

export async function listChanges(cwd: string, options: { maxFiles?: number } = {}): Promise<ChangesList> {
  const maxFiles = options.maxFiles ?? MAX_CHANGED_FILES;
  const place = await repositoryPlace(cwd);
  if (!place.git) return { git: false, files: [], truncated: false };
  const base = await baseTree(cwd, place.unborn);
  const [status, numstat] = await Promise.all([
    runGit(["status", "--porcelain=v2", "-z", "--branch", "--untracked-files=all", "--renames", "--", "."], { cwd, maxBytes: MAX_LISTING_BYTES }),
    runGit(["diff", "--numstat", "-z", "-M", "--no-ext-diff", "--no-textconv", base, "--", "."], { cwd, maxBytes: MAX_LISTING_BYTES }),
  ]);
  if (status.code !== 0 && !status.truncated) throw new Error(`git status failed: ${status.timedOut ? "timed out" : status.stderr || "no reason given"}`);
  const parsed = parseStatus(completeRecords(status.stdout, status.truncated));
  const counts = parseNumstat(completeRecords(numstat.stdout, numstat.truncated));
  const listed = parsed.entries.slice(0, maxFiles);
  const files = await Promise.all(listed.map((entry) => changedFile(cwd, place.prefix, entry, counts)));
  return {
    git: true,
    ...(parsed.branch !== undefined && { branch: parsed.branch }),
    files,
    truncated: status.truncated || parsed.entries.length > maxFiles,
  };
}

/** The output as text, without a last record cut short by the output bound. */
function completeRecords(bytes: Uint8Array, truncated: boolean): string {
  const text = new TextDecoder().decode(bytes);
  return truncated ? text.slice(0, text.lastIndexOf("\0") + 1) : text;
}

async function changedFile(cwd: string, prefix: string, entry: StatusEntry, counts: Map<string, LineCounts>): Promise<ChangedFile> {
  const path = posix.relative(prefix || ".", entry.path);
  const lines = entry.status === "untracked" ? await untrackedLines(cwd, path) : (counts.get(entry.path) ?? { additions: 0, deletions: 0 });
  return { path, status: entry.status, ...lines, ...(entry.from !== undefined && { from: posix.relative(prefix || ".", entry.from) }) };
}

/** An untracked file's line count; a file the path rules refuse (a symlink out, a FIFO …) is listed without counts. */
async function untrackedLines(cwd: string, path: string): Promise<LineCounts> {
  const opened = await openInside(cwd, path);
  if (!opened.ok) return { additions: 0, deletions: 0 };
  try {
    if (opened.size > MAX_COUNTED_BYTES) return { additions: 0, deletions: 0, binary: true };
    return countLines(await readHead(opened.handle, opened.size, MAX_COUNTED_BYTES));
  } finally {
    await opened.handle.close();
  }
}
