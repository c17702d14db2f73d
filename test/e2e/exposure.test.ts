/**
 * What the relay shows to other devices: plain ws:// on a network address only when asked for,
 * the narrow `/healthz` and no `/metrics` for non-loopback peers, and no WebSocket for a page
 * from another origin. "Another device" is this machine's own non-loopback address (traffic to
 * it stays on this machine); without one, those tests are skipped and say why.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { request } from "node:http";
import { request as httpsRequest } from "node:https";
import { networkInterfaces } from "node:os";
import { runCli, SYNTHETIC_CLAUDE } from "../support/cli-process.ts";
import { counterValue } from "../support/metrics.ts";
import { startTestRelay, type TestRelay } from "../support/relay.ts";
import { TestClient } from "../support/ws-client.ts";

/** A non-loopback IPv4 address of this machine, if it has one. */
const lanAddress = Object.values(networkInterfaces())
  .flat()
  .find((entry) => entry && entry.family === "IPv4" && !entry.internal)?.address;
const NO_LAN = "this machine has no non-loopback IPv4 address to play the other device";

/** The status of a WebSocket upgrade request: 101 when accepted. */
function upgradeStatus(url: string, headers: Record<string, string>, ca?: string): Promise<{ status: number; body: string }> {
  const { hostname, port, protocol } = new URL(url);
  const send = protocol === "https:" || protocol === "wss:" ? httpsRequest : request;
  return new Promise((resolve, reject) => {
    const req = send({
      host: hostname,
      port: Number(port),
      path: "/ws",
      ...(ca && { ca }),
      headers: { Connection: "Upgrade", Upgrade: "websocket", "Sec-WebSocket-Version": "13", "Sec-WebSocket-Key": "dGhlIHNhbXBsZSBub25jZQ==", ...headers },
    });
    req.on("upgrade", (response, socket) => (socket.destroy(), resolve({ status: response.statusCode ?? 0, body: "" })));
    req.on("response", (response) => {
      let body = "";
      response.on("data", (chunk) => (body += chunk));
      response.on("end", () => resolve({ status: response.statusCode ?? 0, body }));
    });
    req.on("error", reject);
    req.end();
  });
}

function get(url: string, headers: Record<string, string> = {}): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    request(url, { headers }, (response) => {
      let body = "";
      response.on("data", (chunk) => (body += chunk));
      response.on("end", () => resolve({ status: response.statusCode ?? 0, body }));
    })
      .on("error", reject)
      .end();
  });
}

