/**
 * The sessions the page's client follows: exactly those the page needs now (the default one, the
 * one shown, those with permission requests waiting: state/attachments.ts), each attached from
 * where the client stood in it and detached when no longer needed.
 *
 * @example
 * ```ts
 * const following = new SessionFollowing(store, () => client);
 * following.show("a2c4…");                  // shown, and attached
 * client.on("sessions", () => following.follow());
 * ```
 */
import type { RelayClient } from "../../client/client.ts";
import { wantedAttachments } from "../state/attachments.ts";
import type { AppStore } from "../state/store.ts";

export class SessionFollowing {
  readonly #store: AppStore;
  readonly #client: () => RelayClient | undefined;

  constructor(store: AppStore, client: () => RelayClient | undefined) {
    this.#store = store;
    this.#client = client;
  }

  /** Shows another session: attached from where the client stood in it (the replay fills in what is new). */
  show(sessionId: string): void {
    this.#store.show(sessionId);
    this.follow();
  }

  /** Attaches and detaches so the client follows exactly the sessions the page needs now. */
  follow(): void {
    const client = this.#client();
    const store = this.#store;
    if (!client || client.state === "closed") return;
    const wanted = wantedAttachments({
      defaultSessionId: store.defaultSessionId.value,
      shownSessionId: store.activeSessionId.value,
      sessions: store.sessions.value,
      pendingCount: (sessionId) => store.pendingCount(sessionId),
    });
    const followed = client.attachedSessions;
    for (const sessionId of followed) if (!wanted.includes(sessionId)) client.detach(sessionId);
    // From where the client stood in it, or everything the relay holds.
    for (const sessionId of wanted) if (!followed.includes(sessionId)) client.attach(sessionId);
  }
}
