/**
 * The foundation against a real relay (real Claude CLI behind a fake API) and real WebSocket
 * clients over loopback: routes, connection contexts, limits, malformed frames.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { startTestRelay, type TestRelay } from "../support/relay.ts";
import { waitFor } from "../support/wait.ts";
import type { TestClient } from "../support/ws-client.ts";

let relay: TestRelay;
beforeAll(async () => {
  relay = await startTestRelay({ flags: { maxClients: 6, maxMessageBytes: "64KiB" } });
});
afterAll(() => relay.stop());

describe("HTTP routes", () => {
  test("GET /healthz answers JSON with state, clients, claudePid, sessionId, uptime", async () => {
    const response = await fetch(`${relay.httpUrl}/healthz`);
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toContain("application/json");
    const body = await response.json();
    expect(body).toMatchObject({ sessionId: relay.relay.sessionId, clients: expect.any(Number), claudePid: expect.any(Number), uptime: expect.any(Number) });
    expect(["starting", "ready"]).toContain(body.state);
  });

  test("unknown routes get a JSON 404", async () => {
    const response = await fetch(`${relay.httpUrl}/nope`);
    expect(response.status).toBe(404);
    expect(await response.json()).toMatchObject({ error: "not_found" });
  });

  test("GET /ws without an upgrade says what it expects", async () => {
    const response = await fetch(`${relay.httpUrl}/ws`);
    expect(response.status).toBe(426);
    expect((await response.json()).message).toContain("WebSocket");
  });

  test("--port 0 listened on a real port, printed in the startup line", () => {
    expect(relay.relay.port).toBeGreaterThan(0);
    expect(relay.logs.some((line) => line.msg === `listening on ws://127.0.0.1:${relay.relay.port}/ws`)).toBe(true);
  });
});

describe("connections", () => {
  test("a new socket gets auth.challenge in the contract's canonical form", async () => {
    const client = await relay.connect();
    const challenge = await client.next("auth.challenge");
    expect(challenge).toMatchObject({ protocol: 1, namespace: "claude-relay", expiresInMs: 10_000 });
    const lines = challenge.challenge.split("\n");
    expect(lines[0]).toBe("claude-relay-auth v1");
    expect(lines[1]).toBe(`server: 127.0.0.1:${relay.relay.port}`);
    expect(lines[2]).toMatch(/^connection: \S+$/);
    expect(lines[3]).toMatch(/^nonce: [A-Za-z0-9_-]{43}$/);
    expect(new Date(lines[4].slice("expires: ".length)).getTime()).toBeGreaterThan(Date.now());
    await client.close();
  });

  test("each socket has its own context: an error on one never reaches another", async () => {
    const [a, b] = await Promise.all([relay.connect(), relay.connect()]);
    const [challengeA, challengeB] = await Promise.all([a.next("auth.challenge"), b.next("auth.challenge")]);
    expect(challengeA.challenge).not.toBe(challengeB.challenge);
    a.send("{broken");
    expect(await a.next("error")).toMatchObject({ code: "invalid_json" });
    b.send({ type: "ping", id: "b" });
    expect(await b.next("error")).toMatchObject({ code: "not_authenticated", id: "b" });
    expect(b.all("error")).toHaveLength(1);
    expect(a.all("error")).toHaveLength(1);
    await Promise.all([a.close(), b.close()]);
  });

  test("--max-clients: N sockets are served, N+1 gets server_full and 1013, a freed slot is reusable", async () => {
    await waitFor(() => relay.relay.gateway.connections.size === 0);
    const clients = await Promise.all(Array.from({ length: 6 }, () => relay.connect()));
    await Promise.all(clients.map((client) => client.next("auth.challenge")));
    const extra = await relay.connect();
    expect(await extra.next("error")).toMatchObject({ code: "server_full" });
    expect((await extra.closed).code).toBe(1013);
    expect(clients.every((client) => client.isOpen)).toBe(true);
    await clients[0]!.close();
    await waitFor(() => relay.relay.gateway.connections.size === 5);
    const again = await relay.connect();
    expect(await again.next("auth.challenge")).toMatchObject({ type: "auth.challenge" });
    await Promise.all([again, ...clients.slice(1)].map((client) => client.close()));
  });
});

/** Malformed frames: each gets its error code and the socket lives on. */
const malformed: Array<[string, string | Uint8Array<ArrayBuffer>, string, string?]> = [
  ["invalid JSON", "{not json", "invalid_json"],
  ["truncated JSON", '{"type":"prompt","text":"hi"', "invalid_json"],
  ["empty text frame", "", "invalid_json"],
  ["a JSON array", "[]", "invalid_message"],
  ["a JSON string", '"prompt"', "invalid_message"],
  ["a JSON number", "12", "invalid_message"],
  ["JSON null", "null", "invalid_message"],
  ["no type", '{"text":"hi","id":"m1"}', "invalid_message", "m1"],
  ["type not a string", '{"type":["prompt"],"id":"m2"}', "invalid_message", "m2"],
  ["unknown type", '{"type":"shell","cmd":"rm -rf /","id":"m3"}', "unknown_type", "m3"],
  ["prompt with wrong text type", '{"type":"prompt","text":42,"id":"m4"}', "invalid_message", "m4"],
  ["permission.response with bad behavior", '{"type":"permission.response","requestId":"r","behavior":"yes","id":"m5"}', "invalid_message", "m5"],
  ["auth.response with non-string signature", '{"type":"auth.response","signature":123,"id":"m6"}', "invalid_message", "m6"],
  ["resume with a string lastSeq", '{"type":"auth.response","signature":"s","resume":{"sessionId":"x","lastSeq":"5"}}', "invalid_message"],
  ["binary frame", new Uint8Array([0x7b, 0x7d]), "invalid_message"],
  ["__proto__ pollution attempt", '{"type":"prompt","__proto__":{"admin":true},"id":"m7"}', "invalid_message", "m7"],
  ["deep nesting", "[".repeat(5000) + "]".repeat(5000), "invalid_message"],
];

