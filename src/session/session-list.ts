/**
 * The relay's open sessions on disk (`open-sessions.json` in the state dir), so a restarted relay
 * lists them again. Each record says where the session runs and what a list shows of it; the
 * session's numbering lives in its own event log. The file is replaced atomically; unreadable
 * files and malformed records are skipped, never fatal.
 *
 * @example
 * ```ts
 * const file = sessionListFile(stateDir);
 * saveSessionList(file, [{ sessionId, cwd: "/home/me/app", createdAt, lastActivity }]);
 * loadSessionList(file); // the same records
 * ```
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { writeFileAtomically } from "../shared/atomic-write.ts";
import { isSessionUuid } from "./session-store.ts";

/** One open session as persisted (times in RFC 3339). */
export interface SessionRecord {
  sessionId: string;
  cwd: string;
  title?: string;
  createdAt: string;
  lastActivity: string;
  /** The relay's default session (`--cwd`) when it was saved. */
  default?: true;
  /** The permission mode and model the session's next Claude must be told (chosen, or as Claude last reported them). */
  settings?: { permissionMode?: string; model?: string };
  /** The relay made `cwd` with `git worktree add -b <branch>` (session.create with `worktree`). */
  worktree?: { branch: string };
}

interface ListFile {
  version: 1;
  sessions: SessionRecord[];
}

export function sessionListFile(stateDir: string): string {
  return join(stateDir, "open-sessions.json");
}

/** The records saved in `file`, oldest first; none when it is missing or unreadable. */
export function loadSessionList(file: string): SessionRecord[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(file, "utf8"));
  } catch {
    return [];
  }
  const sessions = (parsed as Partial<ListFile> | null)?.sessions;
  return Array.isArray(sessions) ? sessions.flatMap((entry) => record(entry) ?? []) : [];
}

export function saveSessionList(file: string, records: readonly SessionRecord[]): void {
  const body: ListFile = { version: 1, sessions: [...records] };
  writeFileAtomically(file, `${JSON.stringify(body, null, 2)}\n`, 0o600);
}

/** A well-formed record built from `value`'s known fields, or undefined. */
function record(value: unknown): SessionRecord | undefined {
  if (typeof value !== "object" || value === null) return undefined;
  const { sessionId, cwd, title, createdAt, lastActivity } = value as Record<string, unknown>;
  if (typeof sessionId !== "string" || !isSessionUuid(sessionId)) return undefined;
  if (typeof cwd !== "string" || typeof createdAt !== "string" || typeof lastActivity !== "string") return undefined;
  const settings = settingsRecord((value as Record<string, unknown>).settings);
  const branch = branchOf(value);
  return {
    sessionId,
    cwd,
    ...(typeof title === "string" && { title }),
    createdAt,
    lastActivity,
    ...((value as Record<string, unknown>).default === true && { default: true as const }),
    ...(settings && { settings }),
    ...(branch !== undefined && { worktree: { branch } }),
  };
}

function branchOf(value: object): string | undefined {
  const worktree = (value as { worktree?: { branch?: unknown } }).worktree;
  return typeof worktree?.branch === "string" ? worktree.branch : undefined;
}

function settingsRecord(value: unknown): SessionRecord["settings"] {
  if (typeof value !== "object" || value === null) return undefined;
  const { permissionMode, model } = value as Record<string, unknown>;
  const settings = { ...(typeof permissionMode === "string" && { permissionMode }), ...(typeof model === "string" && { model }) };
  return Object.keys(settings).length > 0 ? settings : undefined;
}
