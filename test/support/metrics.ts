/**
 * Reads one counter series back from a relay's Metrics the way a scraper would: from the
 * exposition text (`render`), so tests check what `GET /metrics` serves.
 *
 * @example
 * ```ts
 * counterValue(relay.relay.gateway.metrics, "claude_relay_auth_failures_total", { reason: "pair_bad_code" }); // 2
 * ```
 */
import type { MetricName, Metrics } from "../../src/shared/metrics.ts";

/** The series' value; 0 when it has not been counted yet. */
export function counterValue(metrics: Metrics, name: MetricName, labels: Record<string, string> = {}): number {
  const labelText = Object.entries(labels)
    .map(([key, value]) => `${key}="${value}"`)
    .join(",");
  const series = labelText ? `${name}{${labelText}}` : name;
  const line = metrics
    .render({})
    .split("\n")
    .find((text) => text.startsWith(`${series} `));
  return line === undefined ? 0 : Number(line.slice(series.length + 1));
}
