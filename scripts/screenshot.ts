/**
 * The README's picture of the phone view, taken from a real run rather than drawn: a real relay
 * with the real Claude Code CLI (answering from the fake Anthropic API of the tests, with a short
 * scripted conversation), the web app in Chromium at a phone viewport (390 × 844, DPR 2, light),
 * its key authorized; the page sends a prompt and Claude plans with a todo list and markdown, then
 * another device asks for a new test file and Claude's Write waits as a permission card (with
 * Allow for this session, as Claude suggests accepting edits), under the session's mode and model
 * pickers, the status line saying so with the context and cost. That moment is written to
 * docs/screenshot-phone.png. Then the page allows the Write, the
 * conversation links the turn's "1 file changed", and the Changes view of the session's git
 * repository (the parser fixed, the test added) is written to docs/screenshot-changes.png.
 *
 *     bun scripts/screenshot.ts                 # writes docs/screenshot-phone.png and docs/screenshot-changes.png
 *     bun scripts/screenshot.ts /tmp/phone.png  # somewhere else (and /tmp/screenshot-changes.png)
 *
 * @example
 * ```sh
 * bun scripts/screenshot.ts && git diff --stat docs/screenshot-phone.png
 * ```
 */
import { mkdirSync } from "node:fs";
import { dirname, join } from "node:path";
import { startFakeAnthropic, text, toolUse } from "../test/support/fake-anthropic.ts";
import { makeGitRepo } from "../test/support/git-repo.ts";
import { makeTempDir, removeTempDir } from "../test/support/ssh.ts";
import { writeWebAssets } from "./build-web.ts";

// The page as the source is now: built before the relay's modules (which embed it) are loaded.
await writeWebAssets();
const { authorizePage, launchBrowser, openPhone, sendPrompt } = await import("../test/support/browser.ts");
const { startTestRelay } = await import("../test/support/relay.ts");

const target = process.argv[2] ?? join(import.meta.dirname, "..", "docs", "screenshot-phone.png");
const changesTarget = join(dirname(target), "screenshot-changes.png");

const LIST_BEFORE = [
  "export function parseList(tokens: Token[]): Value[] {",
  "  const items: Value[] = [];",
  '  expect(tokens, "[");',
  '  while (!at(tokens, "]")) {',
  "    items.push(parseValue(tokens));",
  '    if (!at(tokens, "]")) expect(tokens, ",");',
  "  }",
  "  return items;",
  "}",
  "",
].join("\n");
const LIST_AFTER = LIST_BEFORE.replace(
  '    if (!at(tokens, "]")) expect(tokens, ",");\n',
  '    if (at(tokens, "]")) break;\n    expect(tokens, ",");\n    // a trailing comma: [1, 2,]\n    if (at(tokens, ",")) next(tokens);\n',
);

const PLAN = [
  "The parser drops **trailing commas** in `parseList`, so `[1, 2,]` fails. Plan:",
  "",
  "1. Accept a comma before `]` in `src/parser/list.ts`.",
  "2. Add a test with nested lists.",
  "",
  "```ts",
  'if (at(tokens, ",")) next(tokens);',
  "```",
].join("\n");

const TEST_FILE = [
  'import { parseList } from "../src/parser/list.ts";',
  "",
  'test("a trailing comma", () => {',
  '  expect(parseList("[1, 2,]")).toEqual([1, 2]);',
  "});",
  "",
].join("\n");

const home = makeTempDir("demo-");
const cwd = join(home, "app");
mkdirSync(join(cwd, "test"), { recursive: true });
const repo = makeGitRepo(cwd);
repo.write("src/parser/list.ts", LIST_BEFORE);
repo.write("README.md", "# parser\n");
repo.commit("the parser");
const api = await startFakeAnthropic();
const relay = await startTestRelay({ api, flags: { cwd } });
const browser = await launchBrowser();
try {
  const phone = await openPhone(browser, `${relay.httpUrl}/`);
  await authorizePage(phone, relay.options.authorizedKeysPath);
  const page = phone.page;

  api.enqueue(
    toolUse("TodoWrite", {
      todos: [
        { content: "Reproduce the trailing comma bug", status: "completed", activeForm: "Reproducing the bug" },
        { content: "Accept a comma before ]", status: "in_progress", activeForm: "Fixing the parser" },
        { content: "Add a test with nested lists", status: "pending", activeForm: "Adding a test" },
      ],
    }),
    text(PLAN),
  );
  await sendPrompt(phone, "Why does [1, 2,] fail to parse?");
  await page.getByTestId("assistant").filter({ hasText: "Plan:" }).waitFor({ timeout: 60_000 });

  // Another device (the terminal client, say) asks for the test; Claude's Write waits for an answer.
  const laptop = await relay.connectAuthenticated();
  api.enqueue(toolUse("Write", { file_path: join(cwd, "test", "list.test.ts"), content: TEST_FILE }), text("Added the test."));
  laptop.send({ type: "prompt", text: "Add that test, please" });
  await page.getByTestId("permission-card").waitFor({ timeout: 60_000 });
  await page.locator('[data-testid="connection"][data-status="open"]').waitFor();
  await page.getByTestId("session-settings").waitFor(); // the mode and model pickers, once Claude told its models
  // The status line: the Write waiting (its clock running), the context and cost of the first turn.
  for (const part of ["status-activity", "status-cost", "status-context"]) await page.getByTestId(part).waitFor({ timeout: 10_000 });
  await page.evaluate(async () => {
    (document.activeElement as HTMLElement | null)?.blur(); // no focus ring in the picture
    await document.fonts.ready;
  });
  await page.screenshot({ path: target });
  const problems = phone.problems();
  if (problems.length > 0) throw new Error(`the page reported problems: ${problems.join("; ")}`);
  console.log(`wrote ${target}`);

  // Allowed; the fix was made meanwhile: the turn links its change, the Changes view shows both.
  repo.write("src/parser/list.ts", LIST_AFTER);
  await page.getByTestId("permission-card").getByRole("button", { name: "Allow", exact: true }).click();
  await page.getByTestId("turn-changes").click();
  await page.getByTestId("changed-file").nth(1).waitFor({ timeout: 30_000 });
  await page.evaluate(() => (document.activeElement as HTMLElement | null)?.blur());
  await page.screenshot({ path: changesTarget });
  console.log(`wrote ${changesTarget}`);

  await laptop.close();
} finally {
  await browser.close();
  await relay.stop();
  await api.close();
  removeTempDir(home);
}
