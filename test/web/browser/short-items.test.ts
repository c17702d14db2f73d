/**
 * Earlier items that are very short (a page of them is less than a screen): scrolled to the top once,
 * the page keeps adding earlier pages while the top stays within a screen of the view — nothing
 * waits for a tap or another scroll. (An observer reports only changes: one that saw the top come
 * near would not report it again while it stays there.)
 */
import { afterAll, beforeAll, expect, test } from "bun:test";
import type { Browser } from "playwright-core";
import { type PhonePage, startPhoneOnLongSession, stopAuthorizedPhone } from "../../support/browser.ts";
import type { TestRelay } from "../../support/relay.ts";

const EVENTS = 300;
let relay: TestRelay;
let browser: Browser;
let phone: PhonePage;

beforeAll(async () => {
  ({ relay, browser, phone } = await startPhoneOnLongSession(EVENTS, "short"));
}, 90_000);

afterAll(() => stopAuthorizedPhone({ relay, browser }));

/** Items not rendered yet, as the "show earlier" button counts them (0: none left). */
const hiddenCount = (page: PhonePage["page"]) =>
  page.evaluate(() => Number(/\((\d+)\)/.exec(document.querySelector('[data-testid="show-earlier"]')?.textContent ?? "")?.[1] ?? 0));

test("scrolled to the top once: earlier pages of short items keep loading until the top is a screen away; scrolling on reaches the first prompt", async () => {
  const page = phone.page;
  await page.locator(`[data-seq="${EVENTS}"]`).waitFor({ timeout: 30_000 });
  const atFirst = await hiddenCount(page);
  // The last 60 items, plus whole pages of 12 where those left the top within a screen of the view
  // (how many depends on the log's height: the phone layout's chrome is ≤ 120 px).
  expect(atFirst).toBeLessThanOrEqual(EVENTS - 60);
  expect((EVENTS - 60 - atFirst) % 12).toBe(0);
  await page.getByTestId("log").evaluate((element) => (element.scrollTop = 0));
  // One page of these is shorter than the screen: it leaves the top in the zone where earlier
  // items load, so more pages follow with no further scrolling, until the top is out of it.
  await page.waitForFunction(
    () => {
      const log = document.querySelector('[data-testid="log"]')!;
      const button = log.querySelector('[data-testid="show-earlier"]');
      return !button || button.getBoundingClientRect().bottom < log.getBoundingClientRect().top - log.clientHeight;
    },
    undefined,
    { timeout: 30_000 },
  );
  expect(await hiddenCount(page)).toBeLessThan(atFirst - 12); // more than one page of 12
  for (let round = 0; round < 100 && (await hiddenCount(page)) > 0; round++) {
    await page.getByTestId("log").evaluate((element) => (element.scrollTop = 0));
    await page.waitForTimeout(50);
  }
  expect(await page.getByTestId("prompt").first().locator(".text").textContent()).toBe("The first prompt");
  expect(await page.locator("hr.turn").count()).toBe(EVENTS - 2);
  expect(phone.problems()).toEqual([]);
}, 60_000);
