/**
 * Devices by name in real Chromium on a 360 × 640 phone, against a real relay and the real Claude
 * CLI (fake API): another device (a key commented `me@laptop`) prompts and answers a permission —
 * the page names it as author and in "allowed by"; the page's own stay "You"; the top bar names
 * who is connected; after a reload the names are the same.
 */
import { afterAll, beforeAll, expect, test } from "bun:test";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import type { Browser } from "playwright-core";
import { authorizePage, horizontalOverflow, launchBrowser, openPhone, type PhonePage, sendPrompt, waitForConnected } from "../../support/browser.ts";
import { text, toolUse } from "../../support/fake-anthropic.ts";
import { startTestRelay, type TestRelay } from "../../support/relay.ts";
import type { Frame, TestClient } from "../../support/ws-client.ts";

const SMALL_PHONE = { width: 360, height: 640 };

let relay: TestRelay;
let browser: Browser;
let phone: PhonePage;
let laptop: TestClient & { authOk: Frame };

beforeAll(async () => {
  [relay, browser] = await Promise.all([startTestRelay(), launchBrowser()]);
  // the other device's key as ssh-keygen names keys: user@host
  writeFileSync(relay.options.authorizedKeysPath, `${relay.key.publicLine.split(" ").slice(0, 2).join(" ")} me@laptop\n`);
  phone = await openPhone(browser, `${relay.httpUrl}/`, { viewport: SMALL_PHONE });
  await authorizePage(phone, relay.options.authorizedKeysPath);
  laptop = await relay.connectAuthenticated();
}, 90_000);

afterAll(async () => {
  await laptop?.close();
  await browser?.close();
  await relay?.stop();
});

const page = () => phone.page;
const isResult = (frame: Frame) => frame.type === "claude.event" && frame.event.type === "result";

test("another device's prompt and answer by its name, the page's own as You, and who is connected in the top bar; the same after a reload", async () => {
  // the page's key was made by the page: claude-relay:Chrome-on-Linux <date>
  const pageName = "Chrome-on-Linux";
  const devices = page().getByTestId("devices");
  await devices.waitFor({ timeout: 10_000 });
  // "Chrome-on-Linux, me@laptop" does not fit beside the state on a phone: counted, named in the title
  expect(await devices.textContent()).toBe(" · 2 devices");
  expect(await devices.getAttribute("title")).toBe(`Connected: ${pageName}, me@laptop`);

  // the laptop prompts; Claude asks; the laptop allows
  relay.api.enqueue(toolUse("Write", { file_path: join(relay.options.cwd, "by-laptop.txt"), content: "x" }), text("done"));
  laptop.send({ type: "prompt", text: "from the laptop" });
  const request = await laptop.next("permission.request", 30_000);
  laptop.send({ type: "permission.response", requestId: request.requestId, behavior: "allow" });
  await laptop.next(isResult, 30_000);
  const theirs = page().getByTestId("prompt").filter({ hasText: "from the laptop" });
  await theirs.waitFor({ timeout: 10_000 });
  expect(await theirs.locator(".who").textContent()).toBe("me@laptop");
  const allowedByLaptop = page().getByTestId("tool").filter({ hasText: "by-laptop.txt" }).locator(".badge").first();
  await allowedByLaptop.waitFor({ timeout: 10_000 });
  expect(await allowedByLaptop.textContent()).toBe("allowed by me@laptop");

  // the page prompts and allows: You on the page, its name for the laptop
  relay.api.enqueue(toolUse("Write", { file_path: join(relay.options.cwd, "by-phone.txt"), content: "y" }), text("done too"));
  await sendPrompt(phone, "from the phone");
  const allow = page().getByRole("button", { name: "Allow", exact: true });
  await allow.waitFor({ timeout: 30_000 });
  // everything is reachable on the small screen with the card shown: no sideways scrolling
  expect(await horizontalOverflow(page())).toBe(0);
  await allow.click();
  const resolved = await laptop.next("permission.resolved", 30_000);
  expect(resolved).toMatchObject({ behavior: "allow", device: pageName });
  expect(laptop.all("user.prompt").at(-1)).toMatchObject({ text: "from the phone", device: pageName });
  await laptop.next(isResult, 30_000);
  const mine = page().getByTestId("prompt").filter({ hasText: "from the phone" });
  expect(await mine.locator(".who").textContent()).toBe("You");
  const allowedByMe = page().getByTestId("tool").filter({ hasText: "by-phone.txt" }).locator(".badge").first();
  await allowedByMe.waitFor({ timeout: 10_000 });
  expect(await allowedByMe.textContent()).toBe("allowed by You");

  // a reload: a new connection, the same names (from the replayed events)
  await page().reload();
  await waitForConnected(phone);
  await theirs.waitFor({ timeout: 20_000 });
  expect(await theirs.locator(".who").textContent()).toBe("me@laptop");
  expect(await allowedByLaptop.textContent()).toBe("allowed by me@laptop");
  expect(await mine.locator(".who").textContent()).toBe("You");
  expect(await page().getByTestId("devices").getAttribute("title")).toBe(`Connected: ${pageName}, me@laptop`);
  // the list of sessions names who else is there
  await page().getByRole("button", { name: "Sessions", exact: true }).click();
  const meta = page().getByTestId("session").first().locator(".session-meta");
  expect(await meta.textContent()).toContain("you and 1 other device: me@laptop");
  await page().getByRole("button", { name: "Back to the conversation" }).click();

  // the laptop leaves: the page is alone, nothing to name
  await laptop.close();
  await page().getByTestId("devices").waitFor({ state: "detached", timeout: 10_000 });
  expect(phone.problems()).toEqual([]);
}, 120_000);
