/**
 * What a client knows about one relay session it receives events from (pure): where it stands
 * (the session cursor: duplicates dropped, gaps noticed, the resume to send) and which
 * permission requests still wait for an answer. A client attached to several sessions holds one
 * per session.
 *
 * @example
 * ```ts
 * const session = new AttachedSession();
 * session.joined(authOk, { resumed: false });   // position and pending requests from auth.ok
 * const verdict = session.accept(event);       // { deliver: true } | { deliver: false } | { deliver: true, gap }
 * session.pendingPermissions;                  // oldest first
 * ```
 */
import type { AuthOkMessage, PermissionRequestMessage, ReplayGapMessage, SessionEventMessage } from "./messages.ts";
import { SessionCursor, type CursorVerdict } from "./session-cursor.ts";

export class AttachedSession {
  readonly #cursor: SessionCursor;
  readonly #pending = new Map<string, PermissionRequestMessage>();

  /** `start`: a position saved earlier, to resume from. */
  constructor(start?: { sessionId: string; lastSeq: number }) {
    this.#cursor = new SessionCursor(start);
  }

  get sessionId(): string | undefined {
    return this.#cursor.sessionId;
  }

  /** The highest seq delivered (0 before the first). */
  get lastSeq(): number {
    return this.#cursor.lastSeq;
  }

  /** Permission requests still waiting for an answer, oldest first. */
  get pendingPermissions(): PermissionRequestMessage[] {
    return [...this.#pending.values()].sort((a, b) => a.seq - b.seq);
  }

  /** What to put in `auth.response.resume`, once there is a session to resume. */
  resume(): { sessionId: string; lastSeq: number } | undefined {
    return this.#cursor.resume();
  }

  /**
   * `auth.ok`: the relay's session and the requests pending right now. Returns whether the relay
   * runs a different session than the one resumed.
   */
  joined(ok: AuthOkMessage, { resumed }: { resumed: boolean }): boolean {
    const changed = this.#cursor.join(ok.sessionId, { resumed, lastSeq: ok.lastSeq });
    this.#pending.clear();
    for (const request of ok.state.pendingPermissions) this.#pending.set(request.requestId, request);
    return changed && resumed;
  }

  /** The relay announced events it will not send. */
  gapAnnounced(gap: ReplayGapMessage): void {
    this.#cursor.adopt(gap.sessionId);
    this.#cursor.skip(gap);
  }

  /** Decides on one session event; a delivered one updates the pending requests. */
  accept(event: SessionEventMessage): CursorVerdict {
    const verdict = this.#cursor.accept(event.sessionId, event.seq);
    if (!verdict.deliver) return verdict;
    if (event.type === "permission.request") this.#pending.set(event.requestId, event);
    if (event.type === "permission.resolved") this.#pending.delete(event.requestId);
    return verdict;
  }
}
