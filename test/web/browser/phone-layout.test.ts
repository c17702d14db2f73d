/**
 * The web app on small phones, in real Chromium against a real relay and the real Claude CLI
 * (fake API): at 360 × 640, 375 × 667 and 360 × 740, with a permission request pending in the
 * shown session and a badge for one waiting in another, everything needed is on the screen and
 * takes a tap (Allow, Deny, the prompt box, Send, Interrupt), the chrome above the conversation is
 * at most 120 px, and the conversation stays at its end when the viewport gets shorter (the
 * on-screen keyboard). Every menu closes after one of its actions, on Escape and on a tap outside.
 * Every control of the main views is at least 48 px high. All of Claude's slash commands can be reached.
 */
import { afterAll, beforeAll, expect, test } from "bun:test";
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import type { Browser, Locator, Page } from "playwright-core";
import {
  horizontalOverflow,
  nextReceived,
  type PhonePage,
  received,
  sendPrompt,
  sent,
  startAuthorizedPhone,
  stopAuthorizedPhone,
  waitForPromptText,
} from "../../support/browser.ts";
import { text, toolUse } from "../../support/fake-anthropic.ts";
import type { TestRelay } from "../../support/relay.ts";
import type { TestClient } from "../../support/ws-client.ts";

let relay: TestRelay;
let browser: Browser;
let phone: PhonePage;
let other: TestClient & { authOk: Record<string, any> };
let elsewhere: string;

const SMALL = { width: 360, height: 640 };
const page = (): Page => phone.page;
const isResultOf = (sessionId: string) => (frame: Record<string, any>) =>
  frame.type === "claude.event" && frame.sessionId === sessionId && frame.event.type === "result";

/** Claude's long answer: more than a screen of markdown. */
const LONG = Array.from({ length: 30 }, (_, index) => `${index + 1}. A line of the plan that takes some room on a phone screen.`).join("\n");

beforeAll(async () => {
  ({ relay, browser, phone, other } = await startAuthorizedPhone({ phone: { viewport: SMALL } }));
  // A conversation longer than the screen.
  relay.api.enqueue(text(LONG));
  const done = nextReceived(phone, isResultOf(relay.relay.sessionId));
  await sendPrompt(phone, "plan it");
  await done;
  // Another session waits for an answer: the Sessions button gets its badge.
  const dir = join(relay.dir, "home", "code", "api");
  mkdirSync(dir, { recursive: true });
  other.send({ type: "session.create", cwd: dir, id: "create-api" });
  elsewhere = (await other.next((frame) => frame.type === "session.created" && frame.id === "create-api", 30_000)).sessionId;
  other.send({ type: "session.attach", sessionId: elsewhere, id: "attach-api" });
  await other.next((frame) => frame.type === "session.attached" && frame.id === "attach-api", 30_000);
  relay.api.enqueue(toolUse("Write", { file_path: join(dir, "elsewhere.txt"), content: "x" }));
  other.send({ type: "prompt", text: "write elsewhere", sessionId: elsewhere });
  await other.next((frame) => frame.type === "permission.request" && frame.sessionId === elsewhere, 30_000);
  await page().getByTestId("pending-elsewhere").waitFor({ timeout: 30_000 });
  // The shown session asks too: a Write in its directory (with "Allow for this session").
  relay.api.enqueue(toolUse("Write", { file_path: join(relay.options.cwd, "here.txt"), content: "a\n".repeat(40) }), text("written"));
  other.send({ type: "prompt", text: "write here" });
  await page().getByTestId("permission-card").waitFor({ timeout: 30_000 });
  await page().getByRole("button", { name: "Allow for this session" }).waitFor();
  await page().getByRole("button", { name: "Interrupt" }).waitFor();
  await page().getByTestId("session-settings").waitFor({ timeout: 30_000 });
}, 120_000);

afterAll(() => stopAuthorizedPhone({ relay, browser, other }));

/** Waits two frames: the layout after a resize has been drawn. */
const settled = () => page().evaluate(() => new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve))));

