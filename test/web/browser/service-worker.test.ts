/**
 * The service worker in real Chromium at a phone viewport, on http://127.0.0.1 (a secure context):
 * it registers, takes control, caches the app shell so that with the relay stopped the app still
 * opens and says it is offline, and shows a Web Push (delivered through the DevTools protocol,
 * as the push service would) as a notification with the payload's title, body and url. The
 * notification is read once Chromium reports it displayed (DevTools' BackgroundService domain): a
 * getNotifications() racing showNotification makes Chromium drop the stored notification.
 */
import { afterAll, beforeAll, expect, test } from "bun:test";
import type { Browser } from "playwright-core";
import { launchBrowser, openPhone, type PhonePage } from "../../support/browser.ts";
import { startTestRelay, type TestRelay } from "../../support/relay.ts";
import { waitFor } from "../../support/wait.ts";

let relay: TestRelay;
let browser: Browser;
let phone: PhonePage;
let relayStopped = false;

beforeAll(async () => {
  relay = await startTestRelay();
  browser = await launchBrowser();
  phone = await openPhone(browser, relay.httpUrl);
}, 60_000);
afterAll(async () => {
  await browser?.close();
  if (!relayStopped) await relay?.stop();
});

test("/sw.js is served with the same security headers as the page", async () => {
  const [page, worker] = await Promise.all([fetch(`${relay.httpUrl}/`), fetch(`${relay.httpUrl}/sw.js`)]);
  expect(worker.status).toBe(200);
  expect(worker.headers.get("content-type")).toBe("text/javascript; charset=utf-8");
  expect(worker.headers.get("content-security-policy")).toBe(page.headers.get("content-security-policy"));
  expect(worker.headers.get("cache-control")).toBe("no-cache");
});

test("the service worker registers for the whole app and takes control of the page", async () => {
  const registration = await phone.page.evaluate(async () => {
    const ready = await navigator.serviceWorker.ready;
    return { scope: ready.scope, script: ready.active?.scriptURL };
  });
  expect(registration).toEqual({ scope: `${relay.httpUrl}/`, script: `${relay.httpUrl}/sw.js` });
  await phone.page.waitForFunction(() => navigator.serviceWorker.controller !== null, undefined, { timeout: 10_000 });
});

test("a Web Push becomes a notification with the payload's title, body and link", async () => {
  await phone.context.grantPermissions(["notifications"], { origin: relay.httpUrl });
  const cdp = await phone.context.newCDPSession(phone.page);
  const registrations = new Promise<string>((resolve) =>
    cdp.on("ServiceWorker.workerRegistrationUpdated", (event: { registrations: Array<{ registrationId: string; scopeURL: string }> }) => {
      const ours = event.registrations.find((registration) => registration.scopeURL === `${relay.httpUrl}/`);
      if (ours) resolve(ours.registrationId);
    }),
  );
  // getNotifications() is asked once Chromium says it displayed the notification, not polled meanwhile:
  // one asked after showNotification stored it but before the platform shows it deletes it for good
  // as "no longer on screen" (about one run in three lost it that way).
  let displayed = false;
  cdp.on("BackgroundService.backgroundServiceEventReceived", ({ backgroundServiceEvent }: { backgroundServiceEvent: { eventName: string } }) => {
    if (backgroundServiceEvent.eventName === "Notification displayed") displayed = true;
  });
  await cdp.send("BackgroundService.setRecording", { service: "notifications", shouldRecord: true });
  await cdp.send("BackgroundService.startObserving", { service: "notifications" });
  await cdp.send("ServiceWorker.enable");
  const registrationId = await registrations;
  const payload = { kind: "permission", sessionId: "s-1", title: "app: Claude asks to use Bash", body: "npm test", url: "/#session=s-1" };
  await cdp.send("ServiceWorker.deliverPushMessage", { origin: relay.httpUrl, registrationId, data: JSON.stringify(payload) });
  await waitFor(() => displayed, 10_000, "Chromium displaying a notification");
  const notification = await phone.page.evaluate(async () => {
    const [shown] = await (await navigator.serviceWorker.ready).getNotifications();
    return shown && { title: shown.title, body: shown.body, tag: shown.tag, data: shown.data };
  });
  expect(notification).toEqual({ title: payload.title, body: payload.body, tag: "s-1:permission", data: { url: "/#session=s-1" } });
});

test("with the relay stopped, the app shell still loads from the cache and says it is offline", async () => {
  await relay.stop();
  relayStopped = true;
  expect(await fetch(`${relay.httpUrl}/`).catch(() => "unreachable")).toBe("unreachable");
  await phone.page.reload();
  await phone.page.getByText("Offline").first().waitFor({ timeout: 20_000 });
  expect(await phone.page.title()).toBe("claude-relay");
});
