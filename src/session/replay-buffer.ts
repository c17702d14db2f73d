/**
 * The session's sequence numbers and replay buffer. Each event gets the next `seq` once and is
 * serialized once; the same string goes to every client and stays here, bounded by count and by
 * bytes, for clients that reconnect with `resume.lastSeq`.
 *
 * @example
 * ```ts
 * const buffer = new ReplayBuffer("6f1c…", { maxEvents: 1000, maxBytes: 1 << 20 });
 * const frame = buffer.append({ type: "user.prompt", text: "hi", by: "c1" });
 * // '{"type":"user.prompt","sessionId":"6f1c…","seq":1,"text":"hi","by":"c1"}'
 * buffer.since("6f1c…", 0); // { gap: undefined, frames: [frame] }
 * ```
 */

import { encodeSessionEvent } from "../protocol/encode.ts";

export interface ReplayLimits {
  maxEvents: number;
  maxBytes: number;
}

/**
 * Events the client will not get. `evicted`: fromSeq..toSeq fell out of the buffer. `session_changed`:
 * the client's lastSeq belongs to another session; fromSeq..toSeq (empty when toSeq < fromSeq) are
 * this session's events no longer held, and the frames that follow are all that is.
 */
export interface ReplayGap {
  fromSeq: number;
  toSeq: number;
  reason: "evicted" | "session_changed";
}

export interface Replay {
  gap: ReplayGap | undefined;
  frames: string[];
}

interface Entry {
  seq: number;
  frame: string;
  bytes: number;
}

export class ReplayBuffer {
  #lastSeq = 0;
  #entries: Entry[] = [];
  /** Index of the oldest live entry; the array is compacted lazily to keep appends O(1). */
  #head = 0;
  #bytes = 0;

  constructor(
    readonly sessionId: string,
    readonly limits: ReplayLimits,
    firstSeq = 1,
  ) {
    this.#lastSeq = firstSeq - 1;
  }

  /**
   * Rebuilds a buffer from frames saved earlier (oldest first), e.g. after a relay restart. Numbering
   * continues after the highest seq found, so no seq is ever used twice for a session; frames that
   * do not parse or do not continue the run before them are skipped.
   */
  static restore(sessionId: string, limits: ReplayLimits, frames: readonly string[]): ReplayBuffer {
    const parsed: Array<{ seq: number; frame: string }> = [];
    for (const frame of frames) {
      const seq = seqOf(frame);
      if (seq !== undefined) parsed.push({ seq, frame });
    }
    // The longest consecutive run ending at the newest frame can be replayed; older ones cannot.
    let start = parsed.length - 1;
    while (start > 0 && parsed[start - 1]!.seq === parsed[start]!.seq - 1) start--;
    const run = start >= 0 ? parsed.slice(start) : [];
    const buffer = new ReplayBuffer(sessionId, limits, run[0]?.seq ?? 1);
    for (const { seq, frame } of run) buffer.appendFrame(seq, frame);
    return buffer;
  }

  /** Every frame still held, oldest first (to rewrite a saved log). */
  frames(): string[] {
    return this.#from(this.oldestSeq);
  }

  get lastSeq(): number {
    return this.#lastSeq;
  }

  /** Oldest seq still held, or lastSeq + 1 when empty. */
  get oldestSeq(): number {
    return this.#entries[this.#head]?.seq ?? this.#lastSeq + 1;
  }

  get size(): number {
    return this.#entries.length - this.#head;
  }

  get bytes(): number {
    return this.#bytes;
  }

  /** Numbers and serializes an event (its producer typed it: see UnnumberedEvent) and keeps it for replay. */
  append(event: { type: string } & Record<string, unknown>): string {
    const seq = this.#lastSeq + 1;
    return this.appendFrame(seq, encodeSessionEvent(this.sessionId, seq, event));
  }

  /**
   * Appends a frame serialized by the caller (who must have embedded `seq` = lastSeq + 1), for
   * hot paths that splice a verbatim JSON line into the envelope instead of re-serializing it.
   */
  appendFrame(seq: number, frame: string): string {
    if (seq !== this.#lastSeq + 1) throw new Error(`replay buffer: seq ${seq} out of order (expected ${this.#lastSeq + 1})`);
    this.#lastSeq = seq;
    const bytes = frame.length; // UTF-16 units: a cheap, conservative stand-in for bytes
    this.#entries.push({ seq, frame, bytes });
    this.#bytes += bytes;
    this.#evict();
    return frame;
  }

  /** What a client that saw everything up to `lastSeq` of `sessionId` must be sent now. */
  since(sessionId: string, lastSeq: number): Replay {
    if (sessionId !== this.sessionId) {
      return { gap: { fromSeq: 1, toSeq: this.oldestSeq - 1, reason: "session_changed" }, frames: this.#from(this.oldestSeq) };
    }
    if (lastSeq >= this.#lastSeq) return { gap: undefined, frames: [] };
    const wanted = lastSeq + 1;
    const gap: ReplayGap | undefined = wanted < this.oldestSeq ? { fromSeq: wanted, toSeq: this.oldestSeq - 1, reason: "evicted" } : undefined;
    return { gap, frames: this.#from(Math.max(wanted, this.oldestSeq)) };
  }

  #from(seq: number): string[] {
    const start = this.#head + (seq - this.oldestSeq);
    return this.#entries.slice(start).map((entry) => entry.frame);
  }

  #evict(): void {
    const { maxEvents, maxBytes } = this.limits;
    while (this.size > 0 && (this.size > maxEvents || this.#bytes > maxBytes)) {
      this.#bytes -= this.#entries[this.#head]!.bytes;
      this.#head++;
    }
    if (this.#head > 1024 && this.#head * 2 > this.#entries.length) {
      this.#entries = this.#entries.slice(this.#head);
      this.#head = 0;
    }
  }
}

/** The seq of a serialized session event: it is always among the first fields (type, sessionId, seq). */
function seqOf(frame: string): number | undefined {
  if (!frame.endsWith("}")) return undefined;
  const match = /^\{"type":"[^"]+","sessionId":"[^"]*","seq":(\d+)[,}]/.exec(frame);
  return match ? Number(match[1]) : undefined;
}
