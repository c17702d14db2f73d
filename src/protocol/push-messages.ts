/**
 * The v3 Web Push messages (contract "Notifications when the app is closed"): a device subscribes
 * its browser's push endpoint for the key it logged in with (`push.subscribe` → `push.subscribed`)
 * and unsubscribes it (`push.unsubscribe` → `push.unsubscribed`). Spread into messages.ts's
 * `clientMessages` and `serverMessages`.
 *
 * @example
 * ```ts
 * pushUnsubscribe.parse({ type: "push.unsubscribe", endpoint: "https://push.example/abc" }).ok; // true
 * ```
 */
import { id } from "./fields.ts";
import { arrayOf, literal, object, oneOf, string } from "./schema.ts";

/** Kinds of Web Push a subscription may receive (`push.subscribe`'s `events`; all when absent). */
export const PUSH_EVENTS = ["permission", "question", "done", "failed"] as const;
export type PushEvent = (typeof PUSH_EVENTS)[number];

/** Longest accepted push endpoint URL. */
export const MAX_ENDPOINT_LENGTH = 2048;

const pushEndpoint = string({ minLength: 1, maxLength: MAX_ENDPOINT_LENGTH, description: "The push service URL of the subscription (https:)." });

export const pushSubscribe = object(
  {
    type: literal("push.subscribe"),
    subscription: object(
      {
        endpoint: pushEndpoint,
        keys: object({
          p256dh: string({ minLength: 1, maxLength: 256, description: "The browser's P-256 public key, base64url, 65-byte uncompressed point." }),
          auth: string({ minLength: 1, maxLength: 256, description: "The browser's 16-byte authentication secret, base64url." }),
        }),
      },
      {},
      "PushSubscription.toJSON() of the browser (expirationTime is ignored).",
    ),
  },
  {
    id,
    events: arrayOf(oneOf(PUSH_EVENTS), { maxItems: PUSH_EVENTS.length }),
  },
  "Web Push for the authenticated key at this endpoint (extension: `events` limits which kinds; default all); answered push.subscribed.",
);

export const pushUnsubscribe = object(
  { type: literal("push.unsubscribe"), endpoint: pushEndpoint },
  { id },
  "No more Web Push to this endpoint (of the authenticated key); answered push.unsubscribed.",
);

/** The push messages a client sends, by type. */
export const pushClientMessages = {
  "push.subscribe": pushSubscribe,
  "push.unsubscribe": pushUnsubscribe,
} as const;

/** The relay's answers to them, by type. */
export const pushServerMessages = {
  "push.subscribed": object({ type: literal("push.subscribed") }, { id }, "Answer to push.subscribe: the subscription is kept."),
  "push.unsubscribed": object({ type: literal("push.unsubscribed") }, { id }, "Answer to push.unsubscribe (also when the endpoint was not subscribed)."),
} as const;
