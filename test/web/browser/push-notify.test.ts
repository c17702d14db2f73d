/**
 * "Notify me on this device" in real Chromium at a phone viewport, with a profile on disk (Chromium
 * offers Web Push only there) and its push registration answered by a local stand-in for Google's
 * (test/support/fake-gcm.ts), so `PushManager.subscribe()` returns the browser's real subscription
 * (its own keys) for the relay's VAPID key:
 * - a tap the browser refuses: the panel says notifications are blocked and how to allow them;
 * - allowed, a tap subscribes and sends `push.subscribe` with exactly the browser's subscription,
 *   which the relay keeps for the page's key; the panel says what the device gets;
 * - the turn-end choice goes to the relay as `events`; after a reload the subscription is sent
 *   again at login with the choice remembered;
 * - "Stop notifying" sends `push.unsubscribe`: the relay forgets it, the browser drops it.
 * Headless Chromium shows no permission prompt: the person's "Allow" is granted through
 * Playwright, and what the browser answers without it is what a refusal looks like.
 */
import { afterAll, beforeAll, expect, test } from "bun:test";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import type { Page } from "playwright-core";
import { authorizePage, openPersistentPhone, type PhonePage, received, sent, waitForConnected } from "../../support/browser.ts";
import { SYNTHETIC_CLAUDE } from "../../support/cli-process.ts";
import { type FakeGcm, startFakeGcm } from "../../support/fake-gcm.ts";
import { startTestRelay, type TestRelay } from "../../support/relay.ts";
import { makeTempDir, removeTempDir } from "../../support/ssh.ts";
import { waitFor } from "../../support/wait.ts";

let relay: TestRelay;
let gcm: FakeGcm;
let phone: PhonePage;
let profile: string;
/** Pushes the relay would have sent (none expected: the page stays connected). */
const posted: string[] = [];

beforeAll(async () => {
  [relay, gcm] = await Promise.all([
    startTestRelay({
      flags: { claudeBin: SYNTHETIC_CLAUDE },
      pushPost: async (url) => {
        posted.push(url);
        return new Response(null, { status: 201 });
      },
    }),
    startFakeGcm(),
  ]);
  profile = makeTempDir("relay-web-push-profile-");
  phone = await openPersistentPhone(`${relay.httpUrl}/`, profile, gcm.chromiumArgs);
  await authorizePage(phone, relay.options.authorizedKeysPath);
}, 90_000);

afterAll(async () => {
  await phone?.context.close();
  gcm?.stop();
  await relay?.stop();
  if (profile) removeTempDir(profile);
});

const page = (): Page => phone.page;
const panel = () => page().getByTestId("push");
const vapidKey = (): string => received(phone, "auth.ok").at(-1)!.push.vapidPublicKey;
const fingerprint = (): string => received(phone, "auth.ok").at(-1)!.key.fingerprint;

function stored(): Array<{ endpoint: string; keys: { p256dh: string; auth: string }; events: string[] }> {
  const file = join(relay.options.stateDir, "push", "subscriptions.json");
  return existsSync(file) ? (JSON.parse(readFileSync(file, "utf8"))[fingerprint()] ?? []) : [];
}

async function openDeviceMenu(): Promise<void> {
  const menu = page().locator("details.device-menu");
  if ((await menu.getAttribute("open")) === null) await menu.locator("summary").click();
  await panel().waitFor();
}

/** The browser's own subscription, as the page's service worker registration has it. */
function browserSubscription(): Promise<PushSubscriptionJSON | null> {
  return page().evaluate(async () => (await (await navigator.serviceWorker.ready).pushManager.getSubscription())?.toJSON() ?? null);
}

test("a tap the browser refuses: the panel says notifications are blocked for this site and how to allow them", async () => {
  await openDeviceMenu();
  await page().locator('[data-testid="push"][data-support="ready"]').waitFor({ timeout: 15_000 });
  await page().getByRole("button", { name: "Notify me on this device" }).click();
  await page().locator('[data-testid="push"][data-support="denied"]').waitFor({ timeout: 15_000 });
  expect(await page().getByTestId("push-blocked").textContent()).toContain(
    "Notifications are blocked for this site. Allow them in the browser's site settings",
  );
  expect(await panel().getByRole("alert").count()).toBe(0); // no "tap again" beside it: that would not help
  expect(sent(phone, "push.subscribe")).toEqual([]);
  expect(await browserSubscription()).toBeNull();
});

