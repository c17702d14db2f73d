/**
 * The Changes view in real Chromium at 360 × 640, against a real relay whose directory is a real
 * git repository and the real Claude CLI (fake API): the list of changed files with status and
 * +/−, a file's diff coloured line by line, the file read-only (binary by its size, a long one a
 * slice at a time with Load more), "not a git repository"; "1 file changed" after a turn in which
 * Claude wrote a file (allowed on the page), opening the list; a hostile file name and hostile
 * patch text rendered as text; a worktree session started from the page with its branch shown,
 * its removal refused while it is dirty (the relay's words) and done once clean. 48 px targets, no
 * sideways page scroll (long lines scroll inside the diff), no console errors.
 */
import { afterAll, afterEach, beforeAll, expect, test } from "bun:test";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { Browser } from "playwright-core";
import { horizontalOverflow, nextReceived, type PhonePage, sendPrompt, startAuthorizedPhone } from "../../support/browser.ts";
import { type FakeAnthropic, startFakeAnthropic, text, toolUse } from "../../support/fake-anthropic.ts";
import { type GitRepo, makeGitRepo } from "../../support/git-repo.ts";
import type { TestRelay } from "../../support/relay.ts";
import type { TestClient } from "../../support/ws-client.ts";

/** Runs before the page's scripts: anything the corpus runs records itself here. */
const WATCH = `(() => {
  window.__xss = [];
  for (const name of ["alert", "confirm", "prompt"]) window[name] = (...args) => { window.__xss.push(name + ":" + args.join(",")); };
})();`;
const HOSTILE_NAME = "<img src=x onerror=alert(1)>.md";
const HOSTILE_TEXT = "<script>window.__xss.push('script')</script>\n<img src=x onerror=\"window.__xss.push('img')\">\n";
const LONG_LINE = `const long = "${"x".repeat(600)}";\n`;

let api: FakeAnthropic;
let relay: TestRelay;
let browser: Browser;
let phone: PhonePage;
let other: TestClient;
let repo: GitRepo;

beforeAll(async () => {
  api = await startFakeAnthropic();
  ({ relay, browser, phone, other } = await startAuthorizedPhone({
    relay: { api },
    phone: { viewport: { width: 360, height: 640 }, initScript: WATCH },
  }));
  repo = makeGitRepo(relay.options.cwd);
  repo.write("README.md", "# app\n\nfirst line\n");
  repo.write("src/app.ts", "export const a = 1;\n");
  repo.write("gone.txt", "to be deleted\n");
  repo.commit("first");
  repo.write("README.md", "# app\n\nfirst line, edited\nsecond line\n");
  repo.write("src/app.ts", `export const a = 2;\n${LONG_LINE}`);
  repo.git("rm", "-q", "gone.txt");
  repo.write(HOSTILE_NAME, HOSTILE_TEXT);
  repo.write("logo.bin", new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0, 0, 0, 1, 2, 3]));
  repo.write("big.log.txt", "0123456789abcdef\n".repeat(20_000)); // 340,000 bytes: two slices
}, 90_000);

afterEach(() => api.reset());
afterAll(async () => {
  await other?.close();
  await browser?.close();
  await relay?.stop();
  await api?.close();
});

const page = () => phone.page;

async function openChanges(): Promise<void> {
  await page().getByText("Actions", { exact: true }).click();
  await page().getByTestId("open-changes").click();
  await page().getByTestId("changes").waitFor();
}

async function expectTargets(names: string[]): Promise<void> {
  for (const name of names) {
    const box = await page().getByRole("button", { name, exact: true }).first().boundingBox();
    expect({ name, height: box!.height >= 48 }).toEqual({ name, height: true });
  }
}

