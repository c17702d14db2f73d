/**
 * The device key in real Chromium against a real relay: the page makes its key on the first
 * visit and shows it as OpenSSH would; once the key is in authorized_keys the page logs in by
 * itself (and again after a reload, with the same key); its signature passes
 * `ssh-keygen -Y check-novalidate`; the P-256 fallback works where Ed25519 is missing; forgetting
 * the key makes a new, unauthorized one.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { spawnSync } from "node:child_process";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import type { Browser } from "playwright-core";
import { parseArmoredSignature } from "../../../src/ssh/sshsig.ts";
import { authorizePage, launchBrowser, openPhone, type PhonePage, pageKeyLine, received, WITHOUT_ED25519, waitForConnected } from "../../support/browser.ts";
import { startTestRelay, type TestRelay } from "../../support/relay.ts";
import { sshKeygenCheck } from "../../support/ssh.ts";

let relay: TestRelay;
let browser: Browser;
const phones: PhonePage[] = [];

beforeAll(async () => {
  [relay, browser] = await Promise.all([startTestRelay(), launchBrowser()]);
}, 60_000);
afterAll(async () => {
  await browser?.close();
  await relay?.stop();
});

async function phone(initScript?: string): Promise<PhonePage> {
  const opened = await openPhone(browser, `${relay.httpUrl}/`, { ...(initScript && { initScript }) });
  phones.push(opened);
  return opened;
}

/** What `ssh-keygen -l` prints for `line`. */
function keygenListing(line: string): string {
  const path = join(relay.dir, `listing-${Date.now()}.pub`);
  writeFileSync(path, `${line}\n`);
  return spawnSync("ssh-keygen", ["-l", "-E", "sha256", "-f", path], { encoding: "utf8" }).stdout.trim();
}

/** The page's last challenge and its answer, checked by ssh-keygen. */
function expectPageSignatureVerifies(page: PhonePage, line: string): void {
  const challenge = received(page, "auth.challenge").at(-1)!.challenge as string;
  const response = page.frames.filter((entry) => entry.direction === "sent" && entry.frame.type === "auth.response").at(-1)!.frame;
  expect(sshKeygenCheck(response.signature, challenge, relay.dir)).toBe(true);
  const sig = parseArmoredSignature(response.signature);
  expect(sig).toMatchObject({ namespace: "claude-relay", hashAlgorithm: "sha512" });
  expect(Buffer.from(sig.publicKey).toString("base64")).toBe(line.split(" ")[1]!);
}

describe("Ed25519 (what Chromium makes)", () => {
  let page: PhonePage;
  let line: string;

  test("first visit: the key line, its ssh-keygen -l listing and the command to add it; not logged in", async () => {
    page = await phone();
    line = await pageKeyLine(page);
    expect(line).toMatch(/^ssh-ed25519 AAAA[A-Za-z0-9+/]+=* claude-relay:[A-Za-z]+-on-[A-Za-z]+ \d{4}-\d{2}-\d{2}$/);
    expect(await page.page.getByTestId("key-fingerprint").textContent()).toBe(keygenListing(line));
    expect(await page.page.getByTestId("key-command").textContent()).toBe(`echo '${line}' >> ~/.ssh/authorized_keys`);
    await page.page.locator('[data-testid="connection"][data-status="offline"]').waitFor();
    expect(received(page, "error").at(-1)).toMatchObject({ code: "auth_failed" });
    expect(await page.page.getByLabel("Message Claude").count()).toBe(0);
  }, 60_000);

  test("the key added to authorized_keys: the page logs in by itself; its signature passes ssh-keygen", async () => {
    await authorizePage(page, relay.options.authorizedKeysPath);
    const ok = received(page, "auth.ok").at(-1)!;
    expect(ok.key.fingerprint).toBe(keygenListing(line).split(" ")[1]!);
    expectPageSignatureVerifies(page, line);
    await page.page.getByLabel("Message Claude").waitFor();
  }, 60_000);

  test("a reload logs in again by itself with the same key", async () => {
    const logins = received(page, "auth.ok").length;
    await page.page.reload();
    await waitForConnected(page);
    expect(received(page, "auth.ok").length).toBe(logins + 1);
    expect(received(page, "auth.ok").at(-1)!.key.fingerprint).toBe(keygenListing(line).split(" ")[1]!);
    expect(await page.page.getByTestId("key-line").textContent()).toBe(line); // the device menu shows the same key
  }, 60_000);

  test("forgetting the key is one button: a new key, not authorized", async () => {
    await page.page.getByText("Device", { exact: true }).click();
    await page.page.getByRole("button", { name: "Forget this device's key" }).click();
    await page.page.getByRole("heading", { name: "Authorize this device" }).waitFor();
    const fresh = await pageKeyLine(page);
    expect(fresh).toStartWith("ssh-ed25519 AAAA");
    expect(fresh).not.toBe(line);
    await page.page.locator('[data-testid="connection"][data-status="offline"]').waitFor({ timeout: 20_000 });
    expect(page.problems()).toEqual([]);
  }, 60_000);
});

describe("ECDSA P-256 where the browser has no Ed25519", () => {
  test("the page makes a P-256 key, shows it, logs in with it once authorized; ssh-keygen accepts its signature", async () => {
    const page = await phone(WITHOUT_ED25519);
    const line = await pageKeyLine(page);
    expect(line).toMatch(/^ecdsa-sha2-nistp256 AAAA[A-Za-z0-9+/]+=* claude-relay:/);
    const listing = keygenListing(line);
    expect(listing).toEndWith("(ECDSA)");
    expect(await page.page.getByTestId("key-fingerprint").textContent()).toBe(listing);
    await authorizePage(page, relay.options.authorizedKeysPath);
    expect(received(page, "auth.ok").at(-1)!.key).toMatchObject({ type: "ecdsa-sha2-nistp256", fingerprint: listing.split(" ")[1] });
    expectPageSignatureVerifies(page, line);
    expect(page.problems()).toEqual([]);
  }, 90_000);
});
