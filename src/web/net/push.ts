/**
 * "Notify me on this device": this browser's Web Push subscription, and the relay told of it.
 * - **enable** (from a tap: `PushManager.subscribe` asks the notification permission itself, and
 *   browsers ask only on a user gesture) subscribes with the relay's VAPID key from auth.ok and
 *   sends `push.subscribe` with the kinds chosen;
 * - **disable** sends `push.unsubscribe` and drops the browser's subscription (a relay not
 *   reachable then forgets the endpoint at its next push, which the push service answers 410);
 * - **choose** keeps which optional kinds the device wants (turn ends, failures) and tells the
 *   relay when subscribed;
 * - at each **login** the browser's subscription, if it still has one, is sent again (the relay
 *   takes it idempotently), so a relay whose state was lost or a subscription made while offline
 *   is caught up; one made with an older VAPID key (the relay's key file was replaced) is renewed.
 * Where it cannot work, `view.support` says why (state/push-words.ts). Everything is
 * feature-detected: nothing here assumes one browser's API.
 *
 * @example
 * ```ts
 * const push = new PushNotifications({ registration: registerServiceWorker(), request, memory });
 * push.loggedIn(authOk);  // on each auth.ok
 * await push.enable();    // in a click handler
 * ```
 */
import { signal } from "@preact/signals-core";
import type { AuthOkMessage } from "../../client/messages.ts";
import type { ClientMessage } from "../../protocol/messages.ts";
import { fromBase64Url, toBase64Url } from "../../ssh/base64.ts";
import { isIos, type PushBlocker, type PushChoices, type PushFacts, pushBlocker, pushEvents } from "../state/push-words.ts";
import type { PageMemory } from "../state/store.ts";

export interface PushView {
  /** "ready", still "checking" (service worker, login), or what is in the way. */
  support: PushBlocker | "ready" | "checking";
  /** The browser holds a subscription for this relay's key. */
  subscribed: boolean;
  choices: PushChoices;
  /** A tap's work is under way. */
  busy: boolean;
  /** What went wrong last, in words. */
  error?: string;
}

export interface PushOptions {
  /** The service worker's registration once active; undefined where it could not register. */
  registration: Promise<ServiceWorkerRegistration | undefined>;
  /** A request to the relay answered by `reply` (the connection's; rejects when not connected). */
  request: (message: ClientMessage, reply: string) => Promise<unknown>;
  memory: PageMemory;
}

const CHOICES = "claude-relay:push-choices";
const DEFAULT_CHOICES: PushChoices = { done: true, failed: true };

export class PushNotifications {
  readonly view = signal<PushView>({ support: "checking", subscribed: false, choices: DEFAULT_CHOICES, busy: false });
  readonly #options: PushOptions;
  #facts: PushFacts;
  #registration: ServiceWorkerRegistration | undefined;

  constructor(options: PushOptions) {
    this.#options = options;
    this.#facts = { ...browserFacts(), registered: undefined, relayKey: undefined };
    this.#update({ choices: rememberedChoices(options.memory) });
    void options.registration.then((registration) => {
      this.#registration = registration;
      this.#facts = { ...this.#facts, registered: registration !== undefined };
      this.#update({});
    });
  }

  /** At each login: the relay's key, and the browser's subscription sent again if it has one. */
  async loggedIn(ok: AuthOkMessage): Promise<void> {
    this.#facts = { ...this.#facts, relayKey: ok.push?.vapidPublicKey ?? null, permission: permission() };
    await this.#options.registration;
    this.#update({});
    if (this.view.value.support !== "ready") return;
    try {
      let subscription = await this.#registration!.pushManager.getSubscription();
      if (subscription && !madeWith(subscription, this.#facts.relayKey!)) {
        await subscription.unsubscribe();
        subscription = await this.#subscribe(); // allowed already: no prompt, no tap needed
      }
      this.#update({ subscribed: subscription !== null, error: undefined });
      if (subscription) await this.#tell(subscription);
    } catch (error) {
      this.#update({ error: failureWords(error) });
    }
  }

  /** Subscribes this device and tells the relay; call it straight from a tap (nothing awaited before the browser asks). */
  async enable(): Promise<void> {
    const registration = this.#registration;
    if (!registration || this.view.value.support !== "ready") return;
    // Subscribing with the key of an existing subscription returns it; nothing awaited before, so the tap still counts.
    const subscribing = this.#subscribe();
    this.#update({ busy: true, error: undefined });
    try {
      const subscription = await subscribing;
      this.#update({ subscribed: true });
      await this.#tell(subscription);
    } catch (error) {
      this.#facts = { ...this.#facts, permission: permission() };
      // Refused for good: the blocker's words say how to allow it again.
      this.#update({ error: this.#facts.permission === "denied" ? undefined : failureWords(error) });
    } finally {
      this.#update({ busy: false });
    }
  }

  /** No more notifications on this device: the relay is told, and the browser drops the subscription. */
  async disable(): Promise<void> {
    const subscription = await this.#registration?.pushManager.getSubscription();
    if (!subscription) return this.#update({ subscribed: false });
    this.#update({ busy: true, error: undefined });
    const told = this.#options.request({ type: "push.unsubscribe", endpoint: subscription.endpoint }, "push.unsubscribed").then(
      () => undefined,
      () => "The relay was not told (not connected); it forgets this device at its next notification, which the push service will refuse.",
    );
    try {
      await subscription.unsubscribe();
      this.#update({ subscribed: false, error: await told });
    } catch (error) {
      this.#update({ error: failureWords(error) });
    } finally {
      this.#update({ busy: false });
    }
  }