/** Where a control is, and whether a tap at its middle reaches it (nothing covers it). */
async function reach(locator: Locator): Promise<{ top: number; bottom: number; left: number; right: number; hit: boolean }> {
  return locator.evaluate((element) => {
    const box = element.getBoundingClientRect();
    const hit = document.elementFromPoint(box.left + box.width / 2, box.top + box.height / 2);
    return { top: box.top, bottom: box.bottom, left: box.left, right: box.right, hit: hit !== null && (hit === element || element.contains(hit)) };
  });
}

for (const viewport of [SMALL, { width: 375, height: 667 }, { width: 360, height: 740 }]) {
  test(`${viewport.width} × ${viewport.height} with a permission pending: Allow, Deny, the prompt box, Send and Interrupt on screen and tappable; chrome ≤ 120 px`, async () => {
    await page().setViewportSize(viewport);
    await settled();
    const controls: Record<string, Locator> = {
      Allow: page().getByRole("button", { name: "Allow", exact: true }),
      Deny: page().getByRole("button", { name: "Deny", exact: true }),
      "the prompt box": page().getByLabel("Message Claude"),
      Send: page().getByRole("button", { name: "Send", exact: true }),
      Interrupt: page().getByRole("button", { name: "Interrupt" }),
    };
    for (const [name, control] of Object.entries(controls)) {
      const where = await reach(control);
      expect({ name, ...where, fits: where.top >= 0 && where.left >= 0 && where.bottom <= viewport.height && where.right <= viewport.width }).toMatchObject({
        name,
        fits: true,
        hit: true,
      });
    }
    const chrome = await page()
      .getByTestId("log")
      .evaluate((log) => log.getBoundingClientRect().top);
    expect(chrome).toBeLessThanOrEqual(120);
    // The badge sits beside the session's name, the Actions menu in the row of the pickers.
    const toggle = await page().getByTestId("sessions-toggle").boundingBox();
    const actions = await page().locator(".session-actions > summary").boundingBox();
    expect(actions!.y + actions!.height).toBeLessThanOrEqual(chrome);
    expect(toggle!.y).toBeLessThan(actions!.y);
    // Nothing hangs below the screen and nothing scrolls sideways.
    expect(await page().evaluate(() => document.documentElement.scrollHeight)).toBeLessThanOrEqual(viewport.height);
    expect(await horizontalOverflow(page())).toBe(0);
  }, 30_000);
}

test("every control of the main views is at least 48 px high (conversation with a card, slash commands, menus, session list)", async () => {
  await page().setViewportSize(SMALL);
  /** Visible buttons, links, pickers, fields and menu summaries lower than 48 px (links in Claude's text excepted: they are words in a line). */
  const small = () =>
    page().evaluate(() =>
      [...document.querySelectorAll("button, a[href], select, input:not([type=file]), textarea, summary, label.button")]
        .filter((element) => !element.closest(".markdown") && !element.closest(".visually-hidden"))
        .map((element) => ({ element, box: element.getBoundingClientRect() }))
        .filter(({ box }) => box.width > 0 && box.height > 0 && box.height < 47.5)
        .map(({ element, box }) => `${element.outerHTML.slice(0, 80)} is ${box.height} px high`),
    );
  // The conversation: tool calls (one opened), the card with its details opened.
  await page().getByTestId("permission-card").locator("summary").click();
  expect(await small()).toEqual([]);
  await page().getByLabel("Message Claude").fill("/");
  await page().getByTestId("commands").waitFor();
  expect(await small()).toEqual([]);
  await page().getByLabel("Message Claude").fill("");
  await page().getByText("Actions", { exact: true }).click();
  expect(await small()).toEqual([]);
  await page().keyboard.press("Escape");
  await page().getByText("Device", { exact: true }).click();
  expect(await small()).toEqual([]);
  await page().keyboard.press("Escape");
  await page().getByTestId("sessions-toggle").click();
  await page().getByTestId("session-list").waitFor();
  expect(await small()).toEqual([]);
  await page().getByTestId("sessions-toggle").click();
  await page().getByTestId("permission-card").waitFor();
}, 30_000);

