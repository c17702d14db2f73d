/**
 * Where a client stands in the relay's session (pure): the session id and the highest `seq`
 * delivered. It decides for every incoming session event whether to deliver it or drop it as a
 * duplicate, notices seqs that jump without an announced `replay.gap`, and produces the `resume`
 * to send when reconnecting.
 *
 * @example
 * ```ts
 * const cursor = new SessionCursor();
 * cursor.join("s1", { resumed: false }); // auth.ok without resume: the first event sets the baseline
 * cursor.accept("s1", 7);              // { deliver: true }
 * cursor.accept("s1", 7);              // { deliver: false } — seen already
 * cursor.accept("s1", 10);             // { deliver: true, gap: { fromSeq: 8, toSeq: 9 } }
 * cursor.resume();                     // { sessionId: "s1", lastSeq: 10 }
 * ```
 */

export interface SeqRange {
  fromSeq: number;
  toSeq: number;
}

export type CursorVerdict = { deliver: false } | { deliver: true; gap?: SeqRange };

export class SessionCursor {
  #sessionId: string | undefined;
  /** undefined: joined without resume and no event yet, so the next seq is the baseline, not a gap. */
  #lastSeq: number | undefined = 0;

  constructor(start?: { sessionId: string; lastSeq: number }) {
    if (start) {
      this.#sessionId = start.sessionId;
      this.#lastSeq = Math.max(0, Math.floor(start.lastSeq));
    }
  }

  get sessionId(): string | undefined {
    return this.#sessionId;
  }

  /** The highest seq delivered in the current session (0 before the first). */
  get lastSeq(): number {
    return this.#lastSeq ?? 0;
  }

  /** What to put in `auth.response.resume`, once there is a session to resume. */
  resume(): { sessionId: string; lastSeq: number } | undefined {
    return this.#sessionId === undefined ? undefined : { sessionId: this.#sessionId, lastSeq: this.lastSeq };
  }

  /**
   * auth.ok. Without a resume, events before joining are not ours to miss: auth.ok's `lastSeq`,
   * or else the first event received, sets the baseline. With one, a changed session starts over from seq 1. Returns whether the
   * session changed.
   */
  join(sessionId: string, { resumed, lastSeq }: { resumed: boolean; lastSeq?: number }): boolean {
    const changed = sessionId !== this.#sessionId;
    if (!resumed) {
      this.#sessionId = sessionId;
      // A relay that says where the session is (auth.ok.lastSeq) sets the baseline now.
      this.#lastSeq = lastSeq;
      return changed;
    }
    return this.adopt(sessionId);
  }

  /** The relay's session, from a frame carrying it. A different session numbers its events from 1 again. Returns whether it changed. */
  adopt(sessionId: string): boolean {
    if (sessionId === this.#sessionId) return false;
    this.#sessionId = sessionId;
    this.#lastSeq = 0;
    return true;
  }

  /** The relay announced that `range` will not be sent: later seqs follow it without a detected gap. */
  skip(range: SeqRange): void {
    if (range.toSeq >= range.fromSeq) this.#lastSeq = Math.max(this.lastSeq, range.toSeq);
  }

  /** Decides on one session event. */
  accept(sessionId: string, seq: number): CursorVerdict {
    this.adopt(sessionId);
    if (this.#lastSeq === undefined) {
      this.#lastSeq = seq;
      return { deliver: true };
    }
    if (seq <= this.#lastSeq) return { deliver: false };
    const expected = this.#lastSeq + 1;
    this.#lastSeq = seq;
    return seq === expected ? { deliver: true } : { deliver: true, gap: { fromSeq: expected, toSeq: seq - 1 } };
  }
}