  /** Which optional kinds this device wants; kept on the device, and sent to the relay when subscribed. */
  async choose(choices: PushChoices): Promise<void> {
    this.#options.memory.save(CHOICES, JSON.stringify(choices));
    this.#update({ choices, error: undefined });
    const subscription = await this.#registration?.pushManager.getSubscription();
    if (subscription) await this.#tell(subscription).catch((error: unknown) => this.#update({ error: failureWords(error) }));
  }

  #subscribe(): Promise<PushSubscription> {
    return this.#registration!.pushManager.subscribe({ userVisibleOnly: true, applicationServerKey: fromBase64Url(this.#facts.relayKey!) });
  }

  /** `push.subscribe` with the subscription's endpoint and keys (not `expirationTime`) and the kinds chosen. */
  async #tell(subscription: PushSubscription): Promise<void> {
    const { endpoint, keys } = subscription.toJSON();
    if (!endpoint || !keys?.p256dh || !keys.auth) throw new Error("the browser's subscription has no keys");
    const events = pushEvents(this.view.value.choices);
    await this.#options.request(
      { type: "push.subscribe", subscription: { endpoint, keys: { p256dh: keys.p256dh, auth: keys.auth } }, events },
      "push.subscribed",
    );
  }

  #update(change: Partial<PushView>): void {
    this.view.value = { ...this.view.value, ...change, support: pushBlocker(this.#facts) };
  }
}

/** What the browser offers, read once (the permission again after each tap and login). */
function browserFacts(): Omit<PushFacts, "registered" | "relayKey"> {
  const nav = navigator as Navigator & { standalone?: boolean };
  return {
    secureContext: globalThis.isSecureContext === true,
    ios: isIos(nav.userAgent, nav.maxTouchPoints ?? 0),
    standalone: nav.standalone === true || globalThis.matchMedia?.("(display-mode: standalone)").matches === true,
    serviceWorker: "serviceWorker" in nav,
    pushManager: "PushManager" in globalThis,
    notification: "Notification" in globalThis,
    permission: permission(),
  };
}

function permission(): NotificationPermission | "unsupported" {
  return "Notification" in globalThis ? Notification.permission : "unsupported";
}

/** Whether the subscription was made with this VAPID key (a browser that does not say is trusted). */
function madeWith(subscription: PushSubscription, vapidKey: string): boolean {
  const key = subscription.options?.applicationServerKey;
  return !key || toBase64Url(new Uint8Array(key)) === vapidKey;
}

function rememberedChoices(memory: PageMemory): PushChoices {
  try {
    const saved = JSON.parse(memory.load(CHOICES) ?? "null") as Partial<PushChoices> | null;
    return { done: saved?.done ?? DEFAULT_CHOICES.done, failed: saved?.failed ?? DEFAULT_CHOICES.failed };
  } catch {
    return DEFAULT_CHOICES;
  }
}

/** A refusal or failure, said plainly: the browser's (permission, push service) or the relay's. */
function failureWords(error: unknown): string {
  // Chromium answers a private window "Registration failed - permission denied" (AbortError) with notifications allowed.
  const refused = error instanceof DOMException && (error.name === "NotAllowedError" || /permission denied/i.test(error.message));
  if (refused && permission() === "granted")
    return "This browser allows notifications here but refuses to subscribe to push (a private window, or a browser without a push service): you are notified only while this page is open.";
  if (refused) return "Notifications were not allowed for this site: tap again to be asked again.";
  if (error instanceof DOMException && error.name === "AbortError")
    return `The browser could not register with its push service (${error.message}); check this device's connection and try again.`;
  const refusal = error as { code?: string; message?: string };
  if (refusal?.code === "not_connected") return "Not connected to the relay: this device is told to it as soon as the app reconnects.";
  return `Notifications could not be set up: ${refusal?.message ?? String(error)}`;
}
