/**
 * What `session.stop` with `removeWorktree` checks and does for the session manager: only a
 * session the relay made a worktree for may have it removed, and only while that worktree has no
 * uncommitted changes (`worktree_dirty`, and the session goes on); after the session's Claude has
 * ended, `git worktree remove` (never forced) removes it, keeping the branch.
 *
 * @example
 * ```ts
 * const refusal = await worktreeRemovalRefusal(record); // undefined, or { code: "worktree_dirty", message }
 * if (!refusal) { await session.end(); await removeSessionWorktree(record, log); }
 * ```
 */
import type { Logger } from "../log/logger.ts";
import type { SessionRecord } from "../session/session-list.ts";
import { removeWorktree, worktreeIsDirty } from "./worktree.ts";

export type WorktreeRefusal = { code: "invalid_message" | "worktree_dirty" | "internal"; message: string };

/** Why the session's worktree may not be removed now, or undefined when it may. */
export async function worktreeRemovalRefusal(record: SessionRecord): Promise<WorktreeRefusal | undefined> {
  const shown = JSON.stringify(record.cwd);
  if (!record.worktree) {
    return {
      code: "invalid_message",
      message: `session ${record.sessionId} runs in ${shown}, not in a worktree the relay made; stop it without removeWorktree`,
    };
  }
  try {
    if (!(await worktreeIsDirty(record.cwd))) return undefined;
  } catch (error) {
    return { code: "internal", message: `cannot tell whether ${shown} has uncommitted changes: ${(error as Error).message}` };
  }
  return {
    code: "worktree_dirty",
    message: `the worktree ${shown} (branch ${JSON.stringify(record.worktree.branch)}) has uncommitted changes: commit or discard them first; the session goes on`,
  };
}

/** Removes the session's worktree once its Claude has ended; whether it was removed (git refuses one that changed meanwhile). */
export async function removeSessionWorktree(record: SessionRecord, log: Logger): Promise<boolean> {
  const removed = await removeWorktree(record.cwd).catch((error: unknown) => ({ ok: false as const, message: String(error) }));
  if (removed.ok) log.info("worktree removed; its branch stays", { sessionId: record.sessionId, cwd: record.cwd, branch: record.worktree?.branch });
  else log.warn("worktree kept: git worktree remove refused", { sessionId: record.sessionId, cwd: record.cwd, reason: removed.message });
  return removed.ok;
}
