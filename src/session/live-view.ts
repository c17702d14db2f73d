/**
 * A session's live view (v3): Claude's text as it is produced (`claude.partial`) for the clients
 * that asked for it, the session's status (`session.status`) for those and for clients that asked
 * `session.status.get`, and `task.stop`.
 *
 * Partial frames are never numbered, stored or replayed. Each is serialized once and goes out in
 * the session's next flush, in its place among the numbered events of that flush, to the clients
 * that opted in only: {@link batchFor} gives them one merged batch (built once per flush), every
 * other client gets the numbered frames alone (fan-out.ts). The status is folded from every Claude line
 * (status.ts) and sent at most once per `statusIntervalMs` (default 500 ms: 2 a second).
 *
 * @example
 * ```ts
 * const live = new LiveView({ sessionId, claude });
 * live.subscribe(client, true);                                    // attached with "partial":true
 * if (live.observe(line, event, fanOut.queued)) fanOut.flushSoon(); // a stream_event: not a numbered event
 * const partials = live.takePartials(numberedFrames);              // at the flush
 * for (const c of clients) c.sendBatch(partials && live.wantsPartials(c) ? partials : numberedFrames);
 * ```
 */

import { encodePartial, encodeServerMessage } from "../protocol/encode.ts";
import { type Clock, systemClock } from "../shared/clock.ts";
import { Throttle } from "../shared/throttle.ts";
import type { ClaudePort, SessionClient } from "./session-ports.ts";
import { SessionStatus } from "./status.ts";

export interface LiveViewOptions {
  sessionId: string;
  /** The session's Claude: its process ending ends its tasks; `task.stop` is its `stop_task`. */
  claude: Pick<ClaudePort, "state" | "on" | "control">;
  /** session.status goes out at most this often (default 500 ms). */
  statusIntervalMs?: number;
  clock?: Clock;
}

export class LiveView {
  readonly #sessionId: string;
  readonly #clock: Clock;
  /** Clients that get claude.partial. */
  readonly #partial = new Set<SessionClient>();
  /** Clients that get session.status (every partial client, and those that asked for it). */
  readonly #status = new Set<SessionClient>();
  readonly #tracker = new SessionStatus();
  readonly #updates: Throttle;
  readonly #claude: LiveViewOptions["claude"];
  readonly #unsubscribe: () => void;
  /** Partial frames of the coming flush, each after the first `at` numbered frames of it. */
  #pending: Array<{ at: number; frame: string }> = [];

  constructor(options: LiveViewOptions) {
    this.#sessionId = options.sessionId;
    this.#clock = options.clock ?? systemClock;
    this.#updates = new Throttle(options.statusIntervalMs ?? 500, () => this.#publishStatus(), this.#clock);
    this.#claude = options.claude;
    this.#unsubscribe = options.claude.on("state", (state) => {
      if (state !== "ready" && state !== "busy" && state !== "starting") this.#claudeGone();
    });
  }

  /**
   * A client attached (auth.ok or session.attach): `partial` is its choice for this session,
   * replacing an earlier one. A client that opts in gets the status now, then its updates.
   */
  subscribe(client: SessionClient, partial: boolean): void {
    if (!partial) {
      this.#partial.delete(client);
      return;
    }
    this.#partial.add(client);
    this.sendStatus(client, undefined);
  }

  /** A client left the session. */
  leave(client: SessionClient): void {
    this.#partial.delete(client);
    this.#status.delete(client);
  }

  /**
   * One line of Claude's: folds it into the status, and for a `stream_event` (a delta of the
   * message being written) queues its partial frame when anyone wants it; `queued` is how many
   * numbered frames the coming flush holds so far. True for a stream_event: it is not a session
   * event, so it is not numbered, stored or sent to anyone else.
   */
  observe(line: string, event: Record<string, unknown>, queued: number): boolean {
    if (this.#tracker.observe(event, this.#clock.now()) && this.#status.size > 0) this.#updates.request();
    if (event.type !== "stream_event") return false;
    if (this.#partial.size > 0) this.#pending.push({ at: queued, frame: encodePartial(this.#sessionId, line) });
    return true;
  }

  /** Whether a flush has partial frames to send. */
  get hasPartials(): boolean {
    return this.#pending.length > 0;
  }

  /**
   * At a flush: the batch for partial clients (the numbered frames with the partials in their
   * places), or undefined when there are no partials; forgets them either way.
   */
  takePartials(numbered: readonly string[]): string[] | undefined {
    if (this.#pending.length === 0) return undefined;
    const pending = this.#pending;
    this.#pending = [];
    if (this.#partial.size === 0) return undefined;
    const merged: string[] = [];
    let next = 0;
    for (const { at, frame } of pending) {
      while (next < at) merged.push(numbered[next++]!);
      merged.push(frame);
    }
    while (next < numbered.length) merged.push(numbered[next++]!);
    return merged;
  }

  /** Whether `client` asked for partial frames (it gets the merged batch of a flush). */
  wantsPartials(client: SessionClient): boolean {
    return this.#partial.has(client);
  }

  /** `session.status.get`: the status now, to this client; it gets the later updates too. */
  sendStatus(client: SessionClient, id: string | undefined): void {
    this.#status.add(client);
    client.send(this.#statusFrame(id));
  }

  /** Claude's process ended (crashed, restarting, stopped): its tasks and activity with it. */
  #claudeGone(): void {
    if (this.#tracker.claudeGone() && this.#status.size > 0) this.#updates.request();
  }

  /**
   * `task.stop`: Claude's `stop_task` for a task that runs now. Claude answers success even for ids
   * it does not know, so unknown (or finished) ids are refused here with `unknown_task`.
   */
  stopTask(client: SessionClient, taskId: string, id: string | undefined): void {
    if (!this.#tracker.isRunningTask(taskId)) {
      return client.sendError("unknown_task", `no running task ${JSON.stringify(taskId)} in this session; session.status lists its tasks`, id);
    }
    client.log.info("stopping a task", { taskId });
    void this.#claude.control("stop_task", { task_id: taskId }).then((result) => {
      if (!result.ok) client.sendError("claude_unavailable", `Claude did not stop task ${JSON.stringify(taskId)}: ${result.error}`, id);
    });
  }

  /** Stops the status timer and listening to Claude (the session closes). */
  close(): void {
    this.#unsubscribe();
    this.#updates.cancel();
  }

  #publishStatus(): void {
    if (this.#status.size === 0) return;
    const frame = this.#statusFrame(undefined);
    for (const client of this.#status) client.send(frame);
  }

  #statusFrame(id: string | undefined): string {
    const status = this.#tracker.snapshot(this.#clock.now());
    return encodeServerMessage({ type: "session.status", sessionId: this.#sessionId, ...(id !== undefined && { id }), ...status });
  }
}
