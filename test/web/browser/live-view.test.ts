/**
 * The live view on the phone (Chromium at 360 × 640), against a real relay and the real Claude CLI
 * whose fake API streams one word per delta: the first word is on the page before the fake lets
 * the rest go; the growing text redraws only itself, at most once a frame, and the complete
 * message replaces it in the same frame (one copy); a reload shows the complete message only. The
 * status line shows a tool's activity while it waits and the cost after the turn; a real
 * sub-agent is listed as a task with Stop, Stop ends it, and its output is under its Task call,
 * not in the conversation.
 */
import { afterAll, afterEach, beforeAll, expect, test } from "bun:test";
import { join } from "node:path";
import type { Page } from "playwright-core";
import {
  nextReceived,
  type PhonePage,
  received,
  sendPrompt,
  sent,
  startAuthorizedPhone,
  stopAuthorizedPhone,
  waitForConnected,
} from "../../support/browser.ts";
import { heldText, streamedWords, text, toolUse } from "../../support/fake-anthropic.ts";
import type { TestRelay } from "../../support/relay.ts";
import type { TestClient } from "../../support/ws-client.ts";

let started: Awaited<ReturnType<typeof startAuthorizedPhone>> | undefined;
let relay: TestRelay;
let phone: PhonePage;
let other: TestClient & { authOk: Record<string, any> };
const page = (): Page => phone.page;
const isResult = (frame: Record<string, any>) => frame.type === "claude.event" && frame.event.type === "result";

beforeAll(async () => {
  started = await startAuthorizedPhone({ phone: { viewport: { width: 360, height: 640 } } });
  ({ relay, phone, other } = started);
}, 120_000);

afterAll(() => stopAuthorizedPhone(started ?? {}));

afterEach(async () => {
  // A test that failed mid-turn must not leave Claude busy for the next one.
  if (relay.relay.session.state !== "ready" && other.isOpen) {
    other.send({ type: "interrupt" });
    await other.next((frame) => frame.type === "session.state" && frame.state === "ready", 30_000);
  }
  relay.api.reset();
  other.skipReceived();
});

/** 300 words: a reply longer than the screen. */
const WORDS = Array.from({ length: 300 }, (_, index) => (index === 0 ? "Alpha" : `word${index}`)).join(" ");

test("Claude's text grows on the page as it is written (first word before the rest is produced), redrawn alone at most once a frame, then replaced by the complete message in the same frame; a reload shows it once", async () => {
  // Watches the log: which mutations touch anything but the live item, in which callback batch, and how many frames pass.
  await page().evaluate(() => {
    const w = window as any;
    w.liveLog = { records: [] as Array<{ batch: number; live: boolean; addsAssistant: boolean; removesLive: boolean }>, batch: 0, frames: 0, liveUpdates: 0 };
    const log = document.querySelector('[data-testid="log"]')!;
    const isLive = (node: Node | null) => !!node && (node instanceof Element ? node : node.parentElement)?.closest('[data-testid="live-text"]') != null;
    new MutationObserver((records) => {
      w.liveLog.batch++;
      for (const record of records) {
        const added = [...record.addedNodes];
        const removed = [...record.removedNodes];
        const liveNode = (node: Node) => node instanceof Element && node.matches('[data-testid="live-text"]');
        const live = isLive(record.target) || (added.every(liveNode) && removed.every(liveNode) && added.length + removed.length > 0);
        if (isLive(record.target)) w.liveLog.liveUpdates++;
        w.liveLog.records.push({
          batch: w.liveLog.batch,
          live,
          addsAssistant: added.some((node) => node instanceof Element && node.matches('[data-testid="assistant"]')),
          removesLive: removed.some(liveNode),
        });
      }
    }).observe(log, { childList: true, subtree: true, characterData: true });
    const tick = () => {
      w.liveLog.frames++;
      requestAnimationFrame(tick);
    };
    requestAnimationFrame(tick);
  });
  const firstWordShown = page().getByTestId("live-text").filter({ hasText: "Alpha" }).waitFor({ timeout: 60_000 });
  firstWordShown.catch(() => {});
  const produced: number[] = [];
  relay.api.enqueue(
    streamedWords(WORDS, async (index) => {
      if (index === 1) await firstWordShown; // the rest only once the page shows the first word
      produced.push(index);
    }),
  );
  const done = nextReceived(phone, isResult, 120_000);
  await sendPrompt(phone, "write a lot");
  await firstWordShown;
  expect(produced).toEqual([]);
  expect(await page().getByTestId("assistant").count()).toBe(0);
  await done;

  await page().getByTestId("assistant").filter({ hasText: "word299" }).waitFor({ timeout: 10_000 });
  expect(await page().getByTestId("live-text").count()).toBe(0);
  expect(await page().getByTestId("assistant").filter({ hasText: "Alpha word1 " }).count()).toBe(1);
  const watched = await page().evaluate(() => (window as any).liveLog);
  const replaced = watched.records.findIndex((record: { addsAssistant: boolean }) => record.addsAssistant);
  expect(replaced).toBeGreaterThan(0);
  // From the live item's first appearance until the complete message, only the live item changed: the conversation was not redrawn per delta.
  const shown = watched.records.findIndex((record: { live: boolean }) => record.live);
  expect(shown).toBeGreaterThanOrEqual(0);
  expect(watched.records.slice(shown, replaced).filter((record: { live: boolean }) => !record.live)).toEqual([]);
  // The complete message and the live item's removal in one batch: no frame with neither or both.
  const batch = watched.records[replaced].batch;
  expect(watched.records.some((record: { batch: number; removesLive: boolean }) => record.batch === batch && record.removesLive)).toBe(true);
  // At most one redraw of the live item a frame, however many deltas (300) came.
  expect(received(phone, "claude.partial").length).toBeGreaterThan(300);
  expect(watched.liveUpdates).toBeLessThanOrEqual(watched.frames + 1);

  await page().reload();
  await waitForConnected(phone);
  await page().getByTestId("assistant").filter({ hasText: "word299" }).waitFor({ timeout: 30_000 });
  expect(await page().getByTestId("assistant").filter({ hasText: "Alpha word1 " }).count()).toBe(1);
  expect(await page().getByTestId("live-text").count()).toBe(0);
}, 180_000);