test("the list: each changed file with its status and +/−; a diff coloured line by line; long lines scroll inside it, not the page", async () => {
  await openChanges();
  await page().getByTestId("changes-summary").filter({ hasText: "Branch main" }).waitFor({ timeout: 15_000 });
  expect(await page().getByTestId("changes-summary").textContent()).toBe("Branch main · 6 files changed against HEAD");
  const rows = await page()
    .getByTestId("changed-file")
    .evaluateAll((buttons) =>
      buttons.map((button) => [
        button.getAttribute("data-status"),
        button.querySelector(".changed-path")!.textContent,
        button.querySelector(".change-counts")!.textContent,
      ]),
    );
  // git's order: tracked files, then untracked ones, each sorted by path
  expect(rows).toEqual([
    ["modified", "README.md", "+2 −1"],
    ["deleted", "gone.txt", "+0 −1"],
    ["modified", "src/app.ts", "+2 −1"],
    ["untracked", HOSTILE_NAME, "+2 −0"],
    ["untracked", "big.log.txt", "+20000 −0"],
    ["untracked", "logo.bin", "binary"],
  ]);
  await expectTargets(["Back to the conversation", "Refresh"]);
  for (const box of await page()
    .getByTestId("changed-file")
    .evaluateAll((buttons) => buttons.map((button) => button.getBoundingClientRect().height)))
    expect(box).toBeGreaterThanOrEqual(48);

  await page().getByTestId("changed-file").filter({ hasText: "src/app.ts" }).click();
  const patch = page().getByTestId("patch");
  await patch.waitFor({ timeout: 15_000 });
  expect(await page().locator("#changes-title").textContent()).toBe("src/app.ts");
  expect(await patch.locator(".del").allTextContents()).toEqual(["-export const a = 1;\n"]);
  expect(await patch.locator(".add").allTextContents()).toEqual(["+export const a = 2;\n", `+${LONG_LINE}`]);
  expect(await patch.locator(".hunk").allTextContents()).toEqual(["@@ -1 +1,2 @@\n"]);
  const scroll = await patch.evaluate((element) => ({ scrollWidth: element.scrollWidth, clientWidth: element.clientWidth }));
  expect(scroll.scrollWidth).toBeGreaterThan(scroll.clientWidth); // the long line scrolls inside the patch
  expect(await horizontalOverflow(page())).toBe(0);
  await expectTargets(["Back to the changed files", "File"]);

  await page().getByTestId("changes-back").click();
  await page().getByTestId("changed-file").filter({ hasText: "gone.txt" }).click();
  await patch.locator(".del", { hasText: "-to be deleted" }).waitFor({ timeout: 15_000 });
  expect(await patch.textContent()).toContain("deleted file mode 100644");
  expect(phone.problems()).toEqual([]);
}, 60_000);

test("a file read-only: text, a long one in slices with Load more, a binary one by its size; a refused path in the relay's words", async () => {
  await page().getByTestId("changes-back").click();
  await page().getByTestId("changed-file").filter({ hasText: "README.md" }).click();
  await page().getByRole("button", { name: "File", exact: true }).click();
  await page().getByTestId("file-text").waitFor({ timeout: 15_000 });
  expect(await page().getByTestId("file-text").textContent()).toBe("# app\n\nfirst line, edited\nsecond line\n");

  await page().getByTestId("changes-back").click();
  await page().getByTestId("changed-file").filter({ hasText: "big.log.txt" }).click();
  await page().getByRole("button", { name: "File", exact: true }).click();
  await page().getByTestId("file-truncated").waitFor({ timeout: 15_000 });
  expect(await page().getByTestId("file-truncated").textContent()).toBe("Showing the first 256.0 KiB of 332.0 KiB.");
  expect((await page().getByTestId("file-text").textContent())!.length).toBe(256 * 1024);
  await expectTargets(["Load more", "Diff"]);
  await page().getByTestId("load-more").click();
  await page().getByTestId("file-truncated").waitFor({ state: "detached", timeout: 15_000 });
  expect(await page().getByTestId("file-text").textContent()).toBe("0123456789abcdef\n".repeat(20_000));

  await page().getByTestId("changes-back").click();
  await page().getByTestId("changed-file").filter({ hasText: "logo.bin" }).click();
  await page().getByRole("button", { name: "File", exact: true }).click();
  expect(await page().getByTestId("binary-file").textContent({ timeout: 15_000 })).toBe("Binary file, 10 bytes.");

  // A deleted file has no text now: the relay's refusal is shown.
  await page().getByTestId("changes-back").click();
  await page().getByTestId("changed-file").filter({ hasText: "gone.txt" }).click();
  await page().getByRole("button", { name: "File", exact: true }).click();
  expect(await page().getByTestId("changes-error").textContent({ timeout: 15_000 })).toContain("no such file");
  expect(await horizontalOverflow(page())).toBe(0);
  await page().getByTestId("changes-back").click();
  await page().getByTestId("changes-back").click();
  await page().getByTestId("changes").waitFor({ state: "detached" });
}, 60_000);

test("a hostile file name and hostile file text stay text in the list, the diff and the file view; nothing runs", async () => {
  await openChanges();
  const row = page().getByTestId("changed-file").filter({ hasText: HOSTILE_NAME });
  await row.waitFor({ timeout: 15_000 });
  await row.click();
  const patch = page().getByTestId("patch");
  await patch.waitFor({ timeout: 15_000 });
  expect(await page().locator("#changes-title").textContent()).toBe(HOSTILE_NAME);
  expect(await patch.locator(".add").allTextContents()).toEqual(
    HOSTILE_TEXT.split("\n")
      .slice(0, 2)
      .map((line) => `+${line}\n`),
  );
  await page().getByRole("button", { name: "File", exact: true }).click();
  await page().getByTestId("file-text").waitFor({ timeout: 15_000 });
  expect(await page().getByTestId("file-text").textContent()).toBe(HOSTILE_TEXT);
  expect(await page().locator(".changes img, .changes script").count()).toBe(0);
  expect(await page().evaluate(() => (window as unknown as { __xss: string[] }).__xss)).toEqual([]);
  await page().getByTestId("changes-back").click();
  await page().getByTestId("changes-back").click();
}, 60_000);

