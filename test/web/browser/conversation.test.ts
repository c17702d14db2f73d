/**
 * The conversation in real Chromium at a phone viewport, against a real relay and the real Claude
 * CLI (fake API): a prompt from the page answered as markdown; a permission card on the page and
 * on a second client, answered on the page (and, another time, by the other device), gone from
 * both; a prompt from another device with who sent it; another device's session (created and
 * stopped) listed to the page but never shown; the relay restarting, a prompt sent meanwhile
 * delivered once the page is let in again, and every event shown once afterwards; no horizontal
 * scrolling at 360 px; no console errors.
 */
import { afterAll, afterEach, beforeAll, expect, test } from "bun:test";
import { appendFileSync, existsSync, mkdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import type { Browser } from "playwright-core";
import {
  authorizePage,
  horizontalOverflow,
  openPhone,
  PHONE,
  type PhonePage,
  received,
  sendPrompt,
  startAuthorizedPhone,
  waitForConnected,
} from "../../support/browser.ts";
import { type FakeAnthropic, slowText, startFakeAnthropic, text, toolUse } from "../../support/fake-anthropic.ts";
import { startTestRelay, type TestRelay } from "../../support/relay.ts";
import { waitFor } from "../../support/wait.ts";
import type { TestClient } from "../../support/ws-client.ts";

let api: FakeAnthropic;
let relay: TestRelay;
let browser: Browser;
let phone: PhonePage;
let line: string;
let other: TestClient & { authOk: Record<string, any> };

beforeAll(async () => {
  api = await startFakeAnthropic();
  ({ relay, browser, phone, line, other } = await startAuthorizedPhone({ relay: { api } }));
}, 90_000);

afterAll(async () => {
  await other?.close();
  await browser?.close();
  await relay?.stop();
  await api?.close();
});

// The tests share the relay, Claude, the page and the fake API's answer queue: one that fails must
// not fail the ones after it. So each ends the turn it may have left running, drops the answers it
// scripted that Claude never asked for, lets the other device read on from here, and puts the
// viewport back.
afterEach(async () => {
  other.skipReceived();
  if (relay.relay.session.state !== "ready" && other.isOpen) {
    other.send({ type: "interrupt" });
    await other.next((frame) => frame.type === "session.state" && frame.state === "ready", 30_000);
  }
  api.reset();
  await page().setViewportSize(PHONE.viewport);
});

const page = () => phone.page;
const pageClientId = () => received(phone, "auth.ok").at(-1)!.clientId as string;
const isResult = (frame: Record<string, any>) => frame.type === "claude.event" && frame.event.type === "result";

test("a prompt from the page is answered and rendered as markdown", async () => {
  api.enqueue(text("# Plan\n\nSome **bold** and `code`, see [the docs](https://example.com/docs).\n\n- first\n- second\n\n```ts\nconst x = 1;\n```"));
  await sendPrompt(phone, "make a plan");
  const answer = page().getByTestId("assistant").last();
  await answer.locator("h1", { hasText: "Plan" }).waitFor({ timeout: 30_000 });
  expect(await answer.locator("strong").textContent()).toBe("bold");
  expect(await answer.locator("li").allTextContents()).toEqual(["first", "second"]);
  expect(await answer.locator("pre code").textContent()).toBe("const x = 1;\n");
  const link = answer.locator("a");
  expect(await link.getAttribute("href")).toBe("https://example.com/docs");
  expect(await link.getAttribute("rel")).toBe("noopener noreferrer");
  const prompt = page().getByTestId("prompt").last();
  expect(await prompt.locator(".who").textContent()).toBe("You");
  expect(await prompt.locator(".text").textContent()).toBe("make a plan");
  await other.next(isResult, 30_000);
}, 60_000);

test("a permission card on the page and on another client; allowed on the page, gone from both; a prompt from the other device says who", async () => {
  const file = join(relay.options.cwd, "from-the-page.txt");
  api.enqueue(toolUse("Write", { file_path: file, content: "written after the page allowed it" }), text("wrote it"));
  other.send({ type: "prompt", text: "please write the file" });
  const card = page().getByTestId("permission-card");
  await card.waitFor({ timeout: 30_000 });
  const request = await other.next("permission.request", 30_000);
  expect(await card.getAttribute("data-request-id")).toBe(request.requestId);
  expect(await card.getByRole("heading").textContent()).toBe("Claude asks to use Write");
  expect(await card.textContent()).toContain(file);

  const prompt = page().getByTestId("prompt").last();
  expect(await prompt.locator(".text").textContent()).toBe("please write the file");
  // named as its key's comment says (ssh-keygen's, test-client)
  expect(await prompt.locator(".who").textContent()).toBe("test-client");

  // Large touch targets, spaced apart so a thumb does not hit the wrong one.
  const [allowBox, denyBox] = await Promise.all(["Allow", "Deny"].map((name) => card.getByRole("button", { name, exact: true }).boundingBox()));
  expect(allowBox!.height).toBeGreaterThanOrEqual(48);
  expect(denyBox!.height).toBeGreaterThanOrEqual(48);
  expect(denyBox!.x - (allowBox!.x + allowBox!.width)).toBeGreaterThanOrEqual(16);

  await card.getByRole("button", { name: "Allow", exact: true }).click();
  const resolved = await other.next("permission.resolved");
  expect(resolved).toMatchObject({ requestId: request.requestId, behavior: "allow", by: pageClientId() });
  await card.waitFor({ state: "detached" });
  await other.next(isResult, 30_000);
  expect(readFileSync(file, "utf8")).toBe("written after the page allowed it");
  expect(await page().getByTestId("tool").last().locator(".badge").first().textContent()).toBe("allowed by You");
}, 60_000);

test("denied on the page with a reason: Claude gets the reason, nothing is written", async () => {
  const file = join(relay.options.cwd, "denied-by-the-page.txt");
  api.enqueue(toolUse("Write", { file_path: file, content: "no" }), text("understood"));
  await sendPrompt(phone, "write another file");
  const card = page().getByTestId("permission-card");
  await card.waitFor({ timeout: 30_000 });
  await card.getByLabel("Reason for Claude if you deny (optional)").fill("not that one");
  await card.getByRole("button", { name: "Deny" }).click();
  expect(await other.next("permission.resolved")).toMatchObject({ behavior: "deny", by: pageClientId() });
  await card.waitFor({ state: "detached" });
  await other.next(isResult, 30_000);
  expect(existsSync(file)).toBe(false);
  expect(JSON.stringify(api.messageRequests().at(-1)!.messages.at(-1))).toContain("not that one");
}, 60_000);

test("answered by the other device: the card goes away on the page at once", async () => {
  const file = join(relay.options.cwd, "allowed-elsewhere.txt");
  api.enqueue(toolUse("Write", { file_path: file, content: "x" }), text("done"));
  await sendPrompt(phone, "one more file");
  const card = page().getByTestId("permission-card");
  await card.waitFor({ timeout: 30_000 });
  const request = await other.next("permission.request", 30_000);
  other.send({ type: "permission.response", requestId: request.requestId, behavior: "allow" });
  await card.waitFor({ state: "detached" });
  await other.next(isResult, 30_000);
  expect(await page().getByTestId("tool").last().locator(".badge").first().textContent()).toBe("allowed by test-client");
}, 60_000);

test("the prompt box: 16 px text; Enter is a new line on a phone and sends on a desktop", async () => {
  const box = page().getByLabel("Message Claude");
  expect(await box.evaluate((element) => parseFloat(getComputedStyle(element).fontSize))).toBeGreaterThanOrEqual(16);
  await box.fill("line one");
  await box.press("Enter");
  expect(await box.inputValue()).toBe("line one\n");
  await box.fill("");

  const desktop = await openPhone(browser, `${relay.httpUrl}/`, { desktop: true });
  try {
    await authorizePage(desktop, relay.options.authorizedKeysPath);
    api.enqueue(text("sent with Enter"));
    const desktopBox = desktop.page.getByLabel("Message Claude");
    await desktopBox.fill("sent by the Enter key");
    await desktopBox.press("Enter");
    await desktop.page.getByTestId("assistant").filter({ hasText: "sent with Enter" }).waitFor({ timeout: 30_000 });
    expect(await desktopBox.inputValue()).toBe("");
    await other.next(isResult, 30_000);

    // Typed and Enter pressed before the page rendered the text (it renders once per animation
    // frame): what was typed is sent, not what the last frame showed.
    api.enqueue(text("typed and sent at once"));
    await desktopBox.evaluate((box: HTMLTextAreaElement) => {
      box.value = "typed and sent within one frame";
      box.dispatchEvent(new InputEvent("input", { bubbles: true }));
      box.dispatchEvent(new KeyboardEvent("keydown", { key: "Enter", bubbles: true, cancelable: true }));
    });
    expect(await other.next("user.prompt", 30_000)).toMatchObject({ text: "typed and sent within one frame" });
    await desktop.page.getByTestId("assistant").filter({ hasText: "typed and sent at once" }).waitFor({ timeout: 30_000 });
    expect(await desktopBox.inputValue()).toBe("");
    await other.next(isResult, 30_000);
    expect(desktop.problems()).toEqual([]);
  } finally {
    await desktop.context.close();
  }
}, 60_000);

test("Interrupt is offered while Claude works and ends the turn, shown as Interrupted (not an error)", async () => {
  api.enqueue(slowText("too slow to finish", 20_000));
  await sendPrompt(phone, "take your time");
  const interrupt = page().getByRole("button", { name: "Interrupt" });
  await interrupt.waitFor({ timeout: 30_000 });
  await interrupt.click();
  const result = await other.next(isResult, 30_000);
  expect(result.event).toMatchObject({ is_error: true, subtype: "error_during_execution" });
  await interrupt.waitFor({ state: "detached" });
  expect(await page().getByTestId("assistant").filter({ hasText: "too slow to finish" }).count()).toBe(0);
  const ended = page().getByTestId("interrupted").last();
  await ended.waitFor();
  expect(await ended.textContent()).toBe("Interrupted");
  expect(await ended.getAttribute("class")).toBe("notice");
  expect(await page().locator(".notice.error").filter({ hasText: "error_during_execution" }).count()).toBe(0);
  expect(await page().getByText("[Request interrupted by user]").count()).toBe(0);
}, 60_000);

test("no horizontal scrolling at 390 and 360 px wide", async () => {
  api.enqueue(
    text(`A long line: ${"x".repeat(300)} and a long URL https://example.com/${"a".repeat(200)}\n\n| a | table |\n| - | - |\n| ${"w".repeat(120)} | y |`),
  );
  await sendPrompt(phone, `a long prompt ${"y".repeat(300)}`);
  await page().getByTestId("assistant").last().locator("table").waitFor({ timeout: 30_000 });
  await other.next(isResult, 30_000);
  expect(await horizontalOverflow(page())).toBe(0);
  await page().setViewportSize({ width: 360, height: 740 });
  expect(await horizontalOverflow(page())).toBe(0);
  await page().setViewportSize({ width: 390, height: 844 });
}, 60_000);

test("another device starts and stops a session: the page, a client of the default session, gets the list and shows nothing of it", async () => {
  const shown = await page().locator("[data-seq]").count();
  const cwd = join(relay.dir, "home", "project"); // inside the default --allow-dir, the home directory
  mkdirSync(cwd, { recursive: true });
  other.send({ type: "session.create", cwd, id: "web-other-session" });
  const { sessionId } = await other.next((frame) => frame.type === "session.created" && frame.id === "web-other-session", 30_000);
  const listed = (frame: Record<string, any>) => frame.sessions.some((session: Record<string, any>) => session.sessionId === sessionId);
  await waitFor(() => received(phone, "sessions").some(listed), 30_000, "the page's sessions update with the new session");
  other.send({ type: "session.stop", sessionId, id: "web-stop-session" });
  await other.next((frame) => frame.type === "session.stopped" && frame.id === "web-stop-session", 30_000);
  await waitFor(() => !listed(received(phone, "sessions").at(-1)!), 30_000, "the page's sessions update without it");

  expect(phone.frames.filter((entry) => entry.direction === "received" && entry.frame.sessionId === sessionId)).toEqual([]);
  expect(await page().locator("[data-seq]").count()).toBe(shown);
  expect(await page().getByTestId("connection").getAttribute("data-status")).toBe("open");
}, 60_000);

/** Chromium's console reports of the page's attempts while the restarted relay was not listening yet. */
let refusedWhileRestarting: string[] = [];

test("the relay restarts: the page reconnects by itself, resumes, and shows every event once", async () => {
  const seqsBefore = await page()
    .locator("[data-seq]")
    .evaluateAll((elements) => elements.map((element) => Number(element.getAttribute("data-seq"))));
  const problemsBefore = phone.problems().length;
  await other.close();
  const { port, dir } = { port: relay.relay.port, dir: relay.dir };
  await relay.stop({ keepDir: true });
  await page().locator('[data-testid="connection"]:not([data-status="open"])').waitFor();
  // A prompt sent while the relay is away waits in the page's outbox, through a refused login too.
  api.enqueue(text("after the restart"));
  await sendPrompt(phone, "are you back?");
  // The page keeps trying while nobody listens; Chromium reports each refused attempt on the console.
  const refused = `console error: WebSocket connection to '${relay.url}' failed: Error in connection establishment: net::ERR_CONNECTION_REFUSED`;
  await waitFor(() => phone.problems().slice(problemsBefore).includes(refused), 30_000, "an attempt while the relay is down");
  relay = await startTestRelay({ api, dir, flags: { port } });
  other = await relay.connectAuthenticated();
  // The restarted test relay rewrote authorized_keys without the page's key: the page is refused first.
  await page().getByRole("heading", { name: "Authorize this device" }).waitFor({ timeout: 60_000 });
  appendFileSync(relay.options.authorizedKeysPath, `${line}\n`);
  await waitForConnected(phone, 60_000);
  // How many attempts found nobody listening depends on the machine's speed; nothing else may have
  // gone wrong meanwhile.
  refusedWhileRestarting = phone.problems().slice(problemsBefore);
  expect(refusedWhileRestarting.filter((problem) => problem !== refused)).toEqual([]);
  const resumed = phone.frames.filter((entry) => entry.direction === "sent" && entry.frame.type === "auth.response").at(-1)!.frame;
  expect(resumed.resume).toEqual({ sessionId: relay.relay.sessionId, lastSeq: expect.any(Number) });
  expect(resumed.resume.lastSeq).toBeGreaterThanOrEqual(Math.max(...seqsBefore));

  await page().getByTestId("assistant").filter({ hasText: "after the restart" }).waitFor({ timeout: 30_000 });
  await other.next(isResult, 30_000);

  const seqs = await page()
    .locator("[data-seq]")
    .evaluateAll((elements) => elements.map((element) => Number(element.getAttribute("data-seq"))));
  expect(seqs.slice(0, seqsBefore.length)).toEqual(seqsBefore);
  expect(new Set(seqs).size).toBe(seqs.length); // nothing twice
  const prompts = await page().getByTestId("prompt").locator(".text").allTextContents();
  expect(prompts.filter((prompt) => prompt === "make a plan")).toHaveLength(1);
  expect(prompts.at(-1)).toBe("are you back?");
  expect(prompts).toHaveLength(new Set(prompts).size);
}, 120_000);

test("no console errors and no request to another origin, all along", () => {
  expect(phone.problems()).toEqual(refusedWhileRestarting);
});
