/**
 * Which of the relay's sessions a person means (pure): its whole id, or the start of it when only
 * one session's id starts that way — ids are UUIDs, and the first 8 characters, as the terminal
 * client shows them, are plenty to type.
 *
 * @example
 * ```ts
 * findSession(authOk.sessions ?? [], "7f0c");
 * // { ok: true, session: { sessionId: "7f0c3d0e-…", cwd: "/home/me/app", … } }
 * // or { ok: false, problem: "unknown" | "ambiguous", matches: [...], message: "…" }
 * ```
 */
import type { SessionInfo } from "../protocol/messages.ts";

export type SessionLookup = { ok: true; session: SessionInfo } | { ok: false; problem: "unknown" | "ambiguous"; matches: SessionInfo[]; message: string };

/**
 * Finds the session `query` names: an exact id first, else the only id that starts with it
 * (case does not matter).
 *
 * @example
 * findSession([{ sessionId: "a2c4e6f8-…", … }], "a2c4").ok; // true
 */
export function findSession(sessions: readonly SessionInfo[], query: string): SessionLookup {
  const wanted = query.trim().toLowerCase();
  const exact = sessions.find((session) => session.sessionId.toLowerCase() === wanted);
  if (exact) return { ok: true, session: exact };
  const matches = wanted === "" ? [] : sessions.filter((session) => session.sessionId.toLowerCase().startsWith(wanted));
  if (matches.length === 1) return { ok: true, session: matches[0]! };
  if (matches.length > 1) {
    return {
      ok: false,
      problem: "ambiguous",
      matches,
      message: `"${query}" is the start of ${matches.length} sessions' ids (${matches.map((session) => session.sessionId).join(", ")}): give more of it`,
    };
  }
  return {
    ok: false,
    problem: "unknown",
    matches: [],
    message: `the relay has no session "${query}" (it runs ${sessions.length === 1 ? "1 session" : `${sessions.length} sessions`})`,
  };
}
