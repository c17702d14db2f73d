/**
 * Counters and gauges in the Prometheus text exposition format, served at `GET /metrics`.
 * Counters are incremented where things happen; gauges are read when scraped.
 *
 * @example
 * ```ts
 * const metrics = new Metrics();
 * metrics.inc("claude_relay_auth_failures_total", { reason: "unknown_key" });
 * metrics.render({ claude_relay_clients: 3 });
 * // # HELP claude_relay_auth_failures_total Failed authentications by reason.
 * // # TYPE claude_relay_auth_failures_total counter
 * // claude_relay_auth_failures_total{reason="unknown_key"} 1
 * // …
 * ```
 */

/** Every metric the relay exports, with its help text. */
export const METRIC_HELP = {
  claude_relay_connections_total: ["counter", "WebSocket connections accepted."],
  claude_relay_connections_refused_total: ["counter", "Connections refused on arrival, by reason."],
  claude_relay_auth_failures_total: ["counter", "Failed authentications by reason."],
  claude_relay_frames_rejected_total: ["counter", "Client frames answered with an error, by error code."],
  claude_relay_disconnects_total: ["counter", "Clients cut off by the relay, by reason."],
  claude_relay_deliveries_total: ["counter", "Session event frames written to clients."],
  claude_relay_delivered_bytes_total: ["counter", "Bytes of session event frames written to clients."],
  claude_relay_events_total: ["counter", "Events numbered in the default session (its current seq)."],
  claude_relay_claude_restarts_total: ["counter", "Times the default session's Claude Code was restarted."],
  claude_relay_heartbeat_terminations_total: ["counter", "Clients terminated for not answering pings."],
  claude_relay_connections_open: ["gauge", "Open WebSockets, authenticated or not."],
  claude_relay_clients: ["gauge", "Authenticated clients."],
  claude_relay_pending_permissions: ["gauge", "Permission requests of the default session waiting for an answer."],
  claude_relay_replay_buffer_events: ["gauge", "Events of the default session held for replay."],
  claude_relay_replay_buffer_bytes: ["gauge", "Bytes of the default session held for replay."],
  claude_relay_claude_up: ["gauge", "1 when the default session's Claude Code is ready or busy, else 0."],
  claude_relay_sessions: ["gauge", "Open sessions, the default one included."],
  claude_relay_claude_processes: ["gauge", "Claude Code processes running (sessions that are not idle)."],
  claude_relay_uptime_seconds: ["gauge", "Seconds since the relay started."],
} as const;

export type MetricName = keyof typeof METRIC_HELP;
type Labels = Record<string, string>;

export class Metrics {
  readonly #series = new Map<MetricName, Map<string, number>>();

  /** Adds `by` to the counter `name` with `labels`. */
  inc(name: MetricName, labels: Labels = {}, by = 1): void {
    let series = this.#series.get(name);
    if (!series) {
      series = new Map();
      this.#series.set(name, series);
    }
    const key = labelText(labels);
    series.set(key, (series.get(key) ?? 0) + by);
  }

  /** The exposition text: counted series plus `gauges` read now. */
  render(gauges: Partial<Record<MetricName, number>>): string {
    const lines: string[] = [];
    for (const [name, [type, help]] of Object.entries(METRIC_HELP) as Array<[MetricName, readonly [string, string]]>) {
      const counted = this.#series.get(name);
      const gauge = gauges[name];
      lines.push(`# HELP ${name} ${help}`, `# TYPE ${name} ${type}`);
      if (gauge !== undefined) lines.push(`${name} ${gauge}`);
      else if (counted && counted.size > 0) for (const [labels, value] of counted) lines.push(`${name}${labels} ${value}`);
      else lines.push(`${name} 0`);
    }
    return `${lines.join("\n")}\n`;
  }
}

function labelText(labels: Labels): string {
  const entries = Object.entries(labels);
  if (entries.length === 0) return "";
  return `{${entries.map(([key, value]) => `${key}="${value.replace(/[\\"\n]/g, (c) => (c === "\n" ? "\\n" : `\\${c}`))}"`).join(",")}}`;
}