/** Sends every malformed frame on one connection: each gets its code, the socket lives on. */
function expectEachAnswered(connection: () => TestClient): void {
  for (const [name, frame, code, id] of malformed) {
    test(`${name} → ${code}, socket stays open`, async () => {
      const client = connection();
      client.sendRaw(frame);
      const error = await client.next("error");
      expect(error.code).toBe(code);
      expect(error.id).toBe(id);
      expect(typeof error.message).toBe("string");
      expect(client.isOpen).toBe(true);
    });
  }
}

describe("malformed frames before authentication", () => {
  let client: TestClient;
  beforeAll(async () => {
    client = await relay.connect();
    await client.next("auth.challenge");
  });
  afterAll(() => client.close());

  expectEachAnswered(() => client);

  test("a valid message other than auth.response → not_authenticated, nothing reaches Claude", async () => {
    const before = relay.api.messageRequests().length;
    client.send({ type: "prompt", text: "rm -rf ~", id: "sneaky" });
    expect(await client.next("error")).toMatchObject({ code: "not_authenticated", id: "sneaky" });
    await Bun.sleep(100);
    expect(relay.api.messageRequests().length).toBe(before);
    expect(client.isOpen).toBe(true);
  });

  test("an unknown type is logged as a warning naming it", () => {
    expect(
      relay.logs.some((line) => line.level === "warn" && line.msg === "unknown message type" && line.messageType === "shell" && line.clientId && line.remote),
    ).toBe(true);
  });

  test("frames over 16 KiB before authentication → message_too_large and 1009", async () => {
    const big = await relay.connect();
    await big.next("auth.challenge");
    big.send({ type: "auth.response", signature: "x".repeat(20_000) });
    expect(await big.next("error")).toMatchObject({ code: "message_too_large" });
    expect((await big.closed).code).toBe(1009);
  });
});

describe("malformed frames after authentication", () => {
  let client: TestClient;
  beforeAll(async () => {
    client = await relay.connectAuthenticated();
  });
  afterAll(() => client.close());

  expectEachAnswered(() => client);

  test("ping → pong with the id echoed", async () => {
    client.send({ type: "ping", id: "p-1" });
    expect(await client.next("pong")).toEqual({ type: "pong", id: "p-1" });
  });

  test("a second auth.response is refused without closing", async () => {
    client.send({ type: "auth.response", signature: "again", id: "a2" });
    expect(await client.next("error")).toMatchObject({ code: "invalid_message", id: "a2" });
    expect(client.isOpen).toBe(true);
  });

  test("a permission answer for an unknown request → unknown_permission", async () => {
    client.send({ type: "permission.response", requestId: "never-asked", behavior: "allow", id: "x" });
    expect(await client.next("error")).toMatchObject({ code: "unknown_permission", id: "x" });
  });

  test("frames over --max-message-bytes → message_too_large and 1009; others unaffected", async () => {
    const bystander = await relay.connectAuthenticated();
    const big = await relay.connectAuthenticated();
    big.send({ type: "prompt", text: "x".repeat(70 * 1024) });
    expect(await big.next("error")).toMatchObject({ code: "message_too_large" });
    expect((await big.closed).code).toBe(1009);
    bystander.send({ type: "ping", id: "still-here" });
    expect(await bystander.next("pong")).toEqual({ type: "pong", id: "still-here" });
    expect(bystander.all("error")).toHaveLength(0);
    await bystander.close();
  });
});

describe("a flood of invalid frames", () => {
  let strict: TestRelay;
  beforeAll(async () => {
    strict = await startTestRelay({ flags: { maxInvalidFrames: 20 } });
  });
  afterAll(() => strict.stop());

  test("is answered up to the allowance, then cut off with rate_limited and 1013; others are unaffected", async () => {
    const bystander = await strict.connectAuthenticated();
    const flooder = await strict.connectAuthenticated();
    for (let i = 0; i < 30; i++) flooder.send(`{"type":"spam","id":"${i}"}`);
    const closed = await flooder.closed;
    expect(closed.code).toBe(1013);
    const errors = flooder.all("error");
    expect(errors.slice(0, 20).every((error) => error.code === "unknown_type")).toBe(true);
    expect(errors[20]).toMatchObject({ code: "rate_limited" });
    expect(errors).toHaveLength(21);
    bystander.send({ type: "ping", id: "fine" });
    expect(await bystander.next("pong")).toEqual({ type: "pong", id: "fine" });
  });

  test("before authentication it also counts against the address's failed attempts", async () => {
    const outcomes: string[] = [];
    for (let round = 0; round < 12 && !outcomes.includes("rate_limited@open"); round++) {
      const client = await strict.connect();
      const first = await client.next((frame) => frame.type === "auth.challenge" || frame.type === "error");
      if (first.type === "error") {
        outcomes.push(`${first.code}@open`);
        break;
      }
      for (let i = 0; i < 25; i++) client.send("{not json");
      await client.closed;
      outcomes.push(client.all("error").at(-1)!.code);
    }
    expect(outcomes.at(-1)).toBe("rate_limited@open");
    expect(outcomes.slice(0, -1).every((code) => code === "rate_limited")).toBe(true);
  });
});
