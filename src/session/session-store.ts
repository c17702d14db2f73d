/**
 * Remembers the Claude session id per working directory in the state dir, so a restarted relay
 * resumes the same conversation. (Claude keeps transcripts per project directory, so a session id
 * is only resumable from the directory it was created in.)
 *
 * @example
 * ```ts
 * const { sessionId, resumed } = loadOrCreateSessionId({ stateDir, cwd, fresh: false });
 * ```
 */
import { randomUUID } from "node:crypto";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { writeFileAtomically } from "../shared/atomic-write.ts";

export interface SessionIdOptions {
  stateDir: string;
  cwd: string;
  /** --new-session: forget the stored id and start a new conversation. */
  fresh: boolean;
  newId?: () => string;
}

interface StateFile {
  version: 1;
  sessions: Record<string, { sessionId: string; updatedAt: string }>;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Whether `id` has the shape of a Claude session id (a UUID). */
export function isSessionUuid(id: string): boolean {
  return UUID.test(id);
}

/** The stored session id for `cwd`, or a new one (stored before it is returned). */
export function loadOrCreateSessionId(options: SessionIdOptions): { sessionId: string; resumed: boolean; file: string } {
  const file = join(options.stateDir, "sessions.json");
  const state = readState(file);
  const stored = state.sessions[options.cwd]?.sessionId;
  if (!options.fresh && stored && isSessionUuid(stored)) return { sessionId: stored, resumed: true, file };
  const sessionId = (options.newId ?? randomUUID)();
  state.sessions[options.cwd] = { sessionId, updatedAt: new Date().toISOString() };
  writeFileAtomically(file, `${JSON.stringify(state, null, 2)}\n`, 0o600);
  return { sessionId, resumed: false, file };
}

function readState(file: string): StateFile {
  try {
    const parsed = JSON.parse(readFileSync(file, "utf8")) as Partial<StateFile>;
    if (parsed && typeof parsed.sessions === "object" && parsed.sessions !== null) {
      return { version: 1, sessions: Object.assign(Object.create(null), parsed.sessions) };
    }
  } catch {
    // missing or unreadable: start a new state file
  }
  return { version: 1, sessions: Object.create(null) };
}
