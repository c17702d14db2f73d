/**
 * Web Push's start-up: the VAPID key pair from the state dir (made the first time), the stored
 * subscriptions, the sender that POSTs in the background and the service that decides who gets
 * what. The relay composes it with the sessions (src/relay.ts); here only what belongs together.
 *
 * @example
 * ```ts
 * const push = await startPush({ stateDir, subject: "mailto:me@example.com", log });
 * new SessionManager({ …, push: { vapidPublicKey: push.service.vapidPublicKey }, notify: (n) => push.service.notify(n) });
 * await push.close(); // at shutdown
 * ```
 */
import type { Logger } from "../log/logger.ts";
import { type PushPost, PushSender } from "./push-sender.ts";
import { PushService } from "./push-service.ts";
import { SubscriptionStore } from "./subscription-store.ts";
import { loadOrCreateVapidKeys } from "./vapid-keys.ts";

export interface StartPushOptions {
  stateDir: string;
  /** The VAPID `sub` (mailto: or https:). */
  subject: string;
  log: Logger;
  /** How POSTs are made; default fetch. */
  post?: PushPost;
  /** Told of each POST answered 2xx. */
  onDelivered?: (endpoint: string) => void;
}

export interface StartedPush {
  service: PushService;
  sender: PushSender;
  close(): Promise<void>;
}

/** Throws {@link VapidKeyError} when the key file cannot be used. */
export async function startPush(options: StartPushOptions): Promise<StartedPush> {
  const { stateDir, subject, log } = options;
  const vapid = await loadOrCreateVapidKeys(stateDir);
  const store = SubscriptionStore.open(stateDir, log);
  const sender = new PushSender({
    vapid,
    subject,
    log,
    onGone: (endpoint) => store.forget(endpoint),
    ...(options.post && { post: options.post }),
    ...(options.onDelivered && { onDelivered: options.onDelivered }),
  });
  const service = new PushService({ store, sender, vapidPublicKey: vapid.publicKey, log });
  log.info("Web Push on", { vapidPublicKey: vapid.publicKey, subject, subscribedKeys: store.keys().length });
  return { service, sender, close: () => sender.close() };
}

/**
 * The VAPID `sub` when `--push-subject` is not given: the https `--public-url` (where the relay's
 * owner can be found), else a mailto: address that names the software. Push services require a
 * mailto: or https: URL but reach out to it only when the sender misbehaves.
 *
 * @example
 * defaultPushSubject("https://laptop.tail1234.ts.net") // "https://laptop.tail1234.ts.net"
 * defaultPushSubject(undefined)                        // "mailto:claude-relay@localhost"
 */
export function defaultPushSubject(publicUrl: string | undefined): string {
  return publicUrl?.startsWith("https://") ? publicUrl : "mailto:claude-relay@localhost";
}