describe("--host without TLS", () => {
  test.each(["0.0.0.0", "::", "192.0.2.10", "laptop.local"])("--host %s alone is refused, naming --tls and --allow-plaintext", (host) => {
    const result = runCli(["serve", "--host", host, "--port", "0"]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(`--host ${host} without TLS`);
    expect(result.stderr).toContain("--tls");
    expect(result.stderr).toContain("--allow-plaintext");
  });

  test.skipIf(!lanAddress)(`--allow-plaintext lets it listen on a network address (${lanAddress ?? NO_LAN})`, async () => {
    const relay = await startTestRelay({ flags: { claudeBin: SYNTHETIC_CLAUDE, host: lanAddress, allowPlaintext: true } });
    try {
      expect(relay.url).toStartWith(`ws://${lanAddress}:`);
      const client = await relay.connectAuthenticated();
      await client.close();
    } finally {
      await relay.stop();
    }
  });
});

describe("what other devices see", () => {
  let relay: TestRelay;
  let port: number;
  beforeAll(async () => {
    relay = await startTestRelay({ flags: { claudeBin: SYNTHETIC_CLAUDE, host: "0.0.0.0", allowPlaintext: true } });
    port = relay.relay.port;
  });
  afterAll(() => relay.stop());

  test("from loopback: /healthz has the details and /metrics the counters", async () => {
    const health = await get(`http://127.0.0.1:${port}/healthz`);
    expect(JSON.parse(health.body)).toMatchObject({ status: expect.stringMatching(/^(ok|degraded)$/), sessionId: relay.relay.sessionId, clients: 0 });
    const metrics = await get(`http://127.0.0.1:${port}/metrics`);
    expect(metrics.status).toBe(200);
    expect(metrics.body).toContain("claude_relay_connections_total");
  });

  test.skipIf(!lanAddress)(`from a non-loopback address (${lanAddress ?? NO_LAN}): /healthz tells only the status, /metrics is 404`, async () => {
    const health = await get(`http://${lanAddress}:${port}/healthz`);
    expect(health.status).toBe(200);
    expect(Object.keys(JSON.parse(health.body))).toEqual(["status"]);
    expect(JSON.parse(health.body).status).toMatch(/^(ok|degraded)$/);
    const metrics = await get(`http://${lanAddress}:${port}/metrics`);
    expect(metrics.status).toBe(404);
    expect(metrics.body).not.toContain("claude_relay");
  });

  test("through a proxy on this machine (X-Forwarded-For): treated as another device", async () => {
    const health = await get(`http://127.0.0.1:${port}/healthz`, { "X-Forwarded-For": "203.0.113.9" });
    expect(Object.keys(JSON.parse(health.body))).toEqual(["status"]);
    expect((await get(`http://127.0.0.1:${port}/metrics`, { Forwarded: "for=203.0.113.9" })).status).toBe(404);
  });

  test("responses carry nosniff, no-referrer and frame denial", async () => {
    const response = await fetch(`http://127.0.0.1:${port}/healthz`);
    expect(response.headers.get("x-content-type-options")).toBe("nosniff");
    expect(response.headers.get("referrer-policy")).toBe("no-referrer");
    expect(response.headers.get("x-frame-options")).toBe("DENY");
  });
});

describe("WebSocket Origin", () => {
  let plain: TestRelay;
  let secure: TestRelay;
  beforeAll(async () => {
    plain = await startTestRelay({ flags: { claudeBin: SYNTHETIC_CLAUDE } });
    secure = await startTestRelay({ flags: { claudeBin: SYNTHETIC_CLAUDE, tls: true, publicUrl: "https://laptop.tail1234.ts.net" } });
  });
  afterAll(() => Promise.all([plain.stop(), secure.stop()]));

  test("a page from another site is refused with 403, logged and counted", async () => {
    const refused = await upgradeStatus(plain.url, { Origin: "https://evil.example" });
    expect(refused.status).toBe(403);
    expect(JSON.parse(refused.body)).toMatchObject({ error: "forbidden_origin" });
    expect(plain.logs.some((line) => line.level === "warn" && line.origin === "https://evil.example")).toBe(true);
    expect(counterValue(plain.relay.gateway.metrics, "claude_relay_connections_refused_total", { reason: "origin" })).toBe(1);
    expect(plain.relay.gateway.connections.size).toBe(0);
  });

  test("same origin and no Origin at all are accepted", async () => {
    const host = new URL(plain.url).host;
    expect((await upgradeStatus(plain.url, { Origin: `http://${host}` })).status).toBe(101);
    expect((await upgradeStatus(plain.url, {})).status).toBe(101);
    const client = await TestClient.connect(plain.url, 5000, { headers: { Origin: `http://${host}` } });
    expect((await client.next("auth.challenge")).type).toBe("auth.challenge");
    await client.close();
  });

  test("another port, another scheme or the literal null are other origins", async () => {
    const { hostname, port } = new URL(plain.url);
    for (const origin of [`http://${hostname}:${Number(port) + 1}`, `https://${hostname}:${port}`, "null"]) {
      expect((await upgradeStatus(plain.url, { Origin: origin })).status).toBe(403);
    }
  });

  test("over TLS the page must be https; --public-url's origin (a proxy in front) is accepted too", async () => {
    const host = new URL(secure.url).host;
    expect((await upgradeStatus(secure.url, { Origin: `https://${host}` }, secure.ca)).status).toBe(101);
    expect((await upgradeStatus(secure.url, { Origin: `http://${host}` }, secure.ca)).status).toBe(403);
    expect((await upgradeStatus(secure.url, { Origin: "https://laptop.tail1234.ts.net" }, secure.ca)).status).toBe(101);
    expect((await upgradeStatus(secure.url, { Origin: "https://laptop.tail1234.ts.net.evil.example" }, secure.ca)).status).toBe(403);
  });
});
