/**
 * An idle session in the web app, in real Chromium at a phone viewport against a real relay
 * (`--idle-timeout 3s`) and the real Claude CLI (fake API): once the relay stops Claude, the
 * header and the session list say so in words (the next prompt starts it), the prompt box stays
 * usable, and a prompt wakes the session and gets its answer; nothing overflows at 360 px, no
 * console errors.
 */
import { afterAll, beforeAll, expect, test } from "bun:test";
import type { Browser } from "playwright-core";
import { horizontalOverflow, PHONE, type PhonePage, received, sendPrompt, startAuthorizedPhone } from "../../support/browser.ts";
import { text } from "../../support/fake-anthropic.ts";
import type { TestRelay } from "../../support/relay.ts";
import type { TestClient } from "../../support/ws-client.ts";

const IDLE_WORDS = "Idle: Claude starts at the next prompt";
let relay: TestRelay;
let browser: Browser;
let phone: PhonePage;
let other: TestClient;

beforeAll(async () => {
  ({ relay, browser, phone, other } = await startAuthorizedPhone({ relay: { flags: { idleTimeout: "3s" } } }));
}, 90_000);

afterAll(async () => {
  await other?.close();
  await browser?.close();
  await relay?.stop();
});

const status = () => phone.page.getByTestId("connection");

test("the relay stops the idle Claude: the header and the session list say the next prompt starts it", async () => {
  await status().filter({ hasText: IDLE_WORDS }).waitFor({ timeout: 30_000 });
  expect(received(phone, "session.state").some((frame) => frame.state === "idle")).toBe(true);
  await phone.page.getByTestId("sessions-toggle").click();
  const item = phone.page.getByTestId("session").first();
  await item.locator(".session-meta").filter({ hasText: IDLE_WORDS }).waitFor();
  expect(await item.getByText("The relay's default session").count()).toBe(1);
  await phone.page.setViewportSize({ width: 360, height: PHONE.viewport.height });
  expect(await horizontalOverflow(phone.page)).toBe(0);
  await phone.page.setViewportSize(PHONE.viewport);
  await phone.page.getByTestId("sessions-toggle").click();
}, 60_000);

test("a prompt wakes the idle session and its answer is shown", async () => {
  expect(await phone.page.getByLabel("Message Claude").isEditable()).toBe(true);
  relay.api.enqueue(text("awake again, with **the earlier turns**"));
  await sendPrompt(phone, "are you there?");
  await phone.page.getByTestId("assistant").filter({ hasText: "awake again, with the earlier turns" }).waitFor({ timeout: 60_000 });
  const states = received(phone, "session.state").map((frame) => frame.state);
  expect(states.slice(states.lastIndexOf("idle"))).toEqual(expect.arrayContaining(["idle", "starting", "busy"]));
  await status()
    .filter({ hasText: /Ready|Idle/ })
    .waitFor({ timeout: 30_000 });
  expect(phone.problems()).toEqual([]);
}, 90_000);
