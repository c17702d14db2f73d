/**
 * Which events belong to one prompt's turn (pure). Other devices may prompt the same session, and
 * Claude answers prompts one after another, each turn ending with its own `result` line, in the
 * order the relay numbered their `user.prompt`s. So, counting from a moment the session was idle
 * (nothing in flight), the tracker knows how many turns run before ours, which turn is running,
 * and which result ends ours. A Claude that stops (restart, failure, relay restart) while our
 * prompt is in it never answers it: the turn is lost, and says why.
 *
 * @example
 * ```ts
 * const tracker = new TurnTracker({ id: "p-1", text: "hi", clientId: client.clientId });  // created when the session was ready
 * client.prompt("hi", "p-1");
 * client.on("event", (event) => {
 *   const { ours } = tracker.observe(event);
 *   if (tracker.status.phase === "done") console.log(tracker.status.result);
 * });
 * ```
 */
import type { ReplayGapMessage, SessionEventMessage } from "./messages.ts";

export type TurnStatus =
  /** Sent; the relay has not yet numbered our prompt. */
  | { phase: "sent" }
  /** Numbered; `ahead` turns (other devices') end before ours starts. */
  | { phase: "queued"; ahead: number }
  | { phase: "running" }
  /** Claude's `result` line for our turn. */
  | { phase: "done"; result: Record<string, unknown> }
  | { phase: "lost"; reason: string };

/**
 * States in which the prompts Claude holds are still to be answered: working on them, or being
 * started to work on them (a session woken from idle starts Claude for the prompt it got).
 */
const KEEPS_PROMPTS = new Set(["busy", "waiting_permission", "starting"]);

export class TurnTracker {
  readonly #prompt: { id: string; text: string; clientId?: string };
  #status: TurnStatus = { phase: "sent" };
  /** Before our prompt is numbered: turns in flight ahead of it. */
  #before = 0;
  readonly #ownRequests = new Set<string>();

  /** `clientId`: ours when sending, to recognise our prompt on a relay that does not echo `id`. */
  constructor(prompt: { id: string; text: string; clientId?: string }) {
    this.#prompt = prompt;
  }

  get status(): TurnStatus {
    return this.#status;
  }

  /** Whether the turn is over (done or lost). */
  get finished(): boolean {
    return this.#status.phase === "done" || this.#status.phase === "lost";
  }

  /**
   * Takes the next session event (in seq order). `ours`: the event belongs to our turn (our
   * prompt, Claude's lines while it runs, its permission requests and their answers).
   */
  observe(event: SessionEventMessage): { ours: boolean } {
    if (this.finished) return { ours: false };
    const status = this.#status;
    switch (event.type) {
      case "user.prompt":
        if (status.phase !== "sent" || !this.#isOurs(event)) {
          if (status.phase === "sent") this.#before += 1;
          return { ours: false };
        }
        this.#status = this.#before > 0 ? { phase: "queued", ahead: this.#before } : { phase: "running" };
        return { ours: true };
      case "claude.event": {
        const isResult = (event.event as { type?: unknown } | null)?.type === "result";
        if (status.phase === "running") {
          if (isResult) this.#status = { phase: "done", result: event.event as Record<string, unknown> };
          return { ours: true };
        }
        if (isResult && status.phase === "sent") this.#before = Math.max(0, this.#before - 1);
        if (isResult && status.phase === "queued") this.#status = status.ahead > 1 ? { phase: "queued", ahead: status.ahead - 1 } : { phase: "running" };
        return { ours: false };
      }
      case "permission.request":
        if (status.phase !== "running") return { ours: false };
        this.#ownRequests.add(event.requestId);
        return { ours: true };
      case "permission.resolved":
        return { ours: this.#ownRequests.delete(event.requestId) };
      case "session.state":
        if (KEEPS_PROMPTS.has(event.state)) return { ours: false };
        if (status.phase === "sent") {
          // Whatever was in flight is answered or gone; ours was not numbered yet and will be.
          this.#before = 0;
          return { ours: false };
        }
        this.#status = { phase: "lost", reason: lostReason(event.state) };
        return { ours: true };
    }
  }

  /** Events that will never arrive: if the turn was under way, its end may be among them. */
  gap(gap: Pick<ReplayGapMessage, "fromSeq" | "toSeq">): void {
    if (this.finished || gap.toSeq < gap.fromSeq) return;
    this.#status = {
      phase: "lost",
      reason: `events ${gap.fromSeq}–${gap.toSeq} of the session never arrived (the relay no longer held them), so the turn's end is unknown`,
    };
  }

  #isOurs(event: Extract<SessionEventMessage, { type: "user.prompt" }>): boolean {
    if (event.id !== undefined) return event.id === this.#prompt.id;
    return event.by === this.#prompt.clientId && event.text === this.#prompt.text;
  }
}

function lostReason(state: string): string {
  switch (state) {
    case "ready":
      return "Claude became idle without answering the prompt (was the relay restarted?); send it again";
    case "restarting":
      return "Claude exited during the turn (the relay restarts it with the conversation so far; send the prompt again)";
    case "failed":
      return "Claude failed on the relay's machine (it crashed repeatedly); see the relay's log";
    default:
      return `Claude stopped during the turn (${state})`;
  }
}