test("allowed, a tap subscribes with the relay's key and sends the browser's real subscription, which the relay keeps for this key", async () => {
  // The person allows notifications (headless Chromium has no prompt to tap); the page reads it at its next load.
  await phone.context.grantPermissions(["notifications"], { origin: relay.httpUrl });
  await page().reload();
  await waitForConnected(phone);
  await openDeviceMenu();
  await page().locator('[data-testid="push"][data-support="ready"][data-subscribed="false"]').waitFor({ timeout: 15_000 });
  await page().getByRole("button", { name: "Notify me on this device" }).click();
  await page().locator('[data-testid="push"][data-subscribed="true"]').waitFor({ timeout: 30_000 });
  await waitFor(() => received(phone, "push.subscribed").length === 1, 10_000, "push.subscribed");

  const subscription = await browserSubscription();
  expect(subscription?.endpoint).toStartWith("https://");
  expect(gcm.registrations.map((registration) => registration.sender)).toEqual([vapidKey()]);
  expect(subscription?.endpoint).toEndWith(`/${gcm.registrations[0]!.token}`);
  const [message] = sent(phone, "push.subscribe");
  expect(message).toEqual({
    type: "push.subscribe",
    id: expect.any(String),
    subscription: { endpoint: subscription!.endpoint!, keys: { p256dh: subscription!.keys!.p256dh!, auth: subscription!.keys!.auth! } },
    events: ["permission", "question", "done", "failed"],
  });
  expect(Buffer.from(subscription!.keys!.p256dh!, "base64url").length).toBe(65);
  expect(stored()).toMatchObject([{ endpoint: subscription!.endpoint, keys: subscription!.keys, events: ["permission", "question", "done", "failed"] }]);
  expect(await page().getByTestId("push-status").textContent()).toBe(
    "This device is notified when Claude asks a permission or a question, and when a turn ends or a session fails, while no device of yours has the app open.",
  );
});

test("unticking turn ends tells the relay; after a reload the subscription is sent again at login with the choice kept", async () => {
  await page().getByLabel("Also when a turn ends").uncheck();
  // The relay may keep it before the test hears of the frame the page sent.
  await waitFor(() => sent(phone, "push.subscribe").length === 2, 10_000, "push.subscribe with the new events");
  expect(sent(phone, "push.subscribe").at(-1)!.events).toEqual(["permission", "question", "failed"]);
  await waitFor(() => stored()[0]?.events.join() === "permission,question,failed", 10_000, "the relay to keep the new events");
  expect(await page().getByTestId("push-status").textContent()).toContain("and when a session fails, while");

  const before = sent(phone, "push.subscribe").length;
  await page().reload();
  await waitForConnected(phone);
  await waitFor(() => sent(phone, "push.subscribe").length === before + 1, 15_000, "the subscription sent again after login");
  const again = sent(phone, "push.subscribe").at(-1)!;
  expect(again.subscription.endpoint).toBe((await browserSubscription())!.endpoint);
  expect(again.events).toEqual(["permission", "question", "failed"]);
  await openDeviceMenu();
  await page().locator('[data-testid="push"][data-subscribed="true"]').waitFor();
  expect(await page().getByLabel("Also when a turn ends").isChecked()).toBe(false);
  expect(gcm.registrations.length).toBe(1); // the same subscription, not a new one
});

test("Stop notifying this device: the relay forgets the endpoint and the browser drops its subscription", async () => {
  const { endpoint } = (await browserSubscription())!;
  await page().getByRole("button", { name: "Stop notifying this device" }).click();
  await page().locator('[data-testid="push"][data-subscribed="false"]').waitFor({ timeout: 15_000 });
  await waitFor(() => sent(phone, "push.unsubscribe").length === 1, 10_000, "push.unsubscribe");
  expect(sent(phone, "push.unsubscribe")).toEqual([{ type: "push.unsubscribe", id: expect.any(String), endpoint }]);
  await waitFor(() => stored().length === 0, 10_000, "the relay to forget the endpoint");
  expect(await browserSubscription()).toBeNull();
  expect(await page().getByRole("button", { name: "Notify me on this device" }).isVisible()).toBe(true);
  expect(posted).toEqual([]);
  expect(phone.problems()).toEqual([]);
});
