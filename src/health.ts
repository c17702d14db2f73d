/**
 * What `GET /healthz` and the gauges of `GET /metrics` report, joined from the facts each owner
 * gives about itself: each session (Claude's state and credentials, its replay buffer and event
 * log), the gateway (capacity), the key store and the descriptor monitor. No part here decides
 * for another why it is degraded. The top-level fields are the default session's, as in v1.
 *
 * @example
 * ```ts
 * healthReport(sessions.health(), [gateway.degraded(), keysDegraded(keys.current()), fds.degraded()], startedAt);
 * // { ok: false, degraded: ["claude restarting"], state: "restarting", clients: 2, …, sessions: [{ sessionId, cwd, state, … }], uptime: 3600 }
 * ```
 */
import type { ParsedAuthorizedKeys } from "./auth/authorized-keys.ts";
import type { Health } from "./server/app.ts";
import type { SessionHealth } from "./session/session-ports.ts";
import type { MetricName } from "./shared/metrics.ts";

/** The key store's part: nobody can log in when every key is refused (or there is none). */
export function keysDegraded(keys: ParsedAuthorizedKeys): string[] {
  return keys.entries.every((entry) => entry.refused) ? ["no usable authorized key"] : [];
}

/** One session in `/healthz`'s `sessions`. */
export type SessionFacts = Pick<SessionHealth, "sessionId" | "state" | "clients" | "claudePid" | "restarts" | "pendingPermissions"> & {
  cwd: string;
  lastSeq: number;
};

/**
 * The `/healthz` body: the default session's snapshot (the first of `sessions`), every session's
 * facts, and every owner's degraded reasons joined (another session's prefixed with its id).
 */
export function healthReport(
  sessions: Readonly<[SessionHealth & { cwd: string }, ...Array<SessionHealth & { cwd: string }>]>,
  others: readonly string[][],
  startedAt: number,
  now = Date.now(),
): Health {
  const [main, ...rest] = sessions;
  const degraded = [
    ...main.degraded,
    ...rest.flatMap((session) => session.degraded.map((reason) => `session ${session.sessionId}: ${reason}`)),
    ...others.flat(),
  ];
  const { cwd: _, ...fields } = main;
  return { ok: degraded.length === 0, ...fields, degraded, sessions: sessions.map(sessionFacts), uptime: Math.round((now - startedAt) / 1000) };
}

function sessionFacts(session: SessionHealth & { cwd: string }): SessionFacts {
  const { sessionId, cwd, state, clients, claudePid, restarts, pendingPermissions } = session;
  return { sessionId, cwd, state, clients, claudePid, restarts, pendingPermissions, lastSeq: session.replay.lastSeq };
}

/** The gauges (and read-when-scraped counters) of `/metrics`. */
export function relayGauges(
  session: SessionHealth,
  facts: { connectionsOpen: number; clients: number; sessions: number; claudeProcesses: number; heartbeatTerminations: number; startedAt: number },
  now = Date.now(),
): Partial<Record<MetricName, number>> {
  return {
    claude_relay_events_total: session.replay.lastSeq,
    claude_relay_claude_restarts_total: session.restarts,
    claude_relay_heartbeat_terminations_total: facts.heartbeatTerminations,
    claude_relay_connections_open: facts.connectionsOpen,
    claude_relay_clients: facts.clients,
    claude_relay_sessions: facts.sessions,
    claude_relay_claude_processes: facts.claudeProcesses,
    claude_relay_pending_permissions: session.pendingPermissions,
    claude_relay_replay_buffer_events: session.replay.events,
    claude_relay_replay_buffer_bytes: session.replay.bytes,
    claude_relay_claude_up: session.state === "ready" || session.state === "busy" || session.state === "waiting_permission" ? 1 : 0,
    claude_relay_uptime_seconds: Math.round((now - facts.startedAt) / 1000),
  };
}
