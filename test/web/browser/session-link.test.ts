/**
 * `/#session=<id>`, what a Web Push notification opens, in real Chromium at a phone viewport
 * against a relay with two sessions: the app opened at that link shows that session once logged
 * in (whatever it showed last), an app already open goes there on `hashchange` (what the service
 * worker's `navigate` does), the link leaves the address bar once used, and a session that has
 * ended is said in words while the app stays where it was.
 */
import { afterAll, beforeAll, expect, test } from "bun:test";
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { type AuthorizedPhone, received, startAuthorizedPhone, stopAuthorizedPhone, waitForConnected } from "../../support/browser.ts";
import { SYNTHETIC_CLAUDE } from "../../support/cli-process.ts";
import { waitFor } from "../../support/wait.ts";

let started: AuthorizedPhone;
let other: { sessionId: string; cwd: string };

beforeAll(async () => {
  started = await startAuthorizedPhone({ relay: { flags: { claudeBin: SYNTHETIC_CLAUDE } } });
  const cwd = join(started.relay.dir, "home", "linked-project");
  mkdirSync(cwd, { recursive: true });
  started.other.send({ type: "session.create", id: "c1", cwd });
  const created = await started.other.next((frame) => frame.id === "c1");
  expect(created.type).toBe("session.created");
  other = { sessionId: created.sessionId, cwd };
  // The page learns of it from the relay's list (as a page opened later does from auth.ok).
  await waitFor(
    () => received(started.phone, "sessions").some((frame) => frame.sessions.some((info: { sessionId: string }) => info.sessionId === other.sessionId)),
    15_000,
    "the page to know the session",
  );
}, 90_000);
afterAll(async () => {
  if (started) await stopAuthorizedPhone(started);
});

const page = () => started.phone.page;
const shownCwd = () => page().getByTestId("current-session").locator(".cwd").textContent();
const defaultSessionId = () => started.other.authOk.sessionId as string;

test("an open app goes to the session a #session= link names (hashchange), and the link leaves the address bar", async () => {
  expect(await shownCwd()).not.toBe(other.cwd);
  await page().evaluate((id) => (location.hash = `#session=${id}`), other.sessionId);
  await page().getByTestId("current-session").filter({ hasText: other.cwd }).waitFor({ timeout: 15_000 });
  expect(await page().evaluate(() => location.hash)).toBe("");
  // The next notification's link (the default session) is a change again.
  await page().evaluate((id) => (location.hash = `#session=${id}`), defaultSessionId());
  await page().waitForFunction((cwd) => document.querySelector('[data-testid="current-session"] .cwd')?.textContent !== cwd, other.cwd, { timeout: 15_000 });
});

test("the app opened at /#session=<id> shows that session once logged in, not the one shown last", async () => {
  await page().goto("about:blank");
  await page().goto(`${started.relay.httpUrl}/#session=${other.sessionId}`);
  await waitForConnected(started.phone);
  await page().getByTestId("current-session").filter({ hasText: other.cwd }).waitFor({ timeout: 15_000 });
  expect(await page().evaluate(() => location.hash)).toBe("");
});

test("a link to a session that has ended: said in words, the shown session stays", async () => {
  await page().evaluate(() => (location.hash = "#session=0b3c5d7e-0000-4000-8000-000000000000"));
  await page().getByRole("alert").filter({ hasText: "The session that notification was about has ended." }).waitFor({ timeout: 15_000 });
  expect(await shownCwd()).toBe(other.cwd);
  expect(started.phone.problems()).toEqual([]);
});
