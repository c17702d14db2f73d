/**
 * What a list of sessions shows (SessionInfo), from the persisted record and the session's own
 * summary, and the title a session gets from its first prompt. Pure.
 *
 * @example
 * ```ts
 * sessionTitle("  \n  Fix the flaky login test\nIt fails on CI"); // "Fix the flaky login test"
 * toSessionInfo(record, session.summary());
 * // { sessionId, cwd, title, state: "ready", clients: 2, devices: ["me@laptop", "phone"], permissionMode: "default", lastActivity }
 * ```
 */
import type { SessionInfo } from "../protocol/messages.ts";
import { cutWithEllipsis } from "../shared/ellipsis.ts";
import type { SessionRecord } from "./session-list.ts";
import type { SessionSummary } from "./session-ports.ts";

/** Longest title, in characters (code points); longer first lines are cut with an ellipsis. */
export const MAX_TITLE_LENGTH = 80;

/** The first non-blank line of a prompt, trimmed and cut to {@link MAX_TITLE_LENGTH}; undefined for a blank prompt. */
export function sessionTitle(prompt: string): string | undefined {
  const line = prompt
    .split(/\r?\n/)
    .map((part) => part.trim())
    .find((part) => part.length > 0);
  return line === undefined ? undefined : cutWithEllipsis(line, MAX_TITLE_LENGTH);
}

export function toSessionInfo(record: SessionRecord, summary: SessionSummary): SessionInfo {
  return {
    sessionId: record.sessionId,
    cwd: record.cwd,
    ...(record.title !== undefined && { title: record.title }),
    state: summary.state,
    clients: summary.clients,
    ...(summary.devices !== undefined && { devices: summary.devices }),
    permissionMode: summary.permissionMode,
    ...(summary.model !== undefined && { model: summary.model }),
    lastActivity: record.lastActivity,
    ...(record.worktree && { branch: record.worktree.branch, worktree: true }),
  };
}
