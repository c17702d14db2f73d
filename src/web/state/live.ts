/**
 * Claude's text as it is written (the live view, v3): per session, the main thread's text block
 * in progress, grown from `claude.partial` deltas and dropped when the complete `assistant` line
 * arrives (it supersedes the partials: the conversation shows that one), when the turn ends, and
 * when the connection is lost (partials are never replayed; the replay brings the complete
 * message). A sub-agent's partials (`parent_tool_use_id`) are not the conversation's text.
 *
 * Deltas are folded into the signal at most once per animation frame (`schedule`), so a long
 * reply costs one small redraw of the live item per frame, never one of the conversation; the
 * complete message drops the draft at once, in the same render that shows the message.
 *
 * @example
 * ```ts
 * const live = new LiveText(requestAnimationFrame);
 * live.partial(partialMessage);   // "The " … then "The answer " …
 * live.drafts.value.get(sessionId); // what the live item shows
 * live.event(assistantEvent);     // the draft goes; the conversation has the message
 * ```
 */
import { signal } from "@preact/signals-core";
import type { ClaudePartialMessage, SessionEventMessage } from "../../client/client.ts";
import { liveTextAfter } from "../../client/live-text.ts";

/** Runs `flush` before the next frame is drawn (requestAnimationFrame; a timer while the page is hidden). */
export type FrameScheduler = (flush: () => void) => void;

export class LiveText {
  /** sessionId → the text being written there now (absent: none). What the live item shows. */
  readonly drafts = signal<ReadonlyMap<string, string>>(new Map());
  readonly #schedule: FrameScheduler;
  /** The drafts as the deltas left them, ahead of `drafts` until the next frame. */
  #current = new Map<string, string>();
  #scheduled = false;

  constructor(schedule: FrameScheduler) {
    this.#schedule = schedule;
  }

  /** A `claude.partial`: the draft grows (shown at the next frame). */
  partial(message: ClaudePartialMessage): void {
    if (this.#apply(message.sessionId, message.event) && !this.#scheduled) {
      this.#scheduled = true;
      this.#schedule(() => this.#flush());
    }
  }

  /** A session event: the complete message or the turn's end drops the draft now. */
  event(event: SessionEventMessage): void {
    if (event.type === "claude.event" && this.#apply(event.sessionId, event.event) && !this.#current.has(event.sessionId)) this.#flush();
  }

  /** The connection is lost: what was being written comes back whole with the replay. */
  clear(): void {
    if (this.#current.size === 0 && this.drafts.value.size === 0) return;
    this.#current = new Map();
    this.#flush();
  }

  /** Whether the line changed the session's draft. */
  #apply(sessionId: string, line: unknown): boolean {
    const before = this.#current.get(sessionId);
    const after = liveTextAfter(before, line);
    if (after === before) return false;
    if (after === undefined) this.#current.delete(sessionId);
    else this.#current.set(sessionId, after);
    return true;
  }

  #flush(): void {
    this.#scheduled = false;
    this.drafts.value = new Map(this.#current);
  }
}
