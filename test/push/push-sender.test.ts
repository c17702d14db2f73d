/**
 * PushSender and SubscriptionStore against the local https push service: a gone endpoint is
 * forgotten on disk, 429 with Retry-After is retried after it, 5xx gives up after the bounded
 * attempts, and send() never waits for the network.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { silentLogger } from "../../src/log/silent-logger.ts";
import { pushMessage } from "../../src/push/payload.ts";
import { PushSender } from "../../src/push/push-sender.ts";
import { subscribedEvents } from "../../src/push/subscription.ts";
import { SubscriptionStore } from "../../src/push/subscription-store.ts";
import { generateVapidKeys } from "../../src/push/vapid-keys.ts";
import { type PushServiceUnderTest, type Subscriber, startPushService } from "../support/push-service.ts";
import { makeTempDir, removeTempDir } from "../support/ssh.ts";
import { waitFor } from "../support/wait.ts";

let dir: string;
let service: PushServiceUnderTest;
beforeAll(async () => {
  dir = makeTempDir("push-sender-");
  service = await startPushService(dir);
});
afterAll(async () => {
  await service.close();
  removeTempDir(dir);
});

const notification = { event: "permission" as const, sessionId: "s-1", cwd: "/home/me/app", time: new Date().toISOString(), tool: "Bash", detail: "ls" };

async function senderFor(name: string, options: { maxAttempts?: number } = {}) {
  const state = makeTempDir("push-state-");
  const store = SubscriptionStore.open(state, silentLogger);
  const gone: string[] = [];
  const sender = new PushSender({
    vapid: await generateVapidKeys(),
    subject: "mailto:test@example.com",
    log: silentLogger,
    post: service.post,
    onGone: (endpoint) => {
      gone.push(endpoint);
      store.forget(endpoint);
    },
    ...options,
  });
  const device: Subscriber = service.subscriber(name);
  const subscription = { ...device.subscription, events: subscribedEvents(undefined), createdAt: new Date().toISOString() };
  store.add("SHA256:key", subscription);
  return { state, store, sender, subscription, gone, file: join(state, "push", "subscriptions.json") };
}

describe("PushSender", () => {
  test("410: the endpoint is forgotten, in memory and on disk", async () => {
    const { sender, subscription, store, gone, file, state } = await senderFor("gone");
    service.answer("gone", { status: 410 });
    expect(readFileSync(file, "utf8")).toContain(subscription.endpoint);
    sender.send(subscription, pushMessage(notification));
    await waitFor(() => gone.length === 1, 5000, "the endpoint forgotten");
    expect(store.forKey("SHA256:key")).toEqual([]);
    expect(readFileSync(file, "utf8")).not.toContain(subscription.endpoint);
    // a restarted relay does not have it either
    expect(SubscriptionStore.open(state, silentLogger).keys()).toEqual([]);
    removeTempDir(state);
  });

  test("404 is gone too", async () => {
    const { sender, subscription, gone, state } = await senderFor("missing");
    service.answer("missing", { status: 404 });
    sender.send(subscription, pushMessage(notification));
    await waitFor(() => gone.length === 1, 5000, "the endpoint forgotten");
    removeTempDir(state);
  });

  test("429 with Retry-After: 1 is sent again after a second, then delivered", async () => {
    const { sender, subscription, gone, state } = await senderFor("busy");
    service.answer("busy", { status: 429, headers: { "retry-after": "1" } });
    const started = performance.now();
    sender.send(subscription, pushMessage(notification));
    expect(sender.pending).toBe(1); // queued, not sent: send() returned before any POST
    const first = await service.next("busy");
    const second = await service.next("busy");
    expect([first.status, second.status]).toEqual([429, 201]);
    expect(second.receivedAt - first.receivedAt).toBeGreaterThanOrEqual(950);
    expect(second.payload).toEqual(first.payload);
    await waitFor(() => sender.pending === 0, 5000, "the job done");
    expect(gone).toEqual([]);
    expect(performance.now() - started).toBeLessThan(5000);
    removeTempDir(state);
  });

  test("5xx without Retry-After: retried with backoff, given up after maxAttempts", async () => {
    const { sender, subscription, state } = await senderFor("broken", { maxAttempts: 2 });
    service.answer("broken", { status: 503 }, { status: 503 }, { status: 503 });
    sender.send(subscription, pushMessage(notification));
    await waitFor(() => sender.pending === 0, 10_000, "the job given up");
    expect(service.count("broken")).toBe(2);
    removeTempDir(state);
  });

  test("a push service that cannot be reached: close() ends the retries at once", async () => {
    const { sender, subscription, state } = await senderFor("unreachable");
    sender.send({ ...subscription, endpoint: "https://127.0.0.1:9/push/unreachable" }, pushMessage(notification));
    await waitFor(() => sender.pending === 1, 1000, "queued");
    const closing = performance.now();
    await sender.close(5000);
    expect(performance.now() - closing).toBeLessThan(2000);
    expect(sender.pending).toBe(0);
    removeTempDir(state);
  });

  test("at most maxPending pushes wait: more are dropped", async () => {
    const state = makeTempDir("push-state-");
    const sender = new PushSender({
      vapid: await generateVapidKeys(),
      subject: "mailto:test@example.com",
      log: silentLogger,
      post: () => new Promise(() => {}), // a push service that never answers
      onGone: () => {},
      maxPending: 3,
    });
    const device = service.subscriber("flood");
    const subscription = { ...device.subscription, events: subscribedEvents(undefined), createdAt: "" };
    for (let i = 0; i < 10; i++) sender.send(subscription, pushMessage(notification));
    expect(sender.pending).toBe(3);
    await sender.close(10);
    removeTempDir(state);
  });
});
