/**
 * Whether this device can get Web Push from the relay, and if not why, in words a person can act
 * on (pure: the browser's facts come in, src/web/net/push.ts gathers them). Also which kinds of
 * push a device asks for (`push.subscribe`'s `events`): permission requests and questions always
 * (they are why notifications exist), turn ends and failures as the person chose.
 *
 * @example
 * ```ts
 * pushBlocker({ ...facts, ios: true, standalone: false }); // "ios-home-screen"
 * PUSH_BLOCKER_WORDS["ios-home-screen"];                    // "On iPhone and iPad, …"
 * pushEvents({ done: false, failed: true });                // ["permission", "question", "failed"]
 * ```
 */
import type { PushEvent } from "../../protocol/messages.ts";

/** Why this device cannot be notified while the app is closed. */
export type PushBlocker = "untrusted-origin" | "ios-home-screen" | "unsupported" | "denied" | "relay-without-push";

/** What the browser (and the relay) offer, as src/web/net/push.ts reads them. */
export interface PushFacts {
  /** `isSecureContext`: false for plain http on a network address. */
  secureContext: boolean;
  /** An iPhone or iPad (iPadOS says it is a Mac, but has touch). */
  ios: boolean;
  /** Opened from the Home Screen (`navigator.standalone`, display-mode standalone). */
  standalone: boolean;
  serviceWorker: boolean;
  pushManager: boolean;
  notification: boolean;
  /** Whether `/sw.js` registered; undefined while that is not known yet. */
  registered: boolean | undefined;
  permission: NotificationPermission | "unsupported";
  /** The relay's VAPID key from auth.ok; undefined before login, null when the relay has none. */
  relayKey: string | null | undefined;
}

/**
 * The first thing in the way, or "ready" (or "checking" while the service worker or the login
 * are still under way). iOS comes before the missing APIs: Safari outside the Home Screen has no
 * PushManager, and adding the app to the Home Screen is what fixes it.
 *
 * @example
 * pushBlocker({ secureContext: true, ios: false, standalone: false, serviceWorker: true, pushManager: true,
 *   notification: true, registered: false, permission: "default", relayKey: "BLc4…" }); // "untrusted-origin"
 */
export function pushBlocker(facts: PushFacts): PushBlocker | "ready" | "checking" {
  if (!facts.secureContext) return "untrusted-origin";
  if (facts.ios && !facts.standalone) return "ios-home-screen";
  if (!facts.serviceWorker || !facts.pushManager || !facts.notification) return "unsupported";
  if (facts.registered === false) return "untrusted-origin";
  if (facts.permission === "denied") return "denied";
  if (facts.relayKey === null) return "relay-without-push";
  if (facts.registered === undefined || facts.relayKey === undefined) return "checking";
  return "ready";
}

/** What to tell the person for each blocker: the cause and what to do about it. */
export const PUSH_BLOCKER_WORDS: Record<PushBlocker, string> = {
  "untrusted-origin":
    "This browser does not trust this page's address enough to run the app in the background (plain http on a network address, or a self-signed certificate), so it cannot be notified while the app is closed. " +
    "Start the relay with `claude-relay serve --tls --tls-ca` and install its certificate authority on this device once (from /ca.crt, or /ca.mobileconfig on iPhone and iPad: docs/remote-access.md), " +
    "or reach it through Tailscale or a proxy with a real certificate.",
  "ios-home-screen":
    "On iPhone and iPad, notifications reach only a web app on the Home Screen (iOS 16.4 or later): tap Share → Add to Home Screen, then open it from the Home Screen and turn notifications on there.",
  unsupported:
    "This browser cannot be notified while the app is closed (it has no service workers or Push API here; a private window often has none). Chrome, Edge, Firefox or Safari 16.4 or later can.",
  denied:
    "Notifications are blocked for this site. Allow them in the browser's site settings (Chrome: the icon left of the address → Permissions → Notifications; iPhone: Settings → Notifications → the app's name), then reload this page.",
  "relay-without-push": "This relay does not send Web Push: update claude-relay on the computer it runs on.",
};

/** The optional kinds a device chooses (permission requests and questions are always sent). */
export interface PushChoices {
  /** A turn ended: Claude waits for the next prompt. */
  done: boolean;
  /** A session failed: Claude kept crashing and was given up. */
  failed: boolean;
}

/** `push.subscribe`'s `events` for these choices. */
export function pushEvents(choices: PushChoices): PushEvent[] {
  return ["permission", "question", ...(choices.done ? ["done" as const] : []), ...(choices.failed ? ["failed" as const] : [])];
}

/**
 * What a subscribed device is told about, in a sentence.
 *
 * @example
 * subscribedWords({ done: true, failed: false }); // "This device is notified when Claude asks a permission or a question, and when a turn ends, while no device of yours has the app open."
 */
export function subscribedWords(choices: PushChoices): string {
  const optional = [choices.done && "a turn ends", choices.failed && "a session fails"].filter(Boolean).join(" or ");
  return `This device is notified when Claude asks a permission or a question${optional ? `, and when ${optional}` : ""}, while no device of yours has the app open.`;
}

/**
 * Whether the browser runs on an iPhone or iPad: their user agents name them, except iPadOS,
 * which says Macintosh but has a touch screen (no Mac has one).
 *
 * @example
 * isIos("Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) …", 5); // true
 */
export function isIos(userAgent: string, maxTouchPoints: number): boolean {
  return /\b(iPhone|iPad|iPod)\b/.test(userAgent) || (/\bMacintosh\b/.test(userAgent) && maxTouchPoints > 1);
}
