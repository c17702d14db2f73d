/**
 * Web app rendering benchmark: a long session replayed on attach, in real Chromium at a phone
 * viewport. The relay (synthetic Claude) starts with a default session whose event log holds
 * EVENTS (default 2,000) mixed events — prompts, markdown, Edit diffs asked for and allowed, Bash
 * runs with output, Reads with results (test/support/long-conversation.ts); the page, authorized
 * once, is reloaded RUNS times (default 5) and each time gets the whole conversation at login.
 *
 * Measured in the page: from auth.ok arriving until the last of the replayed frames has arrived
 * ("frames in"), then until the first frame is painted with the last event shown ("render", the
 * app's own time) — "total" is both; long tasks (PerformanceObserver `longtask`, ≥ 50 ms) during
 * that; then a scroll test — the conversation flung from the bottom to the very first event,
 * 200 px per animation frame (12,000 px/s), earlier events loading on the way, then back down to
 * the end with everything loaded — with the frame intervals (rAF) and long tasks while scrolling. For scale, "delivery floor": the same frames sent
 * by a bare Bun WebSocket server to a blank page in the same Chromium, first to last.
 * Goal: render < 500 ms; scrolling without long tasks.
 *
 *     bun bench/web-render.ts                  # a markdown section for docs/benchmarks.md
 *     EVENTS=5000 RUNS=3 bun bench/web-render.ts
 *
 * @example
 * ```sh
 * bun scripts/build-web.ts && bun bench/web-render.ts
 * ```
 */

import { randomUUID } from "node:crypto";
import { appendFileSync } from "node:fs";
import { join } from "node:path";
import type { Browser, Page } from "playwright-core";
import { launchBrowser, openPhone } from "../test/support/browser.ts";
import { longConversation, prepareLongSession } from "../test/support/long-conversation.ts";
import { createBenchEnv, fmtMs, hardDeadline, machineLine, markdownTable, median, startRelayProcess } from "./support/harness.ts";

const EVENTS = Number(process.env.EVENTS ?? 2000);
const RUNS = Number(process.env.RUNS ?? 5);
const GOAL_MS = 500;

hardDeadline(600_000, "web-render");

/** Runs in the page before its scripts: timestamps of the frames that matter, and long tasks. */
const INSTRUMENT = `(() => {
  const bench = (window.__bench = { authOkAt: 0, lastFrameAt: 0, longTasks: [] });
  new PerformanceObserver((list) => { for (const entry of list.getEntries()) bench.longTasks.push({ start: entry.startTime, duration: entry.duration }); }).observe({ type: "longtask", buffered: true });
  const Native = window.WebSocket;
  window.WebSocket = class extends Native {
    constructor(...args) {
      super(...args);
      this.addEventListener("message", (event) => {
        const now = performance.now();
        if (typeof event.data !== "string") return;
        if (event.data.startsWith('{"type":"auth.ok"')) bench.authOkAt = now;
        if (event.data.includes('"seq":${EVENTS},')) bench.lastFrameAt = now;
      });
    }
  };
})();`;

interface RenderRun {
  totalMs: number;
  framesInMs: number;
  longTasks: number;
  longestTaskMs: number;
  items: number;
}

interface ScrollRun {
  /** Items rendered at the end. */
  items: number;
  frames: number;
  medianFrameMs: number;
  p95FrameMs: number;
  maxFrameMs: number;
  longTasks: number;
  scrolledPx: number;
}

/** How long Chromium takes to receive `frames` from a bare Bun WebSocket server, first to last, RUNS times. */
async function deliveryFloor(browser: Browser, frames: string[]): Promise<number[]> {
  const server = Bun.serve({
    port: 0,
    hostname: "127.0.0.1",
    fetch: (request, upgrader) =>
      new URL(request.url).pathname === "/ws" && upgrader.upgrade(request)
        ? undefined
        : new Response("<!doctype html><title>floor</title>", { headers: { "content-type": "text/html" } }),
    websocket: {
      open: (socket) =>
        void socket.cork(() => {
          for (const frame of frames) socket.send(frame);
        }),
      message() {},
    },
  });
  const context = await browser.newContext({ viewport: { width: 390, height: 844 } });
  try {
    const page = await context.newPage();
    await page.goto(`http://127.0.0.1:${server.port}/`);
    const times: number[] = [];
    for (let run = 0; run < RUNS; run++) {
      times.push(
        await page.evaluate(
          ({ port, count }) =>
            new Promise<number>((resolve) => {
              const socket = new WebSocket(`ws://127.0.0.1:${port}/ws`);
              let received = 0;
              let first = 0;
              socket.onmessage = (event) => {
                if (received++ === 0) first = performance.now();
                JSON.parse(event.data as string);
                if (received === count) {
                  resolve(performance.now() - first);
                  socket.close();
                }
              };
            }),
          { port: server.port, count: frames.length },
        ),
      );
    }
    return times;
  } finally {
    await context.close();
    server.stop(true);
  }
}

