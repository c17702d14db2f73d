/**
 * Worktrees for sessions (`session.create` with `worktree`, `session.stop` with `removeWorktree`):
 * a new branch checked out in its own directory, so two Claudes in one repository never edit the
 * same files. The worktree goes to `<repository>/.claude/worktrees/<branch>` (kept out of the
 * repository's own status through `info/exclude`) or under `serve --worktree-dir DIR`. Removal
 * keeps the branch and refuses a worktree with uncommitted changes.
 *
 * Refusals: a branch name git would not take (`git check-ref-format --branch`) or one that exists
 * already → `invalid_message`; a directory outside any repository, a repository without a commit,
 * or a worktree path that exists → `invalid_session_dir`.
 *
 * @example
 * ```ts
 * const made = await addWorktree("/home/me/app", "fix-login", {});
 * // { ok: true, path: "/home/me/app/.claude/worktrees/fix-login" }
 * await worktreeIsDirty(made.path); // false
 * await removeWorktree(made.path);  // { ok: true }
 * ```
 */
import { existsSync } from "node:fs";
import { appendFile, mkdir, readFile, realpath } from "node:fs/promises";
import { dirname, isAbsolute, join } from "node:path";
import { runGit } from "./git-runner.ts";

export type WorktreeAdded = { ok: true; path: string } | { ok: false; code: "invalid_message" | "invalid_session_dir"; message: string };

/** Where worktrees go inside a repository (and what its info/exclude gains). */
const IN_REPOSITORY = join(".claude", "worktrees");
const EXCLUDE_LINE = "/.claude/worktrees/";

const text = (bytes: Uint8Array) => new TextDecoder().decode(bytes).trim();

/** Makes branch `branch` and its worktree for the repository `cwd` belongs to. */
export async function addWorktree(cwd: string, branch: string, options: { worktreeDir?: string }): Promise<WorktreeAdded> {
  const shown = JSON.stringify(branch);
  // `-x` would be an option; `@{…}` is expanded by check-ref-format rather than refused
  const format = branch.startsWith("-") || branch.includes("@{") ? undefined : await runGit(["check-ref-format", "--branch", branch], { cwd, maxBytes: 4096 });
  if (format?.code !== 0 || text(format.stdout) !== branch) {
    return { ok: false, code: "invalid_message", message: `worktree: ${shown} is not a valid branch name (git check-ref-format --branch)` };
  }
  const top = await runGit(["rev-parse", "--show-toplevel"], { cwd, maxBytes: 64 * 1024 });
  if (top.code !== 0) return { ok: false, code: "invalid_session_dir", message: `worktree: ${JSON.stringify(cwd)} is not in a git repository` };
  const repository = text(top.stdout);
  const exists = await runGit(["rev-parse", "--verify", "-q", `refs/heads/${branch}`], { cwd: repository, maxBytes: 4096 });
  if (exists.code === 0) return { ok: false, code: "invalid_message", message: `worktree: branch ${shown} exists already; choose a new branch name` };
  const base = options.worktreeDir ?? join(repository, IN_REPOSITORY);
  const path = join(base, branch);
  if (existsSync(path)) return { ok: false, code: "invalid_session_dir", message: `worktree: ${JSON.stringify(path)} exists already` };
  const added = await runGit(["worktree", "add", "-b", branch, "--", path], { cwd: repository, maxBytes: 64 * 1024 });
  if (added.code !== 0) {
    return { ok: false, code: "invalid_session_dir", message: `worktree: git worktree add failed: ${added.stderr || "no reason given"}` };
  }
  if (options.worktreeDir === undefined) await excludeWorktrees(repository);
  return { ok: true, path: await realpath(path) };
}

/** Whether the worktree at `path` has uncommitted changes (tracked or untracked; ignored files do not count). */
export async function worktreeIsDirty(path: string): Promise<boolean> {
  const status = await runGit(["status", "--porcelain", "-z", "--untracked-files=all"], { cwd: path, maxBytes: 4096 });
  if (status.code !== 0 && !status.truncated) throw new Error(`git status failed in ${path}: ${status.stderr || "no reason given"}`);
  return status.stdout.length > 0;
}

/** `git worktree remove` (never forced: git refuses a worktree that changed meanwhile); the branch stays. */
export async function removeWorktree(path: string): Promise<{ ok: true } | { ok: false; message: string }> {
  const removed = await runGit(["worktree", "remove", "--", path], { cwd: path, maxBytes: 64 * 1024 });
  return removed.code === 0 ? { ok: true } : { ok: false, message: removed.stderr || "git worktree remove failed" };
}

/** Adds the worktrees' directory to the repository's info/exclude once, so the main checkout's status does not list them. */
async function excludeWorktrees(repository: string): Promise<void> {
  const common = await runGit(["rev-parse", "--git-common-dir"], { cwd: repository, maxBytes: 64 * 1024 });
  if (common.code !== 0) return;
  const dir = text(common.stdout);
  const exclude = join(isAbsolute(dir) ? dir : join(repository, dir), "info", "exclude");
  const current = await readFile(exclude, "utf8").catch(() => "");
  if (current.split("\n").includes(EXCLUDE_LINE)) return;
  await mkdir(dirname(exclude), { recursive: true });
  await appendFile(exclude, `${current === "" || current.endsWith("\n") ? "" : "\n"}${EXCLUDE_LINE}\n`);
}
