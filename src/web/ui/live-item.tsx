/**
 * Claude's text as it is being written, at the end of the conversation: plain text (cheap to draw
 * each frame; the complete message that replaces it is rendered as markdown). It reads the drafts
 * itself, so a delta redraws this item only, at most once per animation frame (live.ts), and
 * tells the log it grew so a reader at the end stays there.
 *
 * @example
 * ```tsx
 * <LiveItem drafts={live.drafts} sessionId={sessionId} grown={() => scrollToEndIfFollowing()} />
 * ```
 */
import type { ReadonlySignal } from "@preact/signals-core";
import { useLayoutEffect } from "preact/hooks";

export function LiveItem({ drafts, sessionId, grown }: { drafts: ReadonlySignal<ReadonlyMap<string, string>>; sessionId: string; grown: () => void }) {
  const text = drafts.value.get(sessionId);
  useLayoutEffect(grown, [text]);
  if (text === undefined) return null;
  return (
    <article class="assistant live" data-testid="live-text" aria-busy="true">
      <p class="live-text">{text}</p>
    </article>
  );
}
