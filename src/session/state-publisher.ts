/**
 * A session's `session.state` as its clients see it published: every distinct state, in order,
 * even one that lasted less than a tick, each at the end of the tick that caused it, so the event
 * that caused a change (a prompt, a permission request, Claude's result) is numbered before it.
 *
 * @example
 * ```ts
 * const states = new StatePublisher({ publish: (event) => fanOut.publish(event), log, onChanged: (state) => observer.stateChanged(state) });
 * states.record({ state: "busy", claudePid: 4242, restarts: 0, clients: 2, devices: ["phone"], permissionMode: "default" });
 * // at the end of the tick: one session.state event
 * ```
 */
import type { Logger } from "../log/logger.ts";
import type { ServerMessage, SessionStateName, UnnumberedEvent } from "../protocol/messages.ts";

/** What session.state carries, without its envelope. */
export type StateSnapshot = Omit<ServerMessage<"session.state">, "type" | "sessionId" | "seq">;

export interface StatePublisherOptions {
  /** Numbers the event and sends it to the session's clients. */
  publish: (event: UnnumberedEvent) => void;
  log: Logger;
  /** The state name, permission mode or model changed (not only the client count or devices). */
  onChanged?: (state: SessionStateName) => void;
}

export class StatePublisher {
  readonly #options: StatePublisherOptions;
  /** Snapshots waiting for the end of the tick. */
  #pending: StateSnapshot[] = [];
  #published: StateSnapshot | undefined;

  constructor(options: StatePublisherOptions) {
    this.#options = options;
  }

  /** Records the state as it is now; published at the end of the tick unless it is the last one recorded. */
  record(snapshot: StateSnapshot): void {
    const last = this.#pending.at(-1) ?? this.#published;
    if (last && sameState(last, snapshot)) return;
    this.#pending.push(snapshot);
    if (this.#pending.length === 1) queueMicrotask(() => this.publishPending());
  }

  /** Publishes the recorded states now (at the end of the tick, or when the session closes). */
  publishPending(): void {
    for (const next of this.#pending.splice(0)) {
      const previous = this.#published;
      const changed = next.state !== previous?.state;
      if (changed) this.#options.log.info(`session ${next.state}`, { claudePid: next.claudePid, restarts: next.restarts, clients: next.clients });
      this.#published = next;
      this.#options.publish({ type: "session.state", ...next });
      if (changed || next.permissionMode !== previous?.permissionMode || next.model !== previous?.model) this.#options.onChanged?.(next.state);
    }
  }
}

function sameState(a: StateSnapshot, b: StateSnapshot): boolean {
  return (
    a.state === b.state &&
    a.clients === b.clients &&
    a.devices === b.devices && // the same array until a device comes or goes (DevicePresence)
    a.claudePid === b.claudePid &&
    a.restarts === b.restarts &&
    a.permissionMode === b.permissionMode &&
    a.model === b.model &&
    a.claudeAuthError?.reason === b.claudeAuthError?.reason
  );
}