test('after a turn in which Claude wrote a file: "1 file changed" in the conversation, opening the list', async () => {
  const file = join(relay.options.cwd, "notes", "from claude.md");
  api.enqueue(toolUse("Write", { file_path: file, content: "one\ntwo\nthree\n" }), text("wrote the notes"));
  await sendPrompt(phone, "write the notes");
  const card = page().getByTestId("permission-card");
  await card.waitFor({ timeout: 30_000 });
  await card.getByRole("button", { name: "Allow", exact: true }).click();
  const link = page().getByTestId("turn-changes");
  await link.waitFor({ timeout: 30_000 });
  expect(await link.textContent()).toBe("1 file changed");
  expect((await link.boundingBox())!.height).toBeGreaterThanOrEqual(48);
  await link.click();
  await page().getByTestId("changed-file").filter({ hasText: "notes/from claude.md" }).waitFor({ timeout: 15_000 });
  expect(await page().getByTestId("changed-file").filter({ hasText: "notes/from claude.md" }).locator(".change-counts").textContent()).toBe("+3 −0");
  await page().getByTestId("changes-back").click();
  await page().getByTestId("turn-changes").waitFor(); // the conversation again (drawn at the next frame)
  expect(await page().getByTestId("turn-changes").count()).toBe(1); // one turn changed files
}, 90_000);

test("a worktree session from the page: its branch in the bar and the list; removal refused while dirty, in the relay's words, done once clean", async () => {
  await page().getByTestId("sessions-toggle").click();
  await page().getByLabel("Start a session in a directory").fill(relay.options.cwd);
  await page().getByLabel("In a new git worktree on branch (optional)").fill("page-branch");
  const created = nextReceived(phone, (frame) => frame.type === "session.created");
  await page().getByRole("button", { name: "Start", exact: true }).click();
  const { sessionId } = await created;
  const bar = page().getByTestId("current-session");
  await bar.getByTestId("branch").waitFor({ timeout: 30_000 });
  expect(await bar.getByTestId("branch").textContent()).toBe("branch page-branch");
  const worktree = join(relay.options.cwd, ".claude", "worktrees", "page-branch");
  expect(await bar.locator(".cwd").textContent()).toBe(worktree);

  await openChanges();
  await page().getByTestId("changes-summary").filter({ hasText: "Branch page-branch" }).waitFor({ timeout: 15_000 });
  expect(await page().getByTestId("changes-summary").textContent()).toBe("Branch page-branch · no changes against HEAD");
  await page().getByTestId("changes-back").click();

  writeFileSync(join(worktree, "dirty.txt"), "uncommitted\n");
  await page().getByTestId("sessions-toggle").click();
  const item = page().locator(`[data-testid="session"][data-session-id="${sessionId}"]`);
  expect(await item.getByTestId("branch").textContent()).toBe("branch page-branch");
  await item.getByRole("button", { name: "Stop and remove the worktree" }).click();
  const refused = nextReceived(phone, (frame) => frame.type === "error" && frame.code === "worktree_dirty");
  await item.getByRole("button", { name: "Stop and remove", exact: true }).click();
  await refused;
  await page().getByRole("alert").filter({ hasText: "worktree_dirty" }).waitFor({ timeout: 15_000 });
  expect(await page().getByRole("alert").filter({ hasText: "worktree_dirty" }).textContent()).toContain(
    "has uncommitted changes: commit or discard them first",
  );
  expect(relay.relay.sessions.list().some((session) => session.sessionId === sessionId)).toBe(true);

  repo.git("-C", worktree, "clean", "-fq");
  const stopped = nextReceived(phone, (frame) => frame.type === "session.stopped");
  await item.getByRole("button", { name: "Stop and remove the worktree" }).click();
  await item.getByRole("button", { name: "Stop and remove", exact: true }).click();
  expect(await stopped).toMatchObject({ sessionId, worktreeRemoved: true });
  await item.waitFor({ state: "detached", timeout: 15_000 });
  expect(repo.git("branch", "--list", "page-branch")).toContain("page-branch");
  expect(await horizontalOverflow(page())).toBe(0);
}, 90_000);

test('a session outside git: "not a git repository"', async () => {
  const dir = join(relay.dir, "home", "plain-dir");
  mkdirSync(dir, { recursive: true });
  await page().getByLabel("Start a session in a directory").fill(dir);
  await page().getByLabel("In a new git worktree on branch (optional)").fill("");
  await page().getByRole("button", { name: "Start", exact: true }).click();
  await page().getByTestId("current-session").filter({ hasText: dir }).waitFor({ timeout: 30_000 });
  await openChanges();
  expect(await page().getByTestId("not-git").textContent({ timeout: 15_000 })).toBe(
    "This session's directory is not a git repository: there is nothing to compare with.",
  );
  expect(phone.problems()).toEqual([]);
}, 60_000);
