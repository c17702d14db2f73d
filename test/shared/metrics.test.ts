/** GET /metrics against a real relay: Prometheus text whose counters follow what happened. */
import { afterAll, beforeAll, expect, test } from "bun:test";
import { Metrics } from "../../src/shared/metrics.ts";
import { text } from "../support/fake-anthropic.ts";
import { startTestRelay, type TestRelay } from "../support/relay.ts";
import { generateKey, sshKeygenSign } from "../support/ssh.ts";

let relay: TestRelay;
beforeAll(async () => {
  relay = await startTestRelay({ flags: { maxClients: 3 } });
});
afterAll(() => relay.stop());

async function scrape(): Promise<Map<string, number>> {
  const response = await fetch(`${relay.httpUrl}/metrics`);
  expect(response.headers.get("content-type")).toStartWith("text/plain");
  const values = new Map<string, number>();
  for (const line of (await response.text()).split("\n")) {
    if (!line || line.startsWith("#")) continue;
    const space = line.lastIndexOf(" ");
    values.set(line.slice(0, space), Number(line.slice(space + 1)));
  }
  return values;
}

test("counters and gauges follow connections, refusals, bad frames, auth failures and deliveries", async () => {
  const client = await relay.connectAuthenticated();
  client.send("{oops");
  await client.next("error");
  relay.api.enqueue(text("counted"));
  client.send({ type: "prompt", text: "count me" });
  await client.next((frame) => frame.type === "claude.event" && frame.event.type === "result", 20_000);

  const stranger = generateKey(relay.dir, "ed25519", "metrics-stranger");
  const intruder = await relay.connect();
  const challenge = await intruder.next("auth.challenge");
  intruder.send({ type: "auth.response", signature: sshKeygenSign(stranger.privatePath, challenge.challenge) });
  await intruder.closed;

  const fillers = await Promise.all([relay.connect(), relay.connect()]);
  const refused = await relay.connect();
  await refused.closed;

  const metrics = await scrape();
  expect(metrics.get('claude_relay_auth_failures_total{reason="unknown_key"}')).toBe(1);
  expect(metrics.get('claude_relay_frames_rejected_total{code="invalid_json"}')).toBe(1);
  expect(metrics.get('claude_relay_connections_refused_total{reason="server_full"}')).toBe(1);
  expect(metrics.get("claude_relay_connections_total")).toBe(4);
  expect(metrics.get("claude_relay_clients")).toBe(1);
  expect(metrics.get("claude_relay_connections_open")).toBe(3);
  expect(metrics.get("claude_relay_claude_up")).toBe(1);
  expect(metrics.get("claude_relay_events_total")).toBe(relay.relay.session.events.lastSeq);
  expect(metrics.get("claude_relay_deliveries_total")).toBeGreaterThan(3);
  expect(metrics.get("claude_relay_delivered_bytes_total")).toBeGreaterThan(500);
  expect(metrics.get("claude_relay_replay_buffer_events")).toBe(relay.relay.session.events.size);
  await Promise.all([client, ...fillers].map((c) => c.close()));
});

test("/healthz says degraded at capacity", async () => {
  const clients = await Promise.all([relay.connect(), relay.connect(), relay.connect()]);
  const health = await (await fetch(`${relay.httpUrl}/healthz`)).json();
  expect(health.ok).toBe(false);
  expect(health.degraded).toContain("at --max-clients capacity");
  await Promise.all(clients.map((c) => c.close()));
});

test("label values are escaped in the exposition format", () => {
  const metrics = new Metrics();
  metrics.inc("claude_relay_auth_failures_total", { reason: 'a"b\\c\nd' });
  expect(metrics.render({})).toContain('claude_relay_auth_failures_total{reason="a\\"b\\\\c\\nd"} 1');
});
