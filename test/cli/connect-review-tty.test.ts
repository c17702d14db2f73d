/**
 * Reviewing changes in `claude-relay connect`'s interactive view, through a real pseudo-terminal
 * (tmux), against a real relay whose directory is a real git repository and the real Claude CLI
 * (fake API) writing a file: `/changes` lists it with its status and +/− lines, Tab after `/diff `
 * completes its path, `/diff PATH` prints git's patch; a refused path and a directory outside git
 * are said in the relay's words; `/new DIR --worktree BRANCH` starts a session in a new worktree
 * and `/sessions` shows its branch.
 */
import { afterAll, afterEach, beforeAll, expect, test } from "bun:test";
import { existsSync, mkdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { CLI } from "../support/cli-process.ts";
import { text, toolUse } from "../support/fake-anthropic.ts";
import { type GitRepo, makeGitRepo } from "../support/git-repo.ts";
import { startTestRelay, type TestRelay } from "../support/relay.ts";
import { startTerminal, type Terminal } from "../support/tmux.ts";

let relay: TestRelay;
let repo: GitRepo;
let env: Record<string, string | undefined>;
const open: Terminal[] = [];

beforeAll(async () => {
  relay = await startTestRelay();
  repo = makeGitRepo(relay.options.cwd);
  repo.write("README.md", "# app\n\nfirst line\n");
  repo.write("src/app.ts", "export const a = 1;\n");
  repo.commit("first");
  env = { ...process.env, HOME: join(relay.dir, "home"), SSH_AUTH_SOCK: undefined, NO_COLOR: "1", LANG: "C.UTF-8" };
}, 60_000);
afterEach(async () => {
  for (const term of open.splice(0)) await term.close();
  relay.api.reset();
});
afterAll(() => relay.stop());

async function terminal(): Promise<Terminal> {
  const term = await startTerminal([...CLI, "connect", relay.url, "-i", relay.key.privatePath], { env, width: 120, height: 50 });
  open.push(term);
  await term.waitFor((screen) => screen.includes("Type a prompt; /help lists commands."), 30_000, "the greeting");
  await term.waitFor(() => term.lastLine() === "›", 10_000, "the input line");
  return term;
}

function run(term: Terminal, line: string): void {
  term.type(line);
  term.keys("Enter");
}

test("Claude writes a file; /changes lists it, Tab completes /diff's path, /diff shows the patch; a refused path in the relay's words", async () => {
  const term = await terminal();
  const file = join(relay.options.cwd, "notes from claude.md");
  relay.api.enqueue(toolUse("Write", { file_path: file, content: "one\ntwo\n" }), text("wrote the notes"));
  run(term, "write some notes");
  await term.waitFor((s) => s.includes("? Claude wants to use Write"), 30_000, "the question");
  term.keys("y");
  await term.waitFor((s) => s.includes("● wrote the notes"), 30_000, "the turn");
  expect(readFileSync(file, "utf8")).toBe("one\ntwo\n");
  repo.write("README.md", "# app\n\nfirst line, edited\nsecond line\n");

  run(term, "/changes");
  const listed = await term.waitFor((s) => s.includes("files changed against HEAD"), 15_000, "the list");
  expect(listed).toContain("branch main · 2 files changed against HEAD (/diff PATH shows one):");
  expect(listed).toContain("  modified    README.md  +2 −1");
  expect(listed).toContain("  untracked   notes from claude.md  +2 −0");

  term.type("/diff no");
  term.keys("Tab");
  await term.waitFor(() => term.lastLine() === "› /diff notes from claude.md", 10_000, "the completed path");
  term.keys("Enter");
  const diff = await term.waitFor((s) => s.includes("+two"), 15_000, "the patch");
  expect(diff).toContain("── notes from claude.md ──\ndiff --git a/notes from claude.md b/notes from claude.md\nnew file mode 100644");
  expect(diff).toContain("@@ -0,0 +1,2 @@\n+one\n+two");

  run(term, "/diff README.md");
  const readme = await term.waitFor((s) => s.includes("+second line"), 15_000, "the README patch");
  expect(readme).toContain("-first line\n+first line, edited\n+second line");

  run(term, "/diff ../../etc/passwd");
  await term.waitFor((s) => s.includes("✗ /diff ../../etc/passwd:"), 15_000, "the refusal");
  expect(term.screen()).toMatch(/✗ \/diff \.\.\/\.\.\/etc\/passwd: .*\.\./);
  run(term, "/diff");
  await term.waitFor((s) => s.includes("✗ /diff takes the path of a changed file"), 10_000, "the usage");
});

test("/new DIR --worktree BRANCH starts a session in a new worktree; /sessions shows the branch; a taken branch is refused in the relay's words", async () => {
  const term = await terminal();
  run(term, `/new ${relay.options.cwd} --worktree tty-branch`);
  await term.waitFor((s) => /── session [0-9a-f]{8}/.test(s) && term.lastLine() === "›", 30_000, "the new session's header");
  const worktree = join(relay.options.cwd, ".claude", "worktrees", "tty-branch");
  expect(existsSync(join(worktree, "README.md"))).toBe(true);
  expect(repo.git("branch", "--list", "tty-branch")).toContain("tty-branch");

  run(term, "/sessions");
  await term.waitFor((s) => s.includes("worktree branch tty-branch"), 10_000, "the branch in the list");
  expect(term.screen()).toMatch(/\* [0-9a-f]{8} {2}.*\.claude\/worktrees\/tty-branch · worktree branch tty-branch/);

  run(term, "/changes");
  await term.waitFor((s) => s.includes("branch tty-branch · no changes against HEAD"), 15_000, "the worktree's changes");

  run(term, `/new ${relay.options.cwd} --worktree tty-branch`);
  await term.waitFor((s) => s.includes(`✗ /new ${relay.options.cwd} --worktree tty-branch:`), 30_000, "the refusal");
  expect(term.screen()).toContain("exists already");
  run(term, `/new ${relay.options.cwd} --worktree`);
  await term.waitFor((s) => s.includes("✗ /new: --worktree needs the name of a new branch"), 10_000, "the usage");
});

test("/changes outside a git repository says so", async () => {
  const term = await terminal();
  const other = join(relay.dir, "home", "not-git");
  mkdirSync(other, { recursive: true });
  run(term, `/new ${other}`);
  await term.waitFor((s) => s.includes("── session") && term.lastLine() === "›", 30_000, "the new session");
  run(term, "/changes");
  await term.waitFor((s) => s.includes("not a git repository: there is nothing to compare with"), 15_000, "the words");
});
