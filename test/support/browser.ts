/**
 * Real Chromium (Debian's `chromium`, /usr/bin/chromium) driven by playwright-core, for the web
 * app's tests: one browser per test file, isolated contexts (each a fresh profile: its own
 * IndexedDB, so its own device key) at a phone viewport, and a page wrapper that records console
 * errors, uncaught exceptions and every request leaving for another origin.
 *
 * Chromium is started offline-quiet: without the background-networking flags it tries to reach
 * Google's services from the closed network.
 *
 * @example
 * ```ts
 * const browser = await launchBrowser();
 * const phone = await openPhone(browser, relay.httpUrl);
 * await phone.page.getByTestId("key-line").textContent();
 * expect(phone.problems()).toEqual([]);
 * await browser.close();
 * ```
 */

import { randomUUID } from "node:crypto";
import { appendFileSync, existsSync } from "node:fs";
import { join } from "node:path";
import { type Browser, type BrowserContext, chromium, type Page } from "playwright-core";
import { SYNTHETIC_CLAUDE } from "./cli-process.ts";
import { prepareLongSession } from "./long-conversation.ts";
import { startTestRelay, type TestRelay, type TestRelayOptions } from "./relay.ts";
import { makeTempDir } from "./ssh.ts";
import { waitFor } from "./wait.ts";
import type { Frame, TestClient } from "./ws-client.ts";

export const CHROMIUM = process.env.CHROMIUM_BIN ?? "/usr/bin/chromium";

export const CHROMIUM_ARGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];

/** A phone: 390 × 844 CSS px, touch, mobile viewport rules. */
export const PHONE = { viewport: { width: 390, height: 844 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true } as const;

/** Launches Chromium (playwright gives every launch a fresh temporary user-data-dir). */
export async function launchBrowser(): Promise<Browser> {
  if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} not found: install Debian's chromium package (apt-get install -y chromium), as .ci/run does`);
  return chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS, timeout: 60_000 });
}

export interface PhonePage {
  context: BrowserContext;
  page: Page;
  /** Console errors, uncaught exceptions and requests to other origins, so far. */
  problems(): string[];
  /** Every WebSocket frame the page sent or received, parsed. */
  frames: { direction: "sent" | "received"; frame: Record<string, any> }[];
}

export interface PhoneOptions {
  /** Runs in the page before any of its scripts (e.g. to take Ed25519 away). */
  initScript?: string;
  viewport?: { width: number; height: number };
  /** A desktop instead of a phone: 1280 × 800, mouse and keyboard (fine pointer, no touch). */
  desktop?: boolean;
  /** The browser's user agent string (e.g. Safari on an iPhone's). */
  userAgent?: string;
  /** Goes past the browser's warning about a certificate it does not trust, as a person can. */
  acceptCertificateWarning?: boolean;
}

/** A new isolated context (fresh IndexedDB and localStorage) with one page open at `url`. */
export async function openPhone(browser: Browser, url: string, options: PhoneOptions = {}): Promise<PhonePage> {
  const device = options.desktop ? { viewport: { width: 1280, height: 800 } } : PHONE;
  const context = await browser.newContext({
    ...device,
    ...(options.viewport && { viewport: options.viewport }),
    ...(options.userAgent && { userAgent: options.userAgent }),
    ...(options.acceptCertificateWarning && { ignoreHTTPSErrors: true }),
  });
  if (options.initScript) await context.addInitScript(options.initScript);
  return openPage(context, url);
}

/**
 * A phone with a profile on disk (`userDataDir`), as a browser a person uses: Chromium offers
 * Web Push only there (an off-the-record context, which {@link openPhone} makes, refuses
 * `PushManager.subscribe`). `args` are added to Chromium's (e.g. where its push service is).
 * Close it with `phone.context.close()`.
 */
export async function openPersistentPhone(url: string, userDataDir: string, args: readonly string[] = []): Promise<PhonePage> {
  const context = await chromium.launchPersistentContext(userDataDir, {
    executablePath: CHROMIUM,
    args: [...CHROMIUM_ARGS, ...args],
    timeout: 60_000,
    ...PHONE,
  });
  return openPage(context, url);
}

/** A new page of `context` at `url`, its console errors, exceptions, requests elsewhere and WebSocket frames recorded. */
async function openPage(context: BrowserContext, url: string): Promise<PhonePage> {
  const page = await context.newPage();
  const problems: string[] = [];
  const frames: PhonePage["frames"] = [];
  const origin = new URL(url).origin;
  page.on("console", (message) => {
    if (message.type() === "error") problems.push(`console error: ${message.text()}`);
  });
  page.on("pageerror", (error) => problems.push(`uncaught: ${error.message}`));
  page.on("request", (request) => {
    const target = new URL(request.url());
    const sameOrigin = target.origin === origin || (/^wss?:$/.test(target.protocol) && target.host === new URL(origin).host);
    if (!sameOrigin && target.protocol !== "data:") problems.push(`request to another origin: ${request.url()}`);
  });
  page.on("websocket", (socket) => {
    socket.on("framesent", (event) => frames.push({ direction: "sent", frame: JSON.parse(String(event.payload)) }));
    socket.on("framereceived", (event) => frames.push({ direction: "received", frame: JSON.parse(String(event.payload)) }));
  });
  await page.goto(url);
  return { context, page, problems: () => [...problems], frames };
}

/** The page's width overflow: scrollWidth − clientWidth of the document (0: no horizontal scrolling). */
export function horizontalOverflow(page: Page): Promise<number> {
  return page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
}