/**
 * Flings the conversation 200 px per animation frame: `up` to the very first event (earlier ones
 * load on the way), `down` to the end. Frame intervals from rAF; long tasks from the page's observer.
 * Fails, saying where it stands, when neither the position nor the items changed for 600 frames.
 */
function fling(page: Page, direction: "up" | "down"): Promise<ScrollRun> {
  return page.evaluate(
    (up) =>
      new Promise<ScrollRun>((resolve, reject) => {
        const log = document.querySelector('[data-testid="log"]') as HTMLElement;
        const bench = (window as unknown as { __bench: { longTasks: { start: number; duration: number }[] } }).__bench;
        const done = () =>
          up ? log.scrollTop <= 0 && document.querySelector('[data-testid="show-earlier"]') === null : log.scrollTop + log.clientHeight >= log.scrollHeight - 1;
        const intervals: number[] = [];
        const startedAt = performance.now();
        let scrolled = 0;
        let previous = startedAt;
        let still = 0;
        let last = "";
        const step = (now: number) => {
          intervals.push(now - previous);
          previous = now;
          const where = `scrollTop ${log.scrollTop} of ${log.scrollHeight - log.clientHeight}, ${log.children.length} items`;
          still = where === last ? still + 1 : 0;
          last = where;
          if (still >= 600)
            return reject(
              new Error(
                `scrolling ${up ? "up" : "down"} is stuck at ${where}${document.querySelector('[data-testid="show-earlier"]') ? ", earlier items not loaded" : ""}`,
              ),
            );
          if (done()) {
            const sorted = intervals.slice(1).sort((a, b) => a - b);
            const at = (p: number) => sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? 0;
            return resolve({
              items: log.children.length,
              frames: sorted.length,
              medianFrameMs: at(50),
              p95FrameMs: at(95),
              maxFrameMs: sorted.at(-1) ?? 0,
              longTasks: bench.longTasks.filter((task) => task.start >= startedAt).length,
              scrolledPx: scrolled,
            });
          }
          const before = log.scrollTop;
          log.scrollTop += up ? -200 : 200;
          scrolled += Math.abs(log.scrollTop - before);
          requestAnimationFrame(step);
        };
        requestAnimationFrame(step);
      }),
    direction === "up",
  );
}

const bench = createBenchEnv();
const sessionId = randomUUID();
// The relay resumes this session for its --cwd and restores its event log.
prepareLongSession({ stateDir: join(bench.dir, "state"), cwd: bench.dir, sessionId, events: EVENTS });
const relay = await startRelayProcess(bench, []);
const httpUrl = relay.url.replace(/^ws/, "http").replace(/\/ws$/, "");
const health = (await (await fetch(`${httpUrl}/healthz`)).json()) as { sessionId: string };
if (health.sessionId !== sessionId) throw new Error(`the relay runs session ${health.sessionId}, not the prepared ${sessionId}`);

