/**
 * The sessions a client follows besides the default one (v2 `session.attach`), each with its own
 * position, pending requests and state (an {@link AttachedSession}), so events of several sessions
 * are each delivered in seq order, once, and every attachment is re-established from where it
 * stood after a reconnect. Pure: it decides, the client sends.
 *
 * @example
 * ```ts
 * const attachments = new SessionAttachments();
 * attachments.attach("a2c4…", 12);        // 12: the replay starts after seq 12
 * attachments.get("a2c4…")?.accept(event); // { deliver: true } …
 * attachments.reattach();                  // [{ type: "session.attach", sessionId: "a2c4…", lastSeq: 13 }] after a reconnect
 * attachments.retain(["7f0c…"]);           // ["a2c4…"]: it left the relay's list
 * ```
 */
import type { ClientMessage } from "../protocol/messages.ts";
import { AttachedSession } from "./attached-session.ts";

export class SessionAttachments {
  readonly #sessions = new Map<string, AttachedSession>();

  /** The sessions followed, in the order they were attached. */
  get ids(): string[] {
    return [...this.#sessions.keys()];
  }

  get(sessionId: string): AttachedSession | undefined {
    return this.#sessions.get(sessionId);
  }

  /**
   * Follows `sessionId` from `lastSeq` (0: everything the relay holds). Without `lastSeq`, a session
   * already followed keeps its position. Returns the position the attach should name.
   */
  attach(sessionId: string, lastSeq?: number): number {
    const known = this.#sessions.get(sessionId);
    if (known && lastSeq === undefined) return known.lastSeq;
    const session = new AttachedSession({ sessionId, lastSeq: lastSeq ?? 0 });
    this.#sessions.set(sessionId, session);
    return session.lastSeq;
  }

  /**
   * Follows `sessionId` afresh, with no position: its `session.attached` sets one — after a replay
   * of everything the relay holds (`"held"`), or at the answer's `lastSeq` (`"live"`).
   */
  follow(sessionId: string, replay: "held" | "live"): AttachedSession {
    const session = new AttachedSession(undefined, { replayHeld: replay === "held" });
    this.#sessions.set(sessionId, session);
    return session;
  }

  /** Stops following `sessionId`; returns whether it was followed. */
  detach(sessionId: string): boolean {
    return this.#sessions.delete(sessionId);
  }

  /** Forgets the sessions that are not `listed` (stopped: nothing more will come); returns them. */
  retain(listed: Iterable<string>): string[] {
    const keep = new Set(listed);
    const gone = this.ids.filter((sessionId) => !keep.has(sessionId));
    for (const sessionId of gone) this.#sessions.delete(sessionId);
    return gone;
  }

  /** After a (re)login: one `session.attach` per session followed, each from its own position. */
  reattach(): ClientMessage[] {
    return [...this.#sessions].map(([sessionId, session]) => ({ type: "session.attach", sessionId, lastSeq: attachFrom(session) }));
  }
}

/**
 * The `lastSeq` to attach with: where the session stands; 0 (everything held) when followed afresh
 * with a replay; without either, past the newest seq, which replays nothing (live events only).
 *
 * @example
 * attachFrom(new AttachedSession()); // Number.MAX_SAFE_INTEGER
 */
export function attachFrom(session: AttachedSession): number {
  return session.resume()?.lastSeq ?? Number.MAX_SAFE_INTEGER;
}
