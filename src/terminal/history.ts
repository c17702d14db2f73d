/**
 * Which part of the replayed session to show on joining (pure): the last N turns, or only the
 * turn in progress — so a late joiner sees the conversation once, not every event the relay holds.
 *
 * A turn starts with a `user.prompt` and ends with Claude's `result`; Claude answers prompts in
 * order, so the turn in progress is the oldest prompt without a result. A state in which Claude
 * holds no prompts (ready, restarting …) ends whatever was in flight.
 *
 * @example
 * ```ts
 * const start = historyStart(replayed, { turns: 2, working: authOk.state.state === "busy" });  // index of the first event to show, or undefined
 * for (const event of replayed.slice(start ?? replayed.length)) show(event);
 * ```
 */
import type { SessionEventMessage } from "../client/messages.ts";

const WORKING = new Set(["busy", "waiting_permission"]);

/**
 * The index of the first event to show: the start of the last `turns` turns (the one in progress
 * counts as one), or with `turns` 0 the start of the turn in progress. Undefined: nothing to show.
 * `working`: Claude was working when the events end (auth.ok's state).
 *
 * @example
 * historyStart(events, { turns: 0, working: true }); // the turn in progress, if any
 */
export function historyStart(events: readonly SessionEventMessage[], options: { turns: number; working: boolean }): number | undefined {
  const started: number[] = [];
  let inFlight: number[] = [];
  let lastEnd = -1;
  events.forEach((event, index) => {
    if (event.type === "user.prompt") inFlight.push(index);
    if (event.type === "claude.event" && (event.event as { type?: unknown } | null)?.type === "result") {
      const prompt = inFlight.shift();
      if (prompt !== undefined) started.push(prompt);
      lastEnd = index;
    }
    if (event.type === "session.state" && !WORKING.has(event.state) && event.state !== "starting") {
      started.push(...inFlight);
      inFlight = [];
    }
  });
  // The prompt of a turn in progress may have fallen out of the relay's buffer: show from the last end.
  const current = options.working ? (inFlight[0] ?? (lastEnd + 1 < events.length ? lastEnd + 1 : undefined)) : undefined;
  if (!options.working) started.push(...inFlight);
  if (options.turns <= 0) return current;
  const starts = [...started, ...(current !== undefined ? [current] : [])].sort((a, b) => a - b);
  return starts.length === 0 ? undefined : starts[Math.max(0, starts.length - options.turns)];
}
