/**
 * Sessions in the web app, in real Chromium at a phone viewport against a real relay and the real
 * Claude CLI (fake API): the list (state, directory, title, who is connected, pending requests,
 * when), starting a session (a refused directory told in words next to the field), switching
 * (attached from the session's own lastSeq, replayed, nothing twice), a permission request in a
 * session not shown (a badge; answered after switching), stopping with a confirmation, "new
 * conversation here", no horizontal scrolling at 360 px, no console errors.
 */
import { afterAll, afterEach, beforeAll, expect, test } from "bun:test";
import { mkdirSync, readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import type { Browser, Page } from "playwright-core";
import {
  horizontalOverflow,
  nextReceived,
  PHONE,
  type PhonePage,
  received,
  sendPrompt,
  sent as sentFrames,
  startAuthorizedPhone,
} from "../../support/browser.ts";
import { text, toolUse } from "../../support/fake-anthropic.ts";
import type { TestRelay } from "../../support/relay.ts";
import { makeTempDir } from "../../support/ssh.ts";
import { waitFor } from "../../support/wait.ts";
import type { TestClient } from "../../support/ws-client.ts";

let relay: TestRelay;
let browser: Browser;
let phone: PhonePage;
let other: TestClient & { authOk: Record<string, any> };

beforeAll(async () => {
  // Sessions may be started under the home directory and in the default session's own directory.
  const dir = makeTempDir("relay-web-sessions-");
  ({ relay, browser, phone, other } = await startAuthorizedPhone({ relay: { dir, flags: { allowDir: [join(dir, "home"), join(dir, "work")] } } }));
}, 90_000);

afterAll(async () => {
  await other?.close();
  await browser?.close();
  await relay?.stop();
});

afterEach(async () => {
  relay.api.reset();
  await page().setViewportSize(PHONE.viewport);
});

const page = (): Page => phone.page;
const sent = (type: string) => sentFrames(phone, type);
const isResult = (sessionId: string) => (frame: Record<string, any>) =>
  frame.type === "claude.event" && frame.sessionId === sessionId && frame.event.type === "result";
const sessionItem = (sessionId: string) => page().locator(`[data-testid="session"][data-session-id="${sessionId}"]`);

/** A new directory under the relay's home, the default --allow-dir. */
function projectDir(name: string): string {
  const dir = join(relay.dir, "home", "code", name);
  mkdirSync(dir, { recursive: true });
  return dir;
}

async function openList(): Promise<void> {
  const toggle = page().getByTestId("sessions-toggle");
  if ((await toggle.getAttribute("aria-expanded")) !== "true") await toggle.click();
  await page().getByTestId("session-list").waitFor();
}

/** Taps a session in the list and waits until the page shows it. */
async function showSession(sessionId: string): Promise<void> {
  await openList();
  await sessionItem(sessionId).locator(".session-open").click();
  await page().getByTestId("current-session").waitFor();
}

/** Starts a session from the page's form; resolves with its id once the page shows it. */
async function createFromPage(cwd: string): Promise<string> {
  await openList();
  await page().getByLabel("Start a session in a directory").fill(cwd);
  const created = waitForFrame((frame) => frame.type === "session.created");
  await page().getByRole("button", { name: "Start", exact: true }).click();
  const { sessionId } = await created;
  await page().getByTestId("current-session").filter({ hasText: cwd }).waitFor({ timeout: 30_000 });
  return sessionId;
}

const waitForFrame = (match: (frame: Record<string, any>) => boolean, timeoutMs = 30_000) => nextReceived(phone, match, timeoutMs);

async function shownSeqs(): Promise<number[]> {
  return page()
    .locator("[data-seq]")
    .evaluateAll((elements) => elements.map((element) => Number(element.getAttribute("data-seq"))));
}

let work: string; // the session started from the page

test("the list: the default session with its state, directory, title, who is connected and when", async () => {
  relay.api.enqueue(text("noted"));
  await sendPrompt(phone, "Fix the flaky login test\nand then more");
  await page().getByTestId("assistant").filter({ hasText: "noted" }).waitFor({ timeout: 30_000 });
  await openList();
  const item = sessionItem(relay.relay.sessionId);
  await item.filter({ hasText: "Fix the flaky login test" }).waitFor({ timeout: 10_000 });
  const words = (await item.textContent())!;
  expect(words).toContain(relay.options.cwd);
  expect(words).toContain("Ready");
  expect(words).toContain("you and 1 other device"); // the page and the test's other client
  expect(words).toContain("just now");
  expect(words).toContain("The relay's default session");
  expect(words).not.toContain("and then more"); // the title is the first line
  expect(await item.getByRole("button", { name: "Stop" }).count()).toBe(0);
  expect(await item.locator(".session-open").getAttribute("aria-current")).toBe("true");
}, 60_000);

test("starting a session: refused directories are told in words next to the field; a good one is shown at once", async () => {
  await openList();
  const field = page().getByLabel("Start a session in a directory");
  const missing = join(relay.dir, "home", "no-such-dir");
  await field.fill(missing);
  await page().getByRole("button", { name: "Start", exact: true }).click();
  const error = page().getByTestId("create-error");
  await error.waitFor();
  expect(await error.textContent()).toBe(`That directory cannot be used: no such directory: "${missing}".`);
  expect(await error.getAttribute("role")).toBe("alert");
  expect(await field.getAttribute("aria-invalid")).toBe("true");
  expect(await field.getAttribute("aria-describedby")).toBe("new-session-error");

  await field.fill("/");
  await page().getByRole("button", { name: "Start", exact: true }).click();
  await error.filter({ hasText: "outside every allowed directory" }).waitFor();
  expect(await error.textContent()).toBe(
    `That directory cannot be used: "/" is outside every allowed directory (--allow-dir: ${join(relay.dir, "home")}, ${join(relay.dir, "work")}).`,
  );

  work = projectDir("api");
  const sessionId = await createFromPage(work);
  expect(sent("session.create").at(-1)).toMatchObject({ cwd: work });
  expect(sent("session.attach").some((frame) => frame.sessionId === sessionId)).toBe(true);
  expect(await page().getByTestId("current-session").textContent()).toBe(`api${work}`);
  relay.api.enqueue(text("answered in **api**"));
  await sendPrompt(phone, "hello api");
  await page().getByTestId("assistant").filter({ hasText: "answered in api" }).waitFor({ timeout: 30_000 });
  expect(sent("prompt").at(-1)).toMatchObject({ text: "hello api", sessionId });
  await openList();
  await sessionItem(sessionId).filter({ hasText: "hello api" }).waitFor({ timeout: 10_000 });
  expect(
    await page()
      .locator("#session-dirs option")
      .evaluateAll((options) => options.map((option) => (option as HTMLOptionElement).value)),
  ).toContain(work);
  expect(await page().getByTestId("create-error").count()).toBe(0);
  work = sessionId;
}, 90_000);

test("switching: the session left is detached; coming back attaches from its own lastSeq; what happened meanwhile is shown once", async () => {
  const sessionId = work;
  const before = Math.max(
    ...phone.frames
      .filter((entry) => entry.direction === "received" && entry.frame.sessionId === sessionId && typeof entry.frame.seq === "number")
      .map((entry) => entry.frame.seq),
  );
  await openList();
  const detached = waitForFrame((frame) => frame.type === "session.detached" && frame.sessionId === sessionId);
  await sessionItem(relay.relay.sessionId).locator(".session-open").click();
  await detached;
  await page().getByTestId("prompt").filter({ hasText: "Fix the flaky login test" }).waitFor();

  // Meanwhile another device works in the session the page left.
  other.send({ type: "session.attach", sessionId, id: "other-attach" });
  await other.next((frame) => frame.type === "session.attached" && frame.id === "other-attach");
  relay.api.enqueue(text("said while the page looked elsewhere"));
  other.send({ type: "prompt", text: "while you were away", sessionId });
  await other.next(isResult(sessionId), 30_000);
  expect(phone.frames.some((entry) => entry.direction === "received" && entry.frame.sessionId === sessionId && entry.frame.seq > before)).toBe(false);

  const attachesBefore = sent("session.attach").length;
  await showSession(sessionId);
  await page().getByTestId("assistant").filter({ hasText: "said while the page looked elsewhere" }).waitFor({ timeout: 30_000 });
  const attach = sent("session.attach").slice(attachesBefore);
  expect(attach).toEqual([{ type: "session.attach", sessionId, lastSeq: before, partial: true }]);
  const replayed = phone.frames
    .filter((entry) => entry.direction === "received" && entry.frame.sessionId === sessionId && typeof entry.frame.seq === "number" && entry.frame.seq > 0)
    .map((entry) => entry.frame.seq);
  expect(new Set(replayed).size).toBe(replayed.length); // no event of the session arrived twice
  const seqs = await shownSeqs();
  expect(new Set(seqs).size).toBe(seqs.length);
  const prompts = await page().getByTestId("prompt").locator(".text").allTextContents();
  expect(prompts).toEqual(["hello api", "while you were away"]);
  expect(await page().getByTestId("prompt").last().locator(".who").textContent()).toBe("test-client");
  other.send({ type: "session.detach", sessionId });
  await other.next("session.detached");
}, 90_000);

test("a permission request in a session not shown: a badge on Sessions and in the list; answered there after switching", async () => {
  const sessionId = work;
  await openList();
  const detached = waitForFrame((frame) => frame.type === "session.detached" && frame.sessionId === sessionId);
  await sessionItem(relay.relay.sessionId).locator(".session-open").click();
  await detached;
  const file = join(projectDir("api"), "asked-elsewhere.txt");
  relay.api.enqueue(toolUse("Write", { file_path: file, content: "allowed from the list" }), text("written"));
  other.send({ type: "session.attach", sessionId, id: "other-attach-2" });
  await other.next((frame) => frame.type === "session.attached" && frame.id === "other-attach-2");
  other.send({ type: "prompt", text: "write a file", sessionId });
  const request = await other.next((frame) => frame.type === "permission.request" && frame.sessionId === sessionId, 30_000);

  const badge = page().getByTestId("pending-elsewhere");
  await badge.waitFor({ timeout: 30_000 });
  expect(await badge.textContent()).toBe(" 1(1 permission request waits in other sessions)");
  expect(
    await page()
      .getByTestId("sessions-toggle")
      .evaluate((button) => button.textContent),
  ).toContain("Sessions");
  await openList();
  expect(await sessionItem(sessionId).locator(".badge.pending").textContent()).toBe("1 waiting for you");
  expect(await sessionItem(sessionId).textContent()).toContain("Waiting for your answer");
  await sessionItem(sessionId).locator(".session-open").click();
  const card = page().getByTestId("permission-card");
  await card.waitFor();
  expect(await card.getAttribute("data-request-id")).toBe(request.requestId);
  await card.getByRole("button", { name: "Allow", exact: true }).click();
  const response = sent("permission.response").at(-1)!;
  expect(response).toMatchObject({ requestId: request.requestId, sessionId, behavior: "allow" });
  await other.next(isResult(sessionId), 30_000);
  await card.waitFor({ state: "detached" });
  expect(readFileSync(file, "utf8")).toBe("allowed from the list");
  expect(await badge.count()).toBe(0);
  other.send({ type: "session.detach", sessionId });
  await other.next("session.detached");
}, 90_000);

test("new conversation here: the session is stopped and a new one starts in its directory; for the default session only the latter", async () => {
  const old = work;
  await showSession(old);
  const cwd = (await page().getByTestId("current-session").locator(".cwd").textContent())!;
  await page().getByText("Actions", { exact: true }).click();
  await page().getByRole("button", { name: "New conversation here" }).click();
  expect(await page().locator(".session-actions .confirm").textContent()).toContain("This session is stopped first.");
  const created = waitForFrame((frame) => frame.type === "session.created");
  await page().getByRole("button", { name: "Stop and start new" }).click();
  const { sessionId: fresh } = await created;
  expect(sent("session.stop").at(-1)).toMatchObject({ sessionId: old });
  expect(sent("session.create").at(-1)).toMatchObject({ cwd });
  await page().getByTestId("current-session").filter({ hasText: "api" }).waitFor();
  await waitFor(
    () =>
      received(phone, "sessions")
        .at(-1)!
        .sessions.some((info: any) => info.sessionId === fresh),
    10_000,
    "the new session listed",
  );
  expect(
    received(phone, "sessions")
      .at(-1)!
      .sessions.some((info: any) => info.sessionId === old),
  ).toBe(false);
  expect(await page().getByTestId("prompt").count()).toBe(0); // a new conversation
  work = fresh;

  const defaults = received(phone, "sessions").at(-1)!.sessions.length;
  await showSession(relay.relay.sessionId);
  await page().getByText("Actions", { exact: true }).click();
  expect(await page().getByText("This is the relay's default session: it cannot be stopped.").count()).toBe(1);
  expect(await page().getByRole("button", { name: "Stop this session" }).count()).toBe(0);
  await page().getByRole("button", { name: "New conversation here" }).click();
  const besideCreated = waitForFrame((frame) => frame.type === "session.created");
  await page().getByRole("button", { name: "Start it" }).click();
  const beside = await besideCreated;
  await waitFor(() => received(phone, "sessions").at(-1)!.sessions.length === defaults + 1, 10_000, "one more session");
  expect(
    received(phone, "sessions")
      .at(-1)!
      .sessions.find((info: any) => info.sessionId === beside.sessionId).cwd,
  ).toBe(relay.options.cwd);
  expect(
    received(phone, "sessions")
      .at(-1)!
      .sessions.some((info: any) => info.sessionId === relay.relay.sessionId),
  ).toBe(true);
  work = beside.sessionId;
}, 90_000);

test("stopping a session asks first; confirmed, it leaves the list and the page shows the default session", async () => {
  const doomed = work;
  await showSession(doomed);
  await openList();
  await sessionItem(doomed).getByRole("button", { name: "Stop" }).click();
  const question = sessionItem(doomed).locator(".confirm");
  expect(await question.textContent()).toContain("Its Claude process ends.");
  await sessionItem(doomed).getByRole("button", { name: "Cancel" }).click();
  expect(sent("session.stop").some((frame) => frame.sessionId === doomed)).toBe(false);
  await sessionItem(doomed).getByRole("button", { name: "Stop" }).click();
  await page().waitForFunction(() => document.activeElement?.textContent === "Stop session"); // the keyboard lands on the answer
  const stopped = waitForFrame((frame) => frame.type === "session.stopped" && frame.sessionId === doomed);
  await sessionItem(doomed).getByRole("button", { name: "Stop session" }).click();
  await stopped;
  await sessionItem(doomed).waitFor({ state: "detached" });
  expect(
    await page()
      .locator('.session-open[aria-current="true"]')
      .evaluate((element) => element.closest("li")!.getAttribute("data-session-id")),
  ).toBe(relay.relay.sessionId);
  expect(await page().getByText("was stopped; showing the default session.").count()).toBe(0); // the page's own doing: nothing to explain
}, 60_000);

test("new conversation here in a directory that no longer exists: stopped, and the refusal to start the new one told in words", async () => {
  const dir = projectDir("short-lived");
  const sessionId = await createFromPage(dir);
  rmSync(dir, { recursive: true });
  await page().getByText("Actions", { exact: true }).click();
  await page().getByRole("button", { name: "New conversation here" }).click();
  const stopped = waitForFrame((frame) => frame.type === "session.stopped" && frame.sessionId === sessionId);
  await page().getByRole("button", { name: "Stop and start new" }).click();
  await stopped;
  const notes = page().locator(".errors");
  await notes.filter({ hasText: "No new conversation in" }).waitFor({ timeout: 30_000 });
  expect(await notes.locator("p").allTextContents()).toEqual([`No new conversation in ${dir}: That directory cannot be used: no such directory: "${dir}".`]);
  await page().getByTestId("current-session").filter({ hasText: relay.options.cwd }).waitFor(); // the default session, shown instead
  await notes.getByRole("button", { name: "Dismiss" }).click();
}, 60_000);

test("no horizontal scrolling at 360 px in the list, with long titles and directories", async () => {
  const deep = projectDir(`${"very-long-directory-name-".repeat(6)}end`);
  await createFromPage(deep);
  relay.api.enqueue(text("ok"));
  await sendPrompt(phone, `${"a-really-long-title-without-spaces".repeat(5)}`);
  await page().getByTestId("assistant").filter({ hasText: "ok" }).waitFor({ timeout: 30_000 });
  await openList();
  await page().setViewportSize({ width: 360, height: 740 });
  expect(await horizontalOverflow(page())).toBe(0);
  await page().getByTestId("sessions-toggle").click();
  expect(await horizontalOverflow(page())).toBe(0);
}, 60_000);

test("no console errors and no request to another origin, all along", () => {
  expect(phone.problems()).toEqual([]);
});