test("the status line: the tool Claude waits on with its clock, then the context and the cost after the turn; it fits at 360 px", async () => {
  relay.api.enqueue(toolUse("Write", { file_path: join(relay.options.cwd, "live.txt"), content: "live\n" }), text("written"));
  await sendPrompt(phone, "write a file");
  await page().getByTestId("permission-card").waitFor({ timeout: 60_000 });
  const activity = page().getByTestId("status-activity");
  await activity.filter({ hasText: /^Write · \d+ s$/ }).waitFor({ timeout: 30_000 });
  const first = await activity.textContent();
  // The clock ticks on the page between the relay's frames.
  await page().waitForFunction((shown) => document.querySelector('[data-testid="status-activity"]')?.textContent !== shown, first, { timeout: 10_000 });
  const done = nextReceived(phone, isResult, 60_000);
  await page().getByRole("button", { name: "Allow", exact: true }).click();
  await done;
  await page()
    .getByTestId("status-cost")
    .filter({ hasText: /^(\$\d+\.\d\d|<\$0\.01)$/ })
    .waitFor({ timeout: 10_000 });
  await page()
    .getByTestId("status-context")
    .filter({ hasText: /^(<1|\d+)% context$/ })
    .waitFor({ timeout: 10_000 });
  await page().getByTestId("status-activity").waitFor({ state: "detached", timeout: 10_000 });
  const line = await page().getByTestId("status-line").boundingBox();
  expect(line!.x + line!.width).toBeLessThanOrEqual(360);
  expect(line!.height).toBeLessThan(40);
}, 120_000);

test("a real sub-agent is listed as a task with Stop; Stop ends it; its output is under its Task call, not in the conversation", async () => {
  let release!: () => void;
  const held = new Promise<void>((resolve) => (release = resolve));
  relay.api.enqueue(
    toolUse("Task", { description: "Look around", prompt: "list the files please", subagent_type: "general-purpose" }),
    heldText("the sub-agent's answer", held), // the sub-agent's own request: it runs until stopped
    text("stopped it"),
  );
  try {
    const done = nextReceived(phone, isResult, 90_000);
    await sendPrompt(phone, "start a sub-agent");
    const toggle = page().getByTestId("tasks-toggle").filter({ hasText: "1 running" });
    await toggle.waitFor({ timeout: 60_000 });
    await toggle.click();
    const task = page().getByTestId("task").filter({ hasText: "Sub-agent: Look around" });
    await task.waitFor();
    expect(await task.getByRole("button", { name: "Stop" }).boundingBox()).toMatchObject({ height: expect.any(Number) });
    expect((await task.getByRole("button", { name: "Stop" }).boundingBox())!.height).toBeGreaterThanOrEqual(47.5);

    // Its output: under the Task call, not among the conversation's own items.
    const call = page().getByTestId("tool").filter({ hasText: "Task: Look around" });
    await call.getByText(/sub-agent · \d+ steps?/).waitFor({ timeout: 30_000 });
    await call.locator("summary").click();
    await call.getByTestId("subagent").getByText("list the files please").waitFor();
    expect(await page().locator('[data-testid="log"] > [data-testid="note"]').filter({ hasText: "list the files please" }).count()).toBe(0);

    await task.getByRole("button", { name: "Stop" }).click();
    expect(sent(phone, "task.stop").at(-1)).toMatchObject({ sessionId: relay.relay.sessionId, taskId: expect.any(String) });
    await page().getByTestId("task").filter({ hasText: "Sub-agent: Look around" }).filter({ hasText: "stopped" }).waitFor({ timeout: 60_000 });
    await done;
    expect(await task.getByRole("button", { name: "Stop" }).count()).toBe(0);
  } finally {
    release();
  }
}, 150_000);

test("no console errors and no request to another origin, all along", () => {
  expect(phone.problems()).toEqual([]);
});
