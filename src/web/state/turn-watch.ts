/**
 * Watches the page's conversations for turns that end live and hands each to the Changes view's
 * state, which asks the relay what changed (see changes.ts, turn-changes.ts). Only reads the store.
 *
 * @example
 * ```ts
 * const stop = watchTurns(store, review); // for as long as the page runs
 * ```
 */
import { effect } from "@preact/signals-core";
import type { ReviewState } from "./changes.ts";
import type { AppStore } from "./store.ts";
import { liveTurns } from "./turn-changes.ts";

/** Turn ends remembered as handled, per page (each a few bytes; a long day's work is far below this). */
const MAX_HANDLED = 10_000;

/** Calls `review.turnEnded` once for each turn that ends live in a followed session; returns the function that stops watching. */
export function watchTurns(store: Pick<AppStore, "conversations" | "sessionViews" | "sessions">, review: Pick<ReviewState, "turnEnded">): () => void {
  const handled = new Set<string>();
  // Where each followed session's past ends: the end of its latest replay (the model reports it
  // while catching up), else where it stood when first seen. Turns after it ended live.
  const liveFrom = new Map<string, number>();
  return effect(() => {
    for (const [sessionId, view] of store.sessionViews.value) {
      if (view.replayEnd !== undefined) liveFrom.set(sessionId, view.replayEnd);
      else if (!liveFrom.has(sessionId)) liveFrom.set(sessionId, view.lastSeq);
    }
    for (const sessionId of liveFrom.keys()) if (!store.sessionViews.value.has(sessionId)) liveFrom.delete(sessionId);
    for (const [sessionId, conversation] of store.conversations.value) {
      const end = liveFrom.get(sessionId);
      if (end === undefined) continue; // not joined yet: everything so far is the past
      const key = (turnKey: string) => `${sessionId} ${turnKey}`;
      for (const turn of liveTurns(conversation.items, end, (turnKey) => handled.has(key(turnKey)))) {
        handled.add(key(turn.turnKey));
        if (handled.size > MAX_HANDLED) handled.delete(handled.values().next().value!);
        review.turnEnded(sessionId, store.sessions.peek().find((info) => info.sessionId === sessionId)?.cwd, turn);
      }
    }
  });
}
