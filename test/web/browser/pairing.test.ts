/**
 * Pairing the web app through a `claude-relay pair` link, end to end: `pair` runs as its own
 * process (talking to the relay through its control socket), real Chromium opens the link it
 * prints at a phone viewport; the page shows its key's fingerprint, waits for the confirmation on
 * the computer, then logs in by itself and takes the code out of the address bar. A wrong or used
 * code is told in words; the P-256 fallback pairs too; no console errors.
 */
import { afterAll, afterEach, beforeAll, expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import type { Browser } from "playwright-core";
import { launchBrowser, openPhone, type PhonePage, received, WITHOUT_ED25519, waitForConnected } from "../../support/browser.ts";
import { killPairProcesses, startPair } from "../../support/pair-process.ts";
import { startTestRelay, type TestRelay } from "../../support/relay.ts";

let relay: TestRelay;
let browser: Browser;
const phones: PhonePage[] = [];
let usedLink: string;

beforeAll(async () => {
  [relay, browser] = await Promise.all([startTestRelay(), launchBrowser()]);
}, 60_000);
afterEach(killPairProcesses);
afterAll(async () => {
  await browser?.close();
  await relay?.stop();
});

async function phone(url: string, initScript?: string): Promise<PhonePage> {
  const opened = await openPhone(browser, url, { ...(initScript && { initScript }) });
  phones.push(opened);
  return opened;
}

const sentPairRequests = (page: PhonePage) =>
  page.frames.filter((entry) => entry.direction === "sent" && entry.frame.type === "pair.request").map((entry) => entry.frame);
const WRONG_CODE = "Pairing failed: the pairing code is wrong, used or expired; run `claude-relay pair` on the relay's machine for a new one.";

test("a pair link: the page shows its fingerprint, waits for the confirmation on the computer, then logs in and drops the code from the URL", async () => {
  const pair = startPair(relay, []);
  usedLink = await pair.url;
  const device = await phone(usedLink);
  const page = device.page;
  await page.getByRole("heading", { name: "Pair this device" }).waitFor({ timeout: 20_000 });
  const name = page.getByLabel("Name for this device");
  expect(await name.inputValue()).toMatch(/^Chrome-on-[A-Za-z]+$/);
  const fingerprint = (await page.getByTestId("pair-fingerprint").textContent())!;
  expect(fingerprint).toMatch(/^ssh-ed25519 SHA256:[A-Za-z0-9+/]{43}$/);
  expect(sentPairRequests(device)).toEqual([]); // nothing is sent before the user says so

  // Every text the top bar's status shows from now on, in order.
  await page.evaluate(() => {
    const seen: string[] = [];
    (window as unknown as { statusTexts: string[] }).statusTexts = seen;
    const note = () => {
      const text = document.querySelector('[data-testid="connection"]')?.textContent ?? "";
      if (seen.at(-1) !== text) seen.push(text);
    };
    note();
    new MutationObserver(note).observe(document.body, { subtree: true, childList: true, characterData: true });
  });
  await name.fill("my phone");
  await page.getByRole("button", { name: "Pair this device" }).click();
  await page.locator('[data-testid="pair-waiting"][data-phase="waiting"]').waitFor();
  expect(await page.getByTestId("pair-waiting").textContent()).toContain("Waiting for confirmation on your computer");
  expect(await page.getByTestId("pair-fingerprint").textContent()).toBe(fingerprint);
  await pair.asked;
  expect(pair.output()).toContain(fingerprint.split(" ")[1]!); // what the person compares
  expect(pair.output()).toContain('"my-phone"');
  const [request] = sentPairRequests(device);
  expect(request).toMatchObject({ type: "pair.request", code: new URL(usedLink).hash.slice("#pair=".length), name: "my phone" });
  expect(new URL(usedLink).hash).not.toContain("&name="); // no pair --name: the browser's guess above
  expect(request!.publicKey).toMatch(/^ssh-ed25519 AAAA[A-Za-z0-9+/]+=*$/);

  pair.child.stdin!.end("y\n");
  await waitForConnected(device);
  // The real stages, not "Connecting…" throughout: asked, waiting for the computer, approved, logged in.
  const stages = await page.evaluate(() => (window as unknown as { statusTexts: string[] }).statusTexts);
  expect(stages[0]).toBe("Pairing this device");
  expect(stages).toContain("Waiting for confirmation on your computer…");
  expect(stages.indexOf("Waiting for confirmation on your computer…")).toBeLessThan(stages.findIndex((text) => text.startsWith("Connected")));
  expect(stages.filter((text) => text === "Connecting…")).toEqual([]);
  expect(await pair.exit).toBe(0);
  expect(await page.evaluate(() => location.href)).toBe(`${relay.httpUrl}/`);
  expect(received(device, "pair.ok")).toEqual([{ type: "pair.ok", fingerprint: fingerprint.split(" ")[1] }]);
  expect(received(device, "auth.ok").at(-1)!.key).toMatchObject({
    fingerprint: fingerprint.split(" ")[1],
    comment: expect.stringMatching(/^claude-relay:my-phone \d{4}-\d{2}-\d{2}$/),
  });
  expect(readFileSync(relay.options.authorizedKeysPath, "utf8")).toContain(`${request!.publicKey} claude-relay:my-phone `);
  await page.getByLabel("Message Claude").waitFor();

  // Later visits log in by themselves.
  await page.reload();
  await waitForConnected(device);
  expect(await page.getByRole("heading", { name: "Pair this device" }).count()).toBe(0);
  expect(sentPairRequests(device)).toHaveLength(1);
  expect(device.problems()).toEqual([]);
}, 90_000);

test("a used code: told in words, with what to do; the code leaves the URL; the key can be added by hand instead", async () => {
  const device = await phone(usedLink);
  const page = device.page;
  await page.getByRole("button", { name: "Pair this device" }).click();
  const failed = page.getByTestId("pair-failed");
  await failed.waitFor({ timeout: 20_000 });
  expect(await failed.locator("p").first().textContent()).toBe(WRONG_CODE);
  expect(await failed.textContent()).toContain("A pairing link works once, for 10 minutes. Run claude-relay pair on the computer again");
  expect(await failed.getAttribute("role")).toBe("alert");
  expect(await page.getByTestId("connection").textContent()).toBe("Not paired");
  expect(await page.evaluate(() => location.hash)).toBe("");
  await page.getByRole("button", { name: "Show this device's key" }).click();
  await page.getByRole("heading", { name: "Authorize this device" }).waitFor({ timeout: 20_000 });
  expect(device.problems()).toEqual([]);
}, 60_000);

test("a wrong code opened in a page already showing its key: the pairing form replaces it; refused in words", async () => {
  const device = await phone(`${relay.httpUrl}/`);
  const page = device.page;
  await page.getByRole("heading", { name: "Authorize this device" }).waitFor({ timeout: 20_000 });
  await page.goto(`${relay.httpUrl}/#pair=${"A".repeat(24)}`); // same document: a hashchange
  await page.getByRole("button", { name: "Pair this device" }).click();
  await page.getByTestId("pair-failed").waitFor({ timeout: 20_000 });
  expect(await page.getByTestId("pair-failed").locator("p").first().textContent()).toBe(WRONG_CODE);
  expect(device.problems()).toEqual([]);
}, 60_000);

test("the P-256 fallback pairs too (pair --yes); the name given to pair --name is offered", async () => {
  const pair = startPair(relay, ["--yes", "--name", "old-browser"]);
  const device = await phone(await pair.url, WITHOUT_ED25519);
  const page = device.page;
  await page.getByRole("heading", { name: "Pair this device" }).waitFor({ timeout: 20_000 });
  expect(new URL(await pair.url).hash).toMatch(/^#pair=[A-Za-z0-9_-]+&name=old-browser$/);
  expect(await page.getByLabel("Name for this device").inputValue()).toBe("old-browser"); // the name pair --name gave, not a guess
  expect(await page.getByTestId("pair-fingerprint").textContent()).toMatch(/^ecdsa-sha2-nistp256 SHA256:/);
  await page.getByRole("button", { name: "Pair this device" }).click();
  await waitForConnected(device);
  expect(await pair.exit).toBe(0);
  expect(sentPairRequests(device)[0]!.publicKey).toStartWith("ecdsa-sha2-nistp256 AAAA");
  expect(received(device, "auth.ok").at(-1)!.key).toMatchObject({ type: "ecdsa-sha2-nistp256", comment: expect.stringContaining("claude-relay:old-browser") });
  expect(device.problems()).toEqual([]);
}, 60_000);
