/**
 * Which sessions the page follows besides the default one (pure). The default session is joined
 * at every login anyway. Of the others: the one shown, and every one with a permission request
 * waiting — known from its conversation, or from the list's `waiting_permission` state for one
 * not followed yet — so the session list can count them and the page can notify. A session that
 * is neither is detached: its events would only cost the phone bandwidth; its conversation stays
 * in the store and the next attach replays only what came after it.
 *
 * @example
 * ```ts
 * wantedAttachments({ defaultSessionId: "d", shownSessionId: "a", sessions, pendingCount: () => 0 }); // ["a"]
 * ```
 */
import type { SessionInfo } from "./session-words.ts";

export interface AttachmentInput {
  defaultSessionId: string | undefined;
  shownSessionId: string | undefined;
  sessions: readonly SessionInfo[];
  /** Permission requests known to wait in a session. */
  pendingCount: (sessionId: string) => number;
}

/** The sessions to follow besides the default one, in the list's order. */
export function wantedAttachments({ defaultSessionId, shownSessionId, sessions, pendingCount }: AttachmentInput): string[] {
  return sessions
    .filter(
      ({ sessionId, state }) =>
        sessionId !== defaultSessionId && (sessionId === shownSessionId || state === "waiting_permission" || pendingCount(sessionId) > 0),
    )
    .map(({ sessionId }) => sessionId);
}
