/**
 * A long session in real Chromium at a phone viewport: a relay whose default session already holds
 * 400 events (prompts, markdown, Edit diffs asked for and allowed, Bash and Read results) replays
 * them at login. The page shows the newest items, adds earlier ones as the reader scrolls up (or
 * asks) without moving what they look at, and in the end shows every item once, in order.
 * (The synthetic Claude: what is measured is the page, not a model; timings are in
 * bench/web-render.ts.)
 */
import { afterAll, beforeAll, expect, test } from "bun:test";
import type { Browser } from "playwright-core";
import { type PhonePage, startPhoneOnLongSession, stopAuthorizedPhone } from "../../support/browser.ts";
import type { TestRelay } from "../../support/relay.ts";

const EVENTS = 400;
let relay: TestRelay;
let browser: Browser;
let phone: PhonePage;

beforeAll(async () => {
  ({ relay, browser, phone } = await startPhoneOnLongSession(EVENTS));
}, 90_000);

afterAll(() => stopAuthorizedPhone({ relay, browser }));

const log = () => phone.page.getByTestId("log");
const shownSeqs = () => phone.page.locator("[data-seq]").evaluateAll((elements) => elements.map((element) => Number(element.getAttribute("data-seq"))));
const itemCount = () => log().evaluate((element) => element.querySelectorAll(":scope > article, :scope > details, :scope > p, :scope > hr").length);

test("at login: the newest items, scrolled to the end, and a way to the earlier ones", async () => {
  await phone.page.locator(`[data-seq="${EVENTS}"]`).waitFor({ timeout: 30_000 });
  expect(await itemCount()).toBe(60);
  const more = phone.page.getByTestId("show-earlier");
  expect(await more.textContent()).toMatch(/^Show earlier messages \(\d+\)$/);
  expect(await log().evaluate((element) => element.scrollHeight - element.scrollTop - element.clientHeight)).toBeLessThan(2);
}, 60_000);

test("scrolling up adds earlier items above without moving what is on screen; the button does the same", async () => {
  const page = phone.page;
  const before = await itemCount();
  // The reader scrolls to the first item rendered: it must stay where it is while earlier ones arrive.
  const anchor = await log().evaluate((element) => {
    element.scrollTop = 0;
    const first = element.querySelector("[data-seq]")!;
    return { seq: first.getAttribute("data-seq")!, top: first.getBoundingClientRect().top };
  });
  await page.waitForFunction(
    (count) =>
      document.querySelectorAll('[data-testid="log"] > article, [data-testid="log"] > details, [data-testid="log"] > p, [data-testid="log"] > hr').length >
      count,
    before,
  );
  const after = await page.locator(`[data-seq="${anchor.seq}"]`).evaluate((element) => element.getBoundingClientRect().top);
  expect(Math.abs(after - anchor.top)).toBeLessThan(2);

  const count = await itemCount();
  await page.getByTestId("show-earlier").click();
  await page.waitForFunction(
    (known) =>
      document.querySelectorAll('[data-testid="log"] > article, [data-testid="log"] > details, [data-testid="log"] > p, [data-testid="log"] > hr').length >
      known,
    count,
  );
}, 60_000);

test("scrolled all the way up: every item once, in order, from the first prompt", async () => {
  const page = phone.page;
  for (let round = 0; round < 100 && (await page.getByTestId("show-earlier").count()) > 0; round++) {
    await log().evaluate((element) => (element.scrollTop = 0));
    await page.waitForTimeout(50);
  }
  expect(await page.getByTestId("show-earlier").count()).toBe(0);
  const seqs = await shownSeqs();
  expect(seqs).toEqual([...seqs].sort((a, b) => a - b));
  expect(new Set(seqs).size).toBe(seqs.length);
  expect(seqs.at(-1)).toBe(EVENTS);
  expect(await page.getByTestId("prompt").first().locator(".text").textContent()).toBe("Fix the trailing comma bug, part 1; then run the parser tests");
  // A tool call's body is made when it is opened.
  const edit = page.getByTestId("tool").filter({ hasText: "Edit: /home/me/code/app/src/parser/list-4.ts" }).first(); // turn 4's, asked for and allowed
  expect(await edit.locator(".diff").count()).toBe(0);
  expect(await edit.locator(".badge").first().textContent()).toBe("allowed by Another device (c-bench-)");
  await edit.locator("summary").click();
  await edit.locator(".diff .add").first().waitFor();
  expect(await edit.locator(".diff .add").textContent()).toContain('if (at(tokens, ",")) next(tokens); // trailing comma (turn 4)');
  expect(phone.problems()).toEqual([]);
}, 60_000);
