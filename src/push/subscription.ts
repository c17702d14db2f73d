/**
 * What a stored Web Push subscription is, and the checks a `push.subscribe` must pass before the
 * relay keeps it: an `https:` endpoint (the push service; anything else could make the relay
 * POST into the local network), a p256dh that is a P-256 public key as a 65-byte uncompressed
 * point, and a 16-byte auth secret (RFC 8291 §3). Pure: the subscription in, a verdict out.
 *
 * @example
 * ```ts
 * const checked = checkSubscription({ endpoint: "https://fcm.googleapis.com/fcm/send/…", keys: { p256dh, auth } });
 * if (!checked.ok) connection.sendError("invalid_message", checked.error, id);
 * ```
 */
import { createPublicKey } from "node:crypto";
import { PUSH_EVENTS, type PushEvent } from "../protocol/messages.ts";

/** A subscription as kept in the state dir. */
export interface StoredSubscription {
  endpoint: string;
  keys: { p256dh: string; auth: string };
  /** Which kinds of push it receives. */
  events: PushEvent[];
  /** RFC 3339: when it was (last) subscribed; the oldest is replaced first. */
  createdAt: string;
}

const BASE64URL = /^[A-Za-z0-9_-]+={0,2}$/;

export type CheckedSubscription = { ok: true; endpoint: string; keys: { p256dh: string; auth: string } } | { ok: false; error: string };

/**
 * Checks a subscription from a client; the keys come back without padding, as the relay sends them.
 *
 * @example
 * checkSubscription({ endpoint: "http://push.example/x", keys }) // { ok: false, error: "push.subscribe: the endpoint must be an https: URL …" }
 */
export function checkSubscription(subscription: { endpoint: string; keys: { p256dh: string; auth: string } }): CheckedSubscription {
  let url: URL;
  try {
    url = new URL(subscription.endpoint);
  } catch {
    return { ok: false, error: "push.subscribe: the endpoint is not a URL" };
  }
  if (url.protocol !== "https:") return { ok: false, error: `push.subscribe: the endpoint must be an https: URL, not ${url.protocol}` };
  if (url.username || url.password) return { ok: false, error: "push.subscribe: the endpoint may not carry credentials" };
  const p256dh = decode(subscription.keys.p256dh);
  if (p256dh?.length !== 65 || p256dh[0] !== 4 || !onCurve(p256dh)) {
    return { ok: false, error: "push.subscribe: keys.p256dh must be a P-256 public key, base64url of its 65-byte uncompressed point" };
  }
  const auth = decode(subscription.keys.auth);
  if (auth?.length !== 16) return { ok: false, error: "push.subscribe: keys.auth must be base64url of 16 bytes" };
  return { ok: true, endpoint: url.href, keys: { p256dh: p256dh.toString("base64url"), auth: auth.toString("base64url") } };
}

/** The kinds a subscription asked for (all when it named none), each once, in a fixed order. */
export function subscribedEvents(events: readonly PushEvent[] | undefined): PushEvent[] {
  return events === undefined ? [...PUSH_EVENTS] : PUSH_EVENTS.filter((event) => events.includes(event));
}

function decode(text: string): Buffer | undefined {
  return BASE64URL.test(text) ? Buffer.from(text, "base64url") : undefined;
}

/** Whether the point lies on P-256 (the import rejects one that does not). */
function onCurve(point: Buffer): boolean {
  try {
    createPublicKey({
      key: { kty: "EC", crv: "P-256", x: point.subarray(1, 33).toString("base64url"), y: point.subarray(33).toString("base64url") },
      format: "jwk",
    });
    return true;
  } catch {
    return false;
  }
}

/** An endpoint's origin, for logs: the path is a per-device secret they do not need. */
export function endpointOrigin(endpoint: string): string {
  try {
    return new URL(endpoint).origin;
  } catch {
    return "(not a URL)";
  }
}
