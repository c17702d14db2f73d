/**
 * What `GET /healthz` and the gauges of `GET /metrics` report, joined from the facts each owner
 * gives about itself: the session (Claude's state and credentials, its replay buffer and event
 * log), the gateway (capacity), the key store and the descriptor monitor. No part here decides
 * for another why it is degraded.
 *
 * @example
 * ```ts
 * healthReport(session.health(), [gateway.degraded(), keysDegraded(keys.current()), fds.degraded()], startedAt);
 * // { ok: false, degraded: ["claude restarting"], state: "restarting", clients: 2, …, uptime: 3600 }
 * ```
 */
import type { ParsedAuthorizedKeys } from "../auth/authorized-keys.ts";
import type { SessionHealth } from "../session/session.ts";
import type { Health } from "./app.ts";
import type { MetricName } from "./metrics.ts";

/** The key store's part: nobody can log in when every key is refused (or there is none). */
export function keysDegraded(keys: ParsedAuthorizedKeys): string[] {
  return keys.entries.every((entry) => entry.refused) ? ["no usable authorized key"] : [];
}

/** The `/healthz` body: the session's snapshot, with every owner's degraded reasons joined. */
export function healthReport(session: SessionHealth, others: readonly string[][], startedAt: number, now = Date.now()): Health {
  const degraded = [...session.degraded, ...others.flat()];
  return { ok: degraded.length === 0, ...session, degraded, uptime: Math.round((now - startedAt) / 1000) };
}

/** The gauges (and read-when-scraped counters) of `/metrics`. */
export function relayGauges(
  session: SessionHealth,
  facts: { connectionsOpen: number; heartbeatTerminations: number; startedAt: number },
  now = Date.now(),
): Partial<Record<MetricName, number>> {
  return {
    claude_relay_events_total: session.replay.lastSeq,
    claude_relay_claude_restarts_total: session.restarts,
    claude_relay_heartbeat_terminations_total: facts.heartbeatTerminations,
    claude_relay_connections_open: facts.connectionsOpen,
    claude_relay_clients: session.clients,
    claude_relay_pending_permissions: session.pendingPermissions,
    claude_relay_replay_buffer_events: session.replay.events,
    claude_relay_replay_buffer_bytes: session.replay.bytes,
    claude_relay_claude_up: session.state === "ready" || session.state === "busy" || session.state === "waiting_permission" ? 1 : 0,
    claude_relay_uptime_seconds: Math.round((now - facts.startedAt) / 1000),
  };
}
