/**
 * Each session's live status (`session.status`, v3: context, cost, rate limits, activity, tasks)
 * as last received, and when: the status line's clock ("Bash · 12 s") counts on from there. Kept
 * apart from the store (a relay's status is not part of the conversation); forgotten when the
 * connection is lost, since the relay sends it again after the login or attach.
 *
 * @example
 * ```ts
 * const statuses = new SessionStatuses(Date.now);
 * statuses.received(message);
 * statuses.of.value.get(sessionId); // { status, at }
 * ```
 */
import { signal } from "@preact/signals-core";
import type { SessionStatusMessage } from "../../client/client.ts";

export interface ReceivedStatus {
  status: SessionStatusMessage;
  /** When it was received (ms, the page's clock). */
  at: number;
}

export class SessionStatuses {
  readonly of = signal<ReadonlyMap<string, ReceivedStatus>>(new Map());
  readonly #now: () => number;

  constructor(now: () => number) {
    this.#now = now;
  }

  received(status: SessionStatusMessage): void {
    this.of.value = new Map(this.of.value).set(status.sessionId, { status, at: this.#now() });
  }

  clear(): void {
    if (this.of.value.size > 0) this.of.value = new Map();
  }
}
