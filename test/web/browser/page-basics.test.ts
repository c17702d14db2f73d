/**
 * The page as an app, in real Chromium at a phone viewport against a real relay and the real
 * Claude CLI (fake API): the pickers arrive once Claude has started even when the page logged in
 * before (Claude held at its start by a gate file); a notification and a vibration for a permission
 * request while the page is hidden (Notification permission asked only from a tap; hidden emulated,
 * notifications and vibrations recorded); the web manifest; dark and light following the system;
 * reduced motion; keyboard use with a visible focus ring; 16 px text in every field.
 */
import { afterAll, afterEach, beforeAll, expect, test } from "bun:test";
import { chmodSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { Browser, Page } from "playwright-core";
import { nextReceived, type PhonePage, received, sent, startAuthorizedPhone, stopAuthorizedPhone } from "../../support/browser.ts";
import { text, toolUse } from "../../support/fake-anthropic.ts";
import { pathWithRepoBin, type TestRelay } from "../../support/relay.ts";
import { makeTempDir } from "../../support/ssh.ts";
import type { TestClient } from "../../support/ws-client.ts";

/**
 * Before the page's scripts: `__setHidden(bool)` makes the document hidden or visible (and says so
 * with visibilitychange); notifications shown, closed and asked for, and vibrations, are recorded.
 */
const RECORD = `(() => {
  let hidden = false;
  Object.defineProperty(Document.prototype, "visibilityState", { configurable: true, get: () => (hidden ? "hidden" : "visible") });
  Object.defineProperty(Document.prototype, "hidden", { configurable: true, get: () => hidden });
  window.__setHidden = (value) => { hidden = value; document.dispatchEvent(new Event("visibilitychange")); };
  const record = (window.__record = { notifications: [], asked: 0, vibrations: [] });
  const Native = window.Notification;
  window.Notification = class extends Native {
    static get permission() { return Native.permission; }
    static requestPermission(...args) { record.asked++; return Native.requestPermission(...args); }
    constructor(title, options) {
      super(title, options);
      const shown = { title, body: options && options.body, tag: options && options.tag, closed: false };
      record.notifications.push(shown);
      const close = this.close.bind(this);
      this.close = () => { shown.closed = true; close(); };
    }
  };
  // Subscribing to push asks the notification permission too.
  const subscribe = PushManager.prototype.subscribe;
  PushManager.prototype.subscribe = function (...args) { record.asked++; return subscribe.apply(this, args); };
  navigator.vibrate = (pattern) => { record.vibrations.push(pattern); return true; };
})();`;

interface Recorded {
  notifications: { title: string; body?: string; tag?: string; closed: boolean }[];
  asked: number;
  vibrations: unknown[];
}

let relay: TestRelay;
let browser: Browser;
let phone: PhonePage;
let other: TestClient & { authOk: Record<string, any> };
let gate: string;

beforeAll(async () => {
  // Claude waits for the gate file before it starts, so the page logs in while it is starting.
  const dir = makeTempDir("relay-web-basics-");
  gate = join(dir, "claude-may-start");
  const held = join(dir, "held-claude.sh");
  writeFileSync(held, `#!/bin/sh\nwhile [ ! -e "${gate}" ]; do sleep 0.1; done\nexec claude "$@"\n`);
  chmodSync(held, 0o755);
  ({ relay, browser, phone, other } = await startAuthorizedPhone({
    relay: { dir, flags: { claudeBin: held }, env: { PATH: pathWithRepoBin() } },
    phone: { initScript: RECORD },
  }));
}, 90_000);

afterAll(() => stopAuthorizedPhone({ relay, browser, other }));

afterEach(async () => {
  relay.api.reset();
  await page().emulateMedia({ colorScheme: null, reducedMotion: null });
});

const page = (): Page => phone.page;
const recorded = (): Promise<Recorded> => page().evaluate(() => (window as unknown as { __record: Recorded }).__record);
const isResult = (frame: Record<string, any>) => frame.type === "claude.event" && frame.event.type === "result";

test("logged in while Claude starts: no pickers in auth.ok, so the page attaches to the session and shows them once Claude has told them", async () => {
  const login = received(phone, "auth.ok").at(-1)!;
  expect(login.capabilities).toBeUndefined();
  // partial: the page follows every session with the live view (Claude's text as it is written, the status line).
  expect(sent(phone, "session.attach")).toEqual([{ type: "session.attach", sessionId: login.sessionId, lastSeq: login.lastSeq, partial: true }]);
  expect(await page().getByLabel("Permission mode").count()).toBe(0);
  const told = nextReceived(phone, (frame) => frame.type === "session.capabilities" || (frame.type === "session.attached" && frame.capabilities !== undefined));
  writeFileSync(gate, "");
  await told;
  await page().getByLabel("Permission mode").waitFor({ timeout: 30_000 });
  expect(await page().getByLabel("Model").inputValue()).toBe("default");
}, 60_000);

test("notifications: asked for only from a tap; while the page is hidden a permission request notifies and vibrates, and the notification closes once answered", async () => {
  await page().getByText("Device", { exact: true }).click();
  const enable = page().getByRole("button", { name: "Notify me on this device" });
  await enable.waitFor();
  expect((await recorded()).asked).toBe(0); // not at load: browsers ask only on a user gesture
  await phone.context.grantPermissions(["notifications"]);
  await enable.click();
  // This context is off the record: Chromium allows notifications but refuses push subscriptions,
  // so the menu says so and that notifications come while the page is open.
  await page().getByRole("alert").filter({ hasText: "refuses to subscribe to push" }).waitFor();
  await page().getByText("Permission requests are notified while this page is in the background", { exact: false }).waitFor();
  expect((await recorded()).asked).toBe(1);
  await page().getByText("Device", { exact: true }).click(); // closes the menu

  // Visible: the card is enough.
  relay.api.enqueue(toolUse("Write", { file_path: join(relay.options.cwd, "seen.txt"), content: "x" }), text("done"));
  other.send({ type: "prompt", text: "write seen.txt" });
  let request = await other.next("permission.request", 30_000);
  await page().getByTestId("permission-card").waitFor();
  other.send({ type: "permission.response", requestId: request.requestId, behavior: "allow" });
  await other.next(isResult, 30_000);
  expect((await recorded()).notifications).toEqual([]);

  // Hidden: a notification and a vibration; answered elsewhere, the notification closes.
  await page().evaluate(() => (window as unknown as { __setHidden: (hidden: boolean) => void }).__setHidden(true));
  relay.api.enqueue(toolUse("Write", { file_path: join(relay.options.cwd, "unseen.txt"), content: "y" }), text("done"));
  other.send({ type: "prompt", text: "write unseen.txt" });
  request = await other.next("permission.request", 30_000);
  await page().waitForFunction(() => (window as unknown as { __record: Recorded }).__record.notifications.length > 0, undefined, { timeout: 30_000 });
  let record = await recorded();
  expect(record.notifications).toEqual([{ title: "Claude asks to use Write", body: request.description, tag: request.requestId, closed: false }]);
  expect(record.vibrations).toEqual([[200, 100, 200]]);
  other.send({ type: "permission.response", requestId: request.requestId, behavior: "allow" });
  await other.next(isResult, 30_000);
  await page().waitForFunction(() => (window as unknown as { __record: Recorded }).__record.notifications[0]!.closed);
  record = await recorded();
  expect(record.notifications).toHaveLength(1);
  await page().evaluate(() => (window as unknown as { __setHidden: (hidden: boolean) => void }).__setHidden(false));
}, 90_000);

test("a web manifest for the home screen, linked from the page", async () => {
  const manifest = await page().evaluate(async () => {
    const link = document.querySelector('link[rel="manifest"]') as HTMLLinkElement;
    const response = await fetch(link.href);
    return { type: response.headers.get("content-type"), body: await response.json() };
  });
  expect(manifest.type).toContain("application/manifest+json");
  expect(manifest.body).toMatchObject({ name: "claude-relay", short_name: expect.any(String), start_url: "/", scope: "/", display: "standalone" });
  expect(manifest.body.icons).toEqual([expect.objectContaining({ src: "/icon.svg", type: "image/svg+xml" })]);
  expect(await page().evaluate(async () => (await fetch("/icon.svg")).ok)).toBe(true);
  expect(await page().locator('meta[name="theme-color"]').count()).toBe(2);
});

test("dark and light follow the system", async () => {
  const colors = () => page().evaluate(() => ({ background: getComputedStyle(document.body).backgroundColor, text: getComputedStyle(document.body).color }));
  await page().emulateMedia({ colorScheme: "light" });
  expect(await colors()).toEqual({ background: "rgb(246, 245, 241)", text: "rgb(29, 29, 31)" });
  await page().emulateMedia({ colorScheme: "dark" });
  expect(await colors()).toEqual({ background: "rgb(27, 27, 29)", text: "rgb(236, 235, 232)" });
});

test("reduced motion: no transitions", async () => {
  const duration = () =>
    page()
      .getByRole("button", { name: "Send" })
      .evaluate((element) => getComputedStyle(element).transitionDuration);
  await page().emulateMedia({ reducedMotion: "no-preference" });
  expect(await duration()).not.toMatch(/^0s(, 0s)*$/);
  await page().emulateMedia({ reducedMotion: "reduce" });
  expect(await duration()).toMatch(/^0s(, 0s)*$/);
});

test("keyboard: Tab reaches the controls with a visible focus ring; a prompt is sent and a permission answered without a pointer", async () => {
  /** Tabs (at most 60 times) until the focused element matches; returns its focus outline. */
  const tabTo = async (describe: string, matches: (element: Element) => boolean) => {
    for (let presses = 0; presses < 60; presses++) {
      await page().keyboard.press("Tab");
      const found = await page().evaluate(`(${matches.toString()})(document.activeElement)`);
      if (found)
        return page().evaluate(() => {
          const style = getComputedStyle(document.activeElement!);
          return { style: style.outlineStyle, width: parseFloat(style.outlineWidth) };
        });
    }
    throw new Error(`Tab never reached ${describe}`);
  };
  await page().evaluate(() => (document.activeElement as HTMLElement | null)?.blur());
  for (const [describe, matches] of [
    ["the Sessions button", (element: Element) => element.getAttribute("data-testid") === "sessions-toggle"],
    ["the mode picker", (element: Element) => element.getAttribute("data-testid") === "mode-picker"],
    ["the prompt box", (element: Element) => element.id === "prompt"],
  ] as const) {
    const ring = await tabTo(describe, matches);
    expect(ring.style).toBe("solid");
    expect(ring.width).toBeGreaterThanOrEqual(2);
  }
  relay.api.enqueue(toolUse("Write", { file_path: join(relay.options.cwd, "by-keyboard.txt"), content: "typed" }), text("done"));
  await page().keyboard.type("write by-keyboard.txt");
  const send = await tabTo("Send", (element) => element.textContent === "Send");
  expect(send.style).toBe("solid");
  await page().keyboard.press("Enter");
  const request = await other.next("permission.request", 30_000);
  await page().getByTestId("permission-card").waitFor();
  await page().evaluate(() => (document.activeElement as HTMLElement | null)?.blur());
  await tabTo("Allow", (element) => element.textContent === "Allow");
  await page().keyboard.press("Enter");
  expect(await other.next("permission.resolved")).toMatchObject({ requestId: request.requestId, behavior: "allow" });
  await other.next(isResult, 30_000);
  expect(sent(phone, "prompt").at(-1)).toMatchObject({ text: "write by-keyboard.txt" });
}, 60_000);

test("every field has 16 px text (no zoom on iOS)", async () => {
  await page().getByTestId("sessions-toggle").click();
  await page().getByTestId("session-list").waitFor();
  const small = await page().evaluate(() =>
    [...document.querySelectorAll("input, select, textarea")]
      .filter((field) => parseFloat(getComputedStyle(field).fontSize) < 16)
      .map((field) => field.outerHTML.slice(0, 80)),
  );
  expect(small).toEqual([]);
  await page().getByTestId("sessions-toggle").click();
});

test("no console errors and no request to another origin, all along", () => {
  // Chromium's own note on the push subscription it refused in this off-the-record context.
  expect(phone.problems()).toEqual([
    "console error: Chrome currently does not support the Push API in incognito mode (https://crbug.com/41124656). There is deliberately no way to feature-detect this, since incognito mode needs to be undetectable by websites.",
  ]);
});
