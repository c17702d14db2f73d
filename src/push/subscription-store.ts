/**
 * The Web Push subscriptions, per SSH key (its fingerprint), kept in the state dir
 * (`push/subscriptions.json`, 0600, replaced atomically on every change) so a restarted relay
 * still reaches the same devices.
 *
 * Rules: an endpoint belongs to one key at a time (a device that logs in with a new key and
 * subscribes again moves it); subscribing an endpoint again refreshes it; a key has at most
 * {@link MAX_SUBSCRIPTIONS_PER_KEY}: the next one replaces its oldest, because a browser that lost
 * its subscription (site data cleared, app reinstalled) cannot unsubscribe the old one, and
 * refusing would lock that person out of notifications for good.
 *
 * @example
 * ```ts
 * const store = SubscriptionStore.open(stateDir, log);
 * store.add("SHA256:…", { endpoint, keys, events: ["permission", "question"], createdAt: now });
 * store.forKey("SHA256:…"); // [{ endpoint, keys, events, createdAt }]
 * store.forget(endpoint);   // the push service said 404/410
 * ```
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import type { Logger } from "../log/logger.ts";
import { writeFileAtomically } from "../shared/atomic-write.ts";
import type { StoredSubscription } from "./subscription.ts";

/** Subscriptions one key may have; see the module comment for what happens beyond. */
export const MAX_SUBSCRIPTIONS_PER_KEY = 10;

type Saved = Record<string, StoredSubscription[]>;

export class SubscriptionStore {
  readonly #path: string;
  readonly #log: Logger;
  readonly #byKey: Map<string, StoredSubscription[]>;

  private constructor(path: string, log: Logger, saved: Saved) {
    this.#path = path;
    this.#log = log;
    this.#byKey = new Map(Object.entries(saved));
  }

  /** Reads the stored subscriptions; an unreadable file is logged and starts an empty list. */
  static open(stateDir: string, log: Logger): SubscriptionStore {
    const path = join(stateDir, "push", "subscriptions.json");
    let saved: Saved = {};
    try {
      const value = JSON.parse(readFileSync(path, "utf8")) as unknown;
      if (typeof value === "object" && value !== null && !Array.isArray(value)) saved = value as Saved;
      else log.warn("push subscriptions file is not an object; starting without subscriptions", { path });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "ENOENT") {
        log.warn("push subscriptions unreadable; starting without subscriptions (devices subscribe again)", { path, error: String(error) });
      }
    }
    return new SubscriptionStore(path, log, saved);
  }

  /** The keys that have subscriptions. */
  keys(): string[] {
    return [...this.#byKey.keys()];
  }

  forKey(fingerprint: string): readonly StoredSubscription[] {
    return this.#byKey.get(fingerprint) ?? [];
  }

  /** Keeps `subscription` for `fingerprint`; returns the endpoint it replaced to stay within the limit, if any. */
  add(fingerprint: string, subscription: StoredSubscription): string | undefined {
    this.#drop(subscription.endpoint);
    const list = [...this.forKey(fingerprint), subscription];
    const replaced = list.length > MAX_SUBSCRIPTIONS_PER_KEY ? list.shift() : undefined;
    this.#byKey.set(fingerprint, list);
    this.#save();
    return replaced?.endpoint;
  }

  /** Removes `endpoint` of `fingerprint` (another key's is left alone); true when there was one. */
  remove(fingerprint: string, endpoint: string): boolean {
    const list = this.forKey(fingerprint);
    const kept = list.filter((subscription) => subscription.endpoint !== endpoint);
    if (kept.length === list.length) return false;
    this.#set(fingerprint, kept);
    this.#save();
    return true;
  }

  /** Forgets `endpoint` whichever key has it (the push service said it is gone). */
  forget(endpoint: string): boolean {
    const dropped = this.#drop(endpoint);
    if (dropped) this.#save();
    return dropped;
  }

  #drop(endpoint: string): boolean {
    let dropped = false;
    for (const [fingerprint, list] of this.#byKey) {
      const kept = list.filter((subscription) => subscription.endpoint !== endpoint);
      if (kept.length === list.length) continue;
      this.#set(fingerprint, kept);
      dropped = true;
    }
    return dropped;
  }

  #set(fingerprint: string, list: StoredSubscription[]): void {
    if (list.length === 0) this.#byKey.delete(fingerprint);
    else this.#byKey.set(fingerprint, list);
  }

  #save(): void {
    try {
      writeFileAtomically(this.#path, `${JSON.stringify(Object.fromEntries(this.#byKey))}\n`, 0o600);
    } catch (error) {
      this.#log.error("cannot save push subscriptions; a restarted relay will not have the newest", { path: this.#path, error: String(error) });
    }
  }
}
