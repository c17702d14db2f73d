/**
 * Where "Notify me on this device" cannot work, the Device menu says why and what to do, in real
 * Chromium at a phone viewport against a relay serving its self-signed certificate (`--tls`), and one on plain http:
 * - past the certificate warning the page works, but the browser refuses to install the service
 *   worker from an origin it does not trust: the panel points to `serve --tls --tls-ca` and the
 *   CA at /ca.crt, and offers notifications while the page is open instead;
 * - Safari on an iPhone (its user agent) outside the Home Screen: the panel says to add the app
 *   to the Home Screen first (iOS delivers Web Push only there);
 * - plain http on a network name (not this machine's loopback): no secure context, so the page
 *   cannot even keep its key, and says how to reach the relay over a trusted https origin.
 */
import { afterAll, beforeAll, expect, test } from "bun:test";
import { type Browser, chromium } from "playwright-core";
import {
  type AuthorizedPhone,
  authorizePage,
  CHROMIUM,
  CHROMIUM_ARGS,
  openPhone,
  PHONE,
  startAuthorizedPhone,
  stopAuthorizedPhone,
} from "../../support/browser.ts";
import { SYNTHETIC_CLAUDE } from "../../support/cli-process.ts";
import { startTestRelay } from "../../support/relay.ts";

const IPHONE_SAFARI = "Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Mobile/15E148 Safari/604.1";

let started: AuthorizedPhone;

beforeAll(async () => {
  started = await startAuthorizedPhone({ relay: { flags: { tls: true, claudeBin: SYNTHETIC_CLAUDE } }, phone: { acceptCertificateWarning: true } });
}, 90_000);
afterAll(async () => {
  if (started) await stopAuthorizedPhone(started);
});

async function pushPanelOf(page: AuthorizedPhone["phone"]["page"]) {
  await page.locator("details.device-menu summary").click();
  const panel = page.getByTestId("push");
  await panel.waitFor();
  return panel;
}

test("a self-signed certificate: no service worker, so the panel says the origin is not trusted and points to --tls-ca and /ca.crt", async () => {
  const { phone } = started;
  await phone.page.locator('[data-testid="push"][data-support="untrusted-origin"]').waitFor({ state: "attached", timeout: 15_000 });
  const panel = await pushPanelOf(phone.page);
  const words = await panel.getByTestId("push-blocked").textContent();
  expect(words).toContain("a self-signed certificate");
  expect(words).toContain("claude-relay serve --tls --tls-ca");
  expect(words).toContain("/ca.crt");
  // A secure context all the same (the key works): only the service worker is refused.
  expect(await phone.page.evaluate(async () => ({ secure: isSecureContext, registered: Boolean(await navigator.serviceWorker.getRegistration()) }))).toEqual({
    secure: true,
    registered: false,
  });
  expect(await phone.page.getByRole("button", { name: "Notify me on this device" }).count()).toBe(0);
  // Notifications while the page is open still can be had.
  expect(await phone.page.getByTestId("enable-notifications").isVisible()).toBe(true);
  expect(phone.problems()).toEqual(["console error: An SSL certificate error occurred when fetching the script."]);
});

test("Safari on an iPhone, not opened from the Home Screen: the panel says to add it to the Home Screen", async () => {
  const { browser, relay } = started;
  const iphone = await openPhone(browser, `${relay.httpUrl}/`, { userAgent: IPHONE_SAFARI, acceptCertificateWarning: true });
  await authorizePage(iphone, relay.options.authorizedKeysPath);
  const panel = await pushPanelOf(iphone.page);
  await iphone.page.locator('[data-testid="push"][data-support="ios-home-screen"]').waitFor();
  expect(await panel.getByTestId("push-blocked").textContent()).toBe(
    "On iPhone and iPad, notifications reach only a web app on the Home Screen (iOS 16.4 or later): tap Share → Add to Home Screen, then open it from the Home Screen and turn notifications on there.",
  );
  await iphone.context.close();
});

test("plain http on a network name: not a secure context, and the page says to reach the relay over https with --tls-ca", async () => {
  let lan: Browser | undefined;
  const plain = await startTestRelay({ flags: { claudeBin: SYNTHETIC_CLAUDE } });
  try {
    const port = new URL(plain.httpUrl).port;
    // relay.lan resolves to this machine, but is not loopback to the browser: http there is not a secure context.
    lan = await chromium.launch({ executablePath: CHROMIUM, args: [...CHROMIUM_ARGS, "--host-resolver-rules=MAP relay.lan 127.0.0.1"] });
    const context = await lan.newContext(PHONE);
    const page = await context.newPage();
    await page.goto(`http://relay.lan:${port}/`);
    expect(await page.evaluate(() => isSecureContext)).toBe(false);
    const alert = page.getByRole("alert").filter({ hasText: "This page cannot work here" });
    await alert.waitFor({ timeout: 15_000 });
    expect(await alert.textContent()).toContain("claude-relay serve --host 0.0.0.0 --tls --tls-ca");
    expect(await alert.textContent()).toContain("notifications work while the app is closed too");
  } finally {
    await lan?.close();
    await plain.stop();
  }
});
