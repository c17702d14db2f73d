/**
 * Web Push for the relay: keeps who is connected (per SSH key), answers `push.subscribe` and
 * `push.unsubscribe`, and turns what src/notify reports (a permission or question waiting, a
 * turn's end, a failed session) into a push to every endpoint of each key that has no client
 * connected — the person is away from every device logged in with that key. Deciding and queueing
 * is synchronous and cheap; the POSTs run in {@link PushSender}.
 *
 * @example
 * ```ts
 * const push = new PushService({ store, sender, vapidPublicKey: vapid.publicKey, log });
 * push.joined("SHA256:…"); push.left("SHA256:…");
 * push.handle(connection, { type: "push.subscribe", subscription, id: "1" });
 * push.notify(notification); // from the session manager's notify hook
 * ```
 */
import type { Logger } from "../log/logger.ts";
import type { Notification } from "../notify/notifier.ts";
import { encodeServerMessage } from "../protocol/encode.ts";
import type { ClientMessage } from "../protocol/messages.ts";
import type { SessionClient } from "../session/session-ports.ts";
import { pushMessage } from "./payload.ts";
import type { PushSender } from "./push-sender.ts";
import { checkSubscription, endpointOrigin, subscribedEvents } from "./subscription.ts";
import type { SubscriptionStore } from "./subscription-store.ts";

export type PushClientMessage = Extract<ClientMessage, { type: "push.subscribe" | "push.unsubscribe" }>;

export interface PushServiceOptions {
  store: SubscriptionStore;
  sender: Pick<PushSender, "send">;
  vapidPublicKey: string;
  log: Logger;
  now?: () => Date;
}

export class PushService {
  readonly vapidPublicKey: string;
  readonly #options: PushServiceOptions;
  /** Authenticated clients per key fingerprint. */
  readonly #connected = new Map<string, number>();

  constructor(options: PushServiceOptions) {
    this.#options = options;
    this.vapidPublicKey = options.vapidPublicKey;
  }

  /** A client of key `fingerprint` authenticated. */
  joined(fingerprint: string): void {
    this.#connected.set(fingerprint, (this.#connected.get(fingerprint) ?? 0) + 1);
  }

  /** A client of key `fingerprint` disconnected. */
  left(fingerprint: string): void {
    const count = (this.#connected.get(fingerprint) ?? 1) - 1;
    if (count > 0) this.#connected.set(fingerprint, count);
    else this.#connected.delete(fingerprint);
  }

  handle(connection: SessionClient, message: PushClientMessage): void {
    const fingerprint = connection.key!.fingerprint;
    const id = message.id === undefined ? {} : { id: message.id };
    if (message.type === "push.unsubscribe") {
      const removed = this.#options.store.remove(fingerprint, message.endpoint);
      connection.log.info(removed ? "push unsubscribed" : "push.unsubscribe: no such subscription of this key", { endpoint: endpointOrigin(message.endpoint) });
      return void connection.send(encodeServerMessage({ type: "push.unsubscribed", ...id }));
    }
    const checked = checkSubscription(message.subscription);
    if (!checked.ok) {
      connection.log.warn("push subscription refused", { reason: checked.error });
      return connection.sendError("invalid_message", checked.error, message.id);
    }
    const events = subscribedEvents(message.events);
    const replaced = this.#options.store.add(fingerprint, {
      endpoint: checked.endpoint,
      keys: checked.keys,
      events,
      createdAt: (this.#options.now?.() ?? new Date()).toISOString(),
    });
    connection.log.info("push subscribed", {
      endpoint: endpointOrigin(checked.endpoint),
      events,
      ...(replaced && { replacedOldest: endpointOrigin(replaced) }),
    });
    connection.send(encodeServerMessage({ type: "push.subscribed", ...id }));
  }

  /** Pushes `notification` to the endpoints of every key with no client connected that asked for its kind. */
  notify(notification: Notification): void {
    const message = pushMessage(notification);
    const { store, sender, log } = this.#options;
    for (const fingerprint of store.keys()) {
      if (this.#connected.has(fingerprint)) continue;
      for (const subscription of store.forKey(fingerprint)) {
        if (!subscription.events.includes(message.payload.kind)) continue;
        log.debug("push queued", { kind: message.payload.kind, sessionId: notification.sessionId, endpoint: endpointOrigin(subscription.endpoint) });
        sender.send(subscription, message);
      }
    }
  }
}
