import { afterEach, beforeEach, describe, expect, test } from "bun:test";
import { mkdirSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { silentLogger } from "../../src/log/silent-logger.ts";
import type { StoredSubscription } from "../../src/push/subscription.ts";
import { MAX_SUBSCRIPTIONS_PER_KEY, SubscriptionStore } from "../../src/push/subscription-store.ts";
import { makeTempDir, removeTempDir } from "../support/ssh.ts";

let dir: string;
beforeEach(() => (dir = makeTempDir("push-store-")));
afterEach(() => removeTempDir(dir));

const subscription = (name: string): StoredSubscription => ({
  endpoint: `https://push.example/${name}`,
  keys: { p256dh: "p", auth: "a" },
  events: ["permission"],
  createdAt: "2026-01-01T00:00:00.000Z",
});
const endpoints = (store: SubscriptionStore, key: string) => store.forKey(key).map((item) => item.endpoint);

describe("SubscriptionStore", () => {
  test("kept per key, 0600, and read back by a new store", () => {
    const store = SubscriptionStore.open(dir, silentLogger);
    store.add("A", subscription("one"));
    store.add("B", subscription("two"));
    expect(statSync(join(dir, "push", "subscriptions.json")).mode & 0o777).toBe(0o600);
    const again = SubscriptionStore.open(dir, silentLogger);
    expect(endpoints(again, "A")).toEqual(["https://push.example/one"]);
    expect(endpoints(again, "B")).toEqual(["https://push.example/two"]);
  });

  test("an endpoint subscribed again moves to the newest place, or to the key that subscribed it now", () => {
    const store = SubscriptionStore.open(dir, silentLogger);
    store.add("A", subscription("one"));
    store.add("A", subscription("two"));
    store.add("A", subscription("one"));
    expect(endpoints(store, "A")).toEqual(["https://push.example/two", "https://push.example/one"]);
    store.add("B", subscription("two"));
    expect(endpoints(store, "A")).toEqual(["https://push.example/one"]);
    expect(endpoints(store, "B")).toEqual(["https://push.example/two"]);
  });

  test(`beyond ${MAX_SUBSCRIPTIONS_PER_KEY} the oldest is replaced, and named`, () => {
    const store = SubscriptionStore.open(dir, silentLogger);
    for (let i = 0; i < MAX_SUBSCRIPTIONS_PER_KEY; i++) expect(store.add("A", subscription(String(i)))).toBeUndefined();
    expect(store.add("A", subscription("new"))).toBe("https://push.example/0");
    expect(store.forKey("A")).toHaveLength(MAX_SUBSCRIPTIONS_PER_KEY);
  });

  test("remove touches only the key's own endpoint; forget any key's", () => {
    const store = SubscriptionStore.open(dir, silentLogger);
    store.add("A", subscription("one"));
    expect(store.remove("B", "https://push.example/one")).toBe(false);
    expect(store.remove("A", "https://push.example/one")).toBe(true);
    store.add("B", subscription("two"));
    expect(store.forget("https://push.example/two")).toBe(true);
    expect(store.keys()).toEqual([]);
  });

  test("an unreadable or malformed file starts empty instead of failing the relay", () => {
    mkdirSync(join(dir, "push"));
    for (const content of ["{not json", "[1,2]"]) {
      writeFileSync(join(dir, "push", "subscriptions.json"), content);
      expect(SubscriptionStore.open(dir, silentLogger).keys()).toEqual([]);
    }
  });
});
