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
 *
 * A session detached is remembered where it stood, so attaching it again (without a position)
 * replays only what came after; forgotten once it leaves the relay's list.
 */
import type { ClientMessage } from "../protocol/messages.ts";
import { AttachedSession } from "./attached-session.ts";

export class SessionAttachments {
  readonly #sessions = new Map<string, AttachedSession>();
  /** Where the sessions detached stood. */
  readonly #left = new Map<string, number>();

  /** The sessions followed, in the order they were attached. */
  get ids(): string[] {
    return [...this.#sessions.keys()];
  }

  get(sessionId: string): AttachedSession | undefined {
    return this.#sessions.get(sessionId);
  }

  /** Every session followed. */
  all(): AttachedSession[] {
    return [...this.#sessions.values()];
  }

  /**
   * Follows `sessionId` from `lastSeq` (0: everything the relay holds). Without `lastSeq`, a session
   * already followed keeps its position, and one detached earlier goes on from where it stood.
   * Returns the position the attach should name.
   */
  attach(sessionId: string, lastSeq?: number): number {
    const known = this.#sessions.get(sessionId);
    if (known && lastSeq === undefined) return known.lastSeq;
    const session = new AttachedSession({ sessionId, lastSeq: lastSeq ?? this.#left.get(sessionId) ?? 0 });
    this.#left.delete(sessionId);
    this.#sessions.set(sessionId, session);
    return session.lastSeq;
  }

  /**
   * Follows `sessionId` afresh, with no position: its `session.attached` sets one — after a replay
   * of everything the relay holds (`"held"`), or at the answer's `lastSeq` (`"live"`).
   */
  follow(sessionId: string, replay: "held" | "live"): AttachedSession {
    this.#left.delete(sessionId);
    const session = new AttachedSession(undefined, { replayHeld: replay === "held" });
    this.#sessions.set(sessionId, session);
    return session;
  }

  /** Stops following `sessionId` (remembering where it stood); returns whether it was followed. */
  detach(sessionId: string): boolean {
    const session = this.#sessions.get(sessionId);
    if (session?.sessionId !== undefined) this.#left.set(sessionId, session.lastSeq);
    return this.#sessions.delete(sessionId);
  }

  /** Forgets the sessions that are not `listed` (stopped: nothing more will come); returns them. */
  retain(listed: Iterable<string>): string[] {
    const keep = new Set(listed);
    for (const sessionId of this.#left.keys()) if (!keep.has(sessionId)) this.#left.delete(sessionId);
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
