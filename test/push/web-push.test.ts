/**
 * Web Push end to end: a relay in this process with the real Claude CLI (behind the fake
 * Anthropic API), real SSH keys, and a local https push service that decrypts every push with the
 * subscriber's private key and verifies its VAPID JWT (test/support/push-service.ts).
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { readFileSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { text, toolUse } from "../support/fake-anthropic.ts";
import { type PushServiceUnderTest, startPushService } from "../support/push-service.ts";
import { startTestRelay, type TestRelay } from "../support/relay.ts";
import { generateKey, type TestKey } from "../support/ssh.ts";
import { waitFor } from "../support/wait.ts";

let service: PushServiceUnderTest;
let relay: TestRelay;
let phone: TestKey;
let tablet: TestKey;
const timings: number[] = [];

beforeAll(async () => {
  relay = await startTestRelay({ pushPost: (url, init) => service.post(url, init) });
  service = await startPushService(relay.dir);
  phone = generateKey(relay.dir, "ed25519", "phone");
  tablet = generateKey(relay.dir, "ecdsa-256", "tablet");
  writeFileSync(relay.options.authorizedKeysPath, `${[relay.key, phone, tablet].map((key) => key.publicLine).join("\n")}\n`);
}, 30_000);
afterAll(async () => {
  await relay.stop();
  await service.close();
  if (timings.length > 0) console.log(`permission.request → push POST: ${timings.map((ms) => `${ms.toFixed(1)} ms`).join(", ")}`);
});

const subscriptionsFile = () => join(relay.options.stateDir, "push", "subscriptions.json");
const stored = (): Record<string, Array<{ endpoint: string; events: string[] }>> => JSON.parse(readFileSync(subscriptionsFile(), "utf8"));

async function subscribe(key: TestKey, subscription: object, events?: string[]) {
  const client = await relay.connectAuthenticated(undefined, key);
  client.send({ type: "push.subscribe", id: "s", subscription, ...(events && { events }) });
  const reply = await client.next((frame) => frame.id === "s");
  return { client, reply };
}

describe("auth.ok and the VAPID key", () => {
  test("auth.ok carries push.vapidPublicKey, an uncompressed P-256 point kept 0600 in the state dir", async () => {
    const client = await relay.connectAuthenticated();
    const key = client.authOk.push.vapidPublicKey as string;
    const point = Buffer.from(key, "base64url");
    expect(point.length).toBe(65);
    expect(point[0]).toBe(4);
    const file = join(relay.options.stateDir, "push", "vapid.json");
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(JSON.parse(readFileSync(file, "utf8")).publicKey).toBe(key);
    client.close();
  });
});

describe("push.subscribe refusals", () => {
  const device = () => service.subscriber("refused").subscription;
  const cases: Array<[string, (valid: ReturnType<typeof device>) => object]> = [
    ["an http: endpoint", (valid) => ({ ...valid, endpoint: valid.endpoint.replace("https:", "http:") })],
    ["an endpoint that is not a URL", (valid) => ({ ...valid, endpoint: "push service" })],
    ["a p256dh of 64 bytes", (valid) => ({ ...valid, keys: { ...valid.keys, p256dh: Buffer.alloc(64, 4).toString("base64url") } })],
    [
      "a p256dh that is not on the curve",
      (valid) => ({ ...valid, keys: { ...valid.keys, p256dh: Buffer.concat([Buffer.from([4]), Buffer.alloc(64, 1)]).toString("base64url") } }),
    ],
    ["a compressed p256dh", (valid) => ({ ...valid, keys: { ...valid.keys, p256dh: Buffer.alloc(33, 2).toString("base64url") } })],
    ["an auth of 15 bytes", (valid) => ({ ...valid, keys: { ...valid.keys, auth: Buffer.alloc(15).toString("base64url") } })],
    ["an auth that is not base64url", (valid) => ({ ...valid, keys: { ...valid.keys, auth: "not base64!" } })],
    ["no keys", (valid) => ({ endpoint: valid.endpoint })],
  ];
  for (const [what, make] of cases) {
    test(`${what} → invalid_message, nothing stored`, async () => {
      const { client, reply } = await subscribe(relay.key, make(device()));
      expect(reply).toMatchObject({ type: "error", code: "invalid_message", id: "s" });
      expect(JSON.stringify(safeStored())).not.toContain("/push/refused");
      client.close();
    });
  }

  test("an unknown event kind → invalid_message", async () => {
    const { client, reply } = await subscribe(relay.key, device(), ["permission", "lunch"]);
    expect(reply).toMatchObject({ type: "error", code: "invalid_message", id: "s" });
    client.close();
  });
});

function safeStored(): object {
  try {
    return stored();
  } catch {
    return {};
  }
}

describe("pushes", () => {
  test("a permission waits: each endpoint of a key with no client connected gets it within 5 s, decrypted and VAPID-signed; a connected key's does not", async () => {
    const phoneAll = service.subscriber("phone-all");
    const phoneQuiet = service.subscriber("phone-quiet");
    const tabletDevice = service.subscriber("tablet");
    for (const [key, device, events] of [
      [phone, phoneAll, undefined],
      [phone, phoneQuiet, ["permission", "question"]],
    ] as const) {
      const { client, reply } = await subscribe(key, device.subscription, events as string[] | undefined);
      expect(reply).toEqual({ type: "push.subscribed", id: "s" });
      client.close();
      await client.closed;
    }
    const { client: tabletClient, reply } = await subscribe(tablet, tabletDevice.subscription);
    expect(reply).toEqual({ type: "push.subscribed", id: "s" });
    expect(stored()[phone.fingerprint]!.map((subscription) => subscription.events)).toEqual([
      ["permission", "question", "done", "failed"],
      ["permission", "question"],
    ]);
    expect(statSync(subscriptionsFile()).mode & 0o777).toBe(0o600);

    await waitFor(() => relay.relay.gateway.connections.size === 1, 5000, "only the tablet connected");
    const laptop = await relay.connectAuthenticated();
    const file = join(relay.options.cwd, "pushed.txt");
    relay.api.enqueue(toolUse("Write", { file_path: file, content: "x" }), text("wrote it"));
    laptop.send({ type: "prompt", text: "write the file" });
    const request = await laptop.next("permission.request", 30_000);
    const requestedAt = performance.now();

    const [pushed, quiet] = await Promise.all([service.next("phone-all", 5000), service.next("phone-quiet", 5000)]);
    timings.push(pushed.receivedAt - requestedAt);
    expect(pushed.receivedAt - requestedAt).toBeLessThan(5000);
    expect(pushed.payload).toEqual({
      kind: "permission",
      sessionId: relay.relay.sessionId,
      title: expect.stringContaining("Claude asks to use Write"),
      body: file,
      url: `/#session=${relay.relay.sessionId}`,
    });
    expect(quiet.payload.kind).toBe("permission");
    expect(pushed.headers.urgency).toBe("high");
    expect(Number(pushed.headers.ttl)).toBeGreaterThan(0);
    expect(pushed.vapidKey).toBe(laptop.authOk.push.vapidPublicKey);
    expect(pushed.claims.aud).toBe(service.origin);
    expect(pushed.claims.sub).toBe("mailto:claude-relay@localhost");
    const nowS = Date.now() / 1000;
    expect(pushed.claims.exp).toBeGreaterThan(nowS);
    expect(pushed.claims.exp).toBeLessThanOrEqual(nowS + 24 * 3600);

    laptop.send({ type: "permission.response", requestId: request.requestId, behavior: "allow" });
    const done = await service.next("phone-all", 30_000);
    expect(done.payload).toMatchObject({ kind: "done", sessionId: relay.relay.sessionId, body: "wrote it" });
    expect(done.headers.urgency).toBe("normal");
    // every push of a notification is queued at once: had the tablet or the opted-out subscription been meant, they would be here by now
    await waitFor(() => relay.logs.filter((line) => line.msg === "push delivered").length >= 3, 5000, "three deliveries");
    expect(service.count("tablet")).toBe(0);
    expect(service.count("phone-quiet")).toBe(1);
    expect(service.rejected).toEqual([]);
    tabletClient.close();
    laptop.close();
  }, 60_000);

  test("push.unsubscribe removes the key's endpoint (another key's stays); answered push.unsubscribed", async () => {
    const device = service.subscriber("leaving");
    const { client } = await subscribe(phone, device.subscription);
    const other = await relay.connectAuthenticated(undefined, tablet);
    other.send({ type: "push.unsubscribe", id: "u", endpoint: device.subscription.endpoint });
    expect(await other.next((frame) => frame.id === "u")).toEqual({ type: "push.unsubscribed", id: "u" });
    expect(stored()[phone.fingerprint]!.map((subscription) => subscription.endpoint)).toContain(device.subscription.endpoint);
    client.send({ type: "push.unsubscribe", id: "u", endpoint: device.subscription.endpoint });
    expect(await client.next((frame) => frame.id === "u")).toEqual({ type: "push.unsubscribed", id: "u" });
    expect(stored()[phone.fingerprint]!.map((subscription) => subscription.endpoint)).not.toContain(device.subscription.endpoint);
    client.close();
    other.close();
  });

  test("an eleventh subscription of one key replaces its oldest", async () => {
    const key = generateKey(relay.dir, "ed25519", "many");
    writeFileSync(relay.options.authorizedKeysPath, `${[relay.key, phone, tablet, key].map((item) => item.publicLine).join("\n")}\n`);
    const client = await relay.connectAuthenticated(undefined, key);
    const devices = Array.from({ length: 11 }, (_, index) => service.subscriber(`many-${index}`));
    for (const [index, device] of devices.entries()) {
      client.send({ type: "push.subscribe", id: `m${index}`, subscription: device.subscription });
      expect(await client.next((frame) => frame.id === `m${index}`)).toMatchObject({ type: "push.subscribed" });
    }
    expect(stored()[key.fingerprint]!.map((subscription) => subscription.endpoint)).toEqual(devices.slice(1).map((device) => device.subscription.endpoint));
    client.close();
  });
});