const browser = await launchBrowser();
try {
  const phone = await openPhone(browser, `${httpUrl}/`, { initScript: INSTRUMENT });
  const page = phone.page;
  const line = await page.getByTestId("key-line").first().textContent({ timeout: 30_000 });
  appendFileSync(bench.authorizedKeysPath, `${line}\n`);
  const lastItem = page.locator(`[data-seq="${EVENTS}"]`);
  await lastItem.waitFor({ timeout: 120_000 });

  const renders: RenderRun[] = [];
  const scrolls: { up: ScrollRun; down: ScrollRun }[] = [];
  for (let run = 0; run < RUNS; run++) {
    await page.reload();
    // Waiting for the last item alongside: a page that never shows it fails the run instead of hanging.
    const [measured] = await Promise.all([
      page.evaluate(
        ({ last }) =>
          new Promise<Omit<RenderRun, "items"> & { items: number }>((resolve) => {
            const bench = (window as unknown as { __bench: { authOkAt: number; lastFrameAt: number; longTasks: { start: number; duration: number }[] } })
              .__bench;
            const check = () => {
              if (!document.querySelector(`[data-seq="${last}"]`) || bench.authOkAt === 0) return requestAnimationFrame(check);
              // The frame that had the last item in the DOM is painted by the time the next one starts.
              requestAnimationFrame(() => {
                const paintedAt = performance.now();
                const during = bench.longTasks.filter((task) => task.start >= bench.authOkAt && task.start <= paintedAt);
                resolve({
                  totalMs: paintedAt - bench.authOkAt,
                  framesInMs: bench.lastFrameAt - bench.authOkAt,
                  longTasks: during.length,
                  longestTaskMs: Math.max(0, ...during.map((task) => task.duration)),
                  items: document.querySelectorAll('[data-testid="log"] > *').length,
                });
              });
            };
            requestAnimationFrame(check);
          }),
        { last: EVENTS },
      ),
      lastItem.waitFor({ timeout: 120_000 }),
    ]);
    renders.push(measured);
    scrolls.push({ up: await fling(page, "up"), down: await fling(page, "down") });
    console.error(`web-render: run ${run + 1} of ${RUNS} done`);
  }
  if (phone.problems().length > 0) throw new Error(`the page reported problems: ${phone.problems().join("; ")}`);
  const floor = await deliveryFloor(browser, longConversation(sessionId, EVENTS));

  const render = (run: RenderRun) => run.totalMs - run.framesInMs;
  const renderMedian = median(renders.map(render));
  const scrollCells = (scroll: ScrollRun) => [
    String(scroll.frames),
    fmtMs(scroll.medianFrameMs, 1),
    fmtMs(scroll.p95FrameMs, 1),
    fmtMs(scroll.maxFrameMs, 1),
    String(scroll.longTasks),
  ];
  console.log(`### Rendering a long session: \`bun bench/web-render.ts\`\n`);
  console.log(
    `${machineLine()}; Chromium at 390 × 844 (phone, DPR 2); ${EVENTS} events replayed at login (${renders[0]!.items} items rendered at first, ${scrolls[0]!.up.items} once all are loaded); ${RUNS} reloads.\n`,
  );
  console.log(
    markdownTable(
      ["run", "frames in (ms)", "render (ms)", "total (ms)", "long tasks", "longest task (ms)"],
      renders.map((run, index) => [
        String(index + 1),
        fmtMs(run.framesInMs, 0),
        fmtMs(render(run), 0),
        fmtMs(run.totalMs, 0),
        String(run.longTasks),
        fmtMs(run.longestTaskMs, 0),
      ]),
    ),
  );
  console.log(
    `\nMedian render ${fmtMs(renderMedian, 0)} ms (goal < ${GOAL_MS} ms): ${renderMedian < GOAL_MS ? "met" : "MISSED"}; median total ${fmtMs(median(renders.map((run) => run.totalMs)), 0)} ms; ` +
      `delivery floor (the same ${EVENTS} frames from a bare server to a blank page) median ${fmtMs(median(floor), 0)} ms (${floor.map((ms) => fmtMs(ms, 0)).join(", ")}).\n`,
  );
  console.log(
    `Scrolling, 200 px per frame: up from the end to the first event (earlier events loading on the way, ${fmtMs(scrolls[0]!.up.scrolledPx, 0)} px), then down again (all loaded).\n`,
  );
  console.log(
    markdownTable(
      [
        "run",
        "up: frames",
        "frame median (ms)",
        "frame p95 (ms)",
        "frame max (ms)",
        "long tasks",
        "down: frames",
        "frame median (ms)",
        "frame p95 (ms)",
        "frame max (ms)",
        "long tasks",
      ],
      scrolls.map((scroll, index) => [String(index + 1), ...scrollCells(scroll.up), ...scrollCells(scroll.down)]),
    ),
  );
} finally {
  await browser.close();
  await relay.child.stop();
  bench.cleanup();
}