/**
 * An init script that makes WebCrypto refuse Ed25519, as a browser without it does, so the page
 * falls back to ECDSA P-256.
 */
export const WITHOUT_ED25519 = `(() => {
  const generateKey = SubtleCrypto.prototype.generateKey;
  SubtleCrypto.prototype.generateKey = function (algorithm, ...rest) {
    const name = typeof algorithm === "string" ? algorithm : algorithm && algorithm.name;
    if (String(name).toLowerCase() === "ed25519") return Promise.reject(new DOMException("Ed25519 is not supported", "NotSupportedError"));
    return generateKey.call(this, algorithm, ...rest);
  };
})();`;

/** The device key line the page shows while it is not authorized. */
export async function pageKeyLine(phone: PhonePage): Promise<string> {
  const line = await phone.page.getByTestId("key-line").first().textContent({ timeout: 20_000 });
  if (!line) throw new Error("the page shows no key line");
  return line;
}

/** Appends the page's key line to `authorizedKeysPath` and waits until the page has logged in by itself. */
export async function authorizePage(phone: PhonePage, authorizedKeysPath: string): Promise<string> {
  const line = await pageKeyLine(phone);
  appendFileSync(authorizedKeysPath, `${line}\n`);
  await waitForConnected(phone);
  return line;
}

/** Waits until the status line says connected (logged in). */
export async function waitForConnected(phone: PhonePage, timeoutMs = 45_000): Promise<void> {
  await phone.page.locator('[data-testid="connection"][data-status="open"]').waitFor({ timeout: timeoutMs });
}

/** Types `text` into the prompt box and presses Send. */
export async function sendPrompt(phone: PhonePage, text: string): Promise<void> {
  await phone.page.getByLabel("Message Claude").fill(text);
  await phone.page.getByRole("button", { name: "Send", exact: true }).click();
}

/**
 * The first frame the page receives from the call on that matches: call it before the action that
 * causes the frame, await it after.
 */
export function nextReceived(phone: PhonePage, match: (frame: Record<string, any>) => boolean, timeoutMs = 30_000): Promise<Record<string, any>> {
  const from = phone.frames.length;
  let found: Record<string, any> | undefined;
  const frame = waitFor(
    () => (found = phone.frames.slice(from).find((entry) => entry.direction === "received" && match(entry.frame))?.frame) !== undefined,
    timeoutMs,
    "a frame",
  ).then(() => found!);
  // A test that fails before awaiting it must not leave a rejection to blame on a later test.
  frame.catch(() => {});
  return frame;
}

/** Frames the page sent of `type`. */
export function sent(phone: PhonePage, type: string): Record<string, any>[] {
  return phone.frames.filter((entry) => entry.direction === "sent" && entry.frame.type === type).map((entry) => entry.frame);
}

/** Waits until the prompt box holds `value` (the page renders once per animation frame, not at once). */
export async function waitForPromptText(phone: PhonePage, value: string): Promise<void> {
  await phone.page.waitForFunction((wanted) => (document.getElementById("prompt") as HTMLTextAreaElement | null)?.value === wanted, value, { timeout: 10_000 });
}

/** Frames the page received of `type`. */
export function received(phone: PhonePage, type: string): Record<string, any>[] {
  return phone.frames.filter((entry) => entry.direction === "received" && entry.frame.type === type).map((entry) => entry.frame);
}

export interface AuthorizedPhone {
  relay: TestRelay;
  browser: Browser;
  phone: PhonePage;
  /** The page's authorized_keys line. */
  line: string;
  /** A second device: a WebSocket client logged in with the relay's test key. */
  other: TestClient & { authOk: Frame };
}

/** A relay, Chromium, a phone page whose key was authorized and that logged in, and a second client. */
export async function startAuthorizedPhone(options: { relay?: TestRelayOptions; phone?: PhoneOptions } = {}): Promise<AuthorizedPhone> {
  const [relay, browser] = await Promise.all([startTestRelay(options.relay), launchBrowser()]);
  const phone = await openPhone(browser, `${relay.httpUrl}/`, options.phone);
  const line = await authorizePage(phone, relay.options.authorizedKeysPath);
  const other = await relay.connectAuthenticated();
  return { relay, browser, phone, line, other };
}

/** Closes what {@link startAuthorizedPhone} (or {@link startPhoneOnLongSession}) started, as far as it got. */
export async function stopAuthorizedPhone(started: { relay?: TestRelay; browser?: Browser; other?: TestClient }): Promise<void> {
  await started.other?.close();
  await started.browser?.close();
  await started.relay?.stop();
}

/**
 * A relay (synthetic Claude) whose default session already holds `events` events
 * (test/support/long-conversation.ts, `shape` as there), and a phone page authorized and logged in
 * that got them replayed.
 */
export async function startPhoneOnLongSession(
  events: number,
  shape: "mixed" | "short" = "mixed",
): Promise<{ relay: TestRelay; browser: Browser; phone: PhonePage }> {
  const dir = makeTempDir("relay-web-long-");
  prepareLongSession({ stateDir: join(dir, "state"), cwd: join(dir, "work"), sessionId: randomUUID(), events, shape });
  const [relay, browser] = await Promise.all([startTestRelay({ dir, flags: { claudeBin: SYNTHETIC_CLAUDE } }), launchBrowser()]);
  const phone = await openPhone(browser, `${relay.httpUrl}/`);
  await authorizePage(phone, relay.options.authorizedKeysPath);
  return { relay, browser, phone };
}
