/**
 * The live view's wiring to a client (v3): its `claude.partial` frames grow the text being
 * written, its session events settle it, its `session.status` frames are kept for the status
 * line, and a lost connection forgets both (the relay sends them again after the login).
 *
 * @example
 * ```ts
 * new PageLink({ url, store, signer, onClient: (client) => linkLiveView(client, live, statuses) });
 * ```
 */
import type { RelayClient } from "../../client/client.ts";
import type { LiveText } from "../state/live.ts";
import type { SessionStatuses } from "../state/status.ts";

export function linkLiveView(client: RelayClient, live: LiveText, statuses: SessionStatuses): void {
  client.on("claude.partial", (message) => live.partial(message));
  client.on("event", (event) => live.event(event));
  client.on("session.status", (status) => statuses.received(status));
  client.on("disconnect", () => {
    live.clear();
    statuses.clear();
  });
}