test("slash commands: every one of Claude's commands is offered, the list says how many and scrolls to the last", async () => {
  await page().setViewportSize(SMALL);
  const told = [...received(phone, "auth.ok"), ...received(phone, "session.attached"), ...received(phone, "session.capabilities")]
    .map((frame) => frame.capabilities?.commands ?? frame.commands)
    .filter(Boolean)
    .at(-1) as Array<{ name: string }>;
  expect(told.length).toBeGreaterThan(8);
  await page().getByLabel("Message Claude").fill("/");
  const list = page().getByTestId("commands");
  await list.waitFor();
  expect(await page().getByTestId("commands-count").textContent()).toBe(`${told.length} commands · scroll, or type to narrow`);
  expect(await list.getByRole("button").count()).toBe(told.length);
  const last = list.getByRole("button").last();
  await last.scrollIntoViewIfNeeded();
  await last.click();
  await waitForPromptText(phone, `/${told.at(-1)!.name} `);
  await page().getByLabel("Message Claude").fill("");
}, 30_000);

test("the conversation stays at its end when the viewport gets shorter (the keyboard opening)", async () => {
  await page().setViewportSize(SMALL);
  const log = page().getByTestId("log");
  const fromEnd = () => log.evaluate((element) => element.scrollHeight - element.scrollTop - element.clientHeight);
  await log.evaluate((element) => element.scrollTo(0, element.scrollHeight));
  await settled();
  expect(await fromEnd()).toBeLessThan(2);
  await page().getByLabel("Message Claude").focus();
  await page().setViewportSize({ width: 360, height: 340 });
  await page().waitForFunction(() => {
    const element = document.querySelector('[data-testid="log"]')!;
    return element.clientHeight < 200 && element.scrollHeight - element.scrollTop - element.clientHeight < 2;
  });
  const box = await reach(page().getByLabel("Message Claude"));
  expect(box.bottom).toBeLessThanOrEqual(340);
  expect(box.hit).toBe(true);
  await page().setViewportSize(SMALL);
}, 30_000);

test("menus close on Escape, on a tap outside, and after an action (Actions' new conversation); the Device menu's notification choices keep it open to show their result", async () => {
  await page().setViewportSize(SMALL);
  const device = page().locator("details.device-menu");
  const sessionActions = page().locator("details.session-actions");
  const isOpen = (menu: Locator) => menu.evaluate((element) => (element as HTMLDetailsElement).open);

  await page().getByText("Device", { exact: true }).click();
  expect(await isOpen(device)).toBe(true);
  await page().keyboard.press("Escape");
  expect(await isOpen(device)).toBe(false);

  await page().getByText("Actions", { exact: true }).click();
  expect(await isOpen(sessionActions)).toBe(true);
  await page().getByTestId("connection").click(); // outside it: the status line above

  expect(await isOpen(sessionActions)).toBe(false);

  // Notifications on this device are settings whose outcome (on, or why not) is read in the menu itself.
  await page().getByText("Device", { exact: true }).click();
  await page().getByLabel("Also when a session fails").uncheck();
  expect(await isOpen(device)).toBe(true);
  await page().getByLabel("Also when a session fails").check();
  await page().getByTestId("connection").click();
  expect(await isOpen(device)).toBe(false);

  // The action that left it open over the pickers, with "Stop this session" under the thumb.
  await page().getByText("Actions", { exact: true }).click();
  await page().getByRole("button", { name: "New conversation here" }).click();
  await page().getByRole("button", { name: "Start it" }).click();
  expect(sent(phone, "session.create").at(-1)).toMatchObject({ cwd: relay.options.cwd });
  expect(await isOpen(sessionActions)).toBe(false);
}, 60_000);

test("no console errors and no request to another origin, all along", () => {
  expect(phone.problems()).toEqual([]);
});
