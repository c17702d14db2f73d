/**
 * The live view in `claude-relay connect`, against a real relay with the real Claude CLI whose fake
 * API streams one word per delta and holds the rest until the test has seen the first word: in a
 * real terminal (tmux) the first word is on the screen before the last is produced and the answer
 * is printed exactly once; the status line shows context and cost after the turn; a real
 * sub-agent is listed by /tasks and stopped by /stop-task (and a wrong id is refused); `--prompt`
 * writes the first word to stdout before the last is produced.
 */
import { afterAll, afterEach, beforeAll, expect, test } from "bun:test";
import { spawn } from "node:child_process";
import { join } from "node:path";
import { CLI } from "../support/cli-process.ts";
import { heldText, streamedWords, text, toolUse } from "../support/fake-anthropic.ts";
import { startTestRelay, type TestRelay } from "../support/relay.ts";
import { startTerminal, type Terminal } from "../support/tmux.ts";
import { waitFor } from "../support/wait.ts";

let relay: TestRelay;
let env: Record<string, string | undefined>;
const open: Array<{ close(): Promise<void> }> = [];

beforeAll(async () => {
  relay = await startTestRelay();
  env = { ...process.env, HOME: join(relay.dir, "home"), SSH_AUTH_SOCK: undefined, NO_COLOR: "1", LANG: "C.UTF-8" };
});
afterEach(async () => {
  for (const thing of open.splice(0)) await thing.close();
  relay.api.reset();
});
afterAll(() => relay.stop());

/** `claude-relay connect` in a terminal, once it shows its prompt. */
async function terminal(): Promise<Terminal> {
  const term = await startTerminal([...CLI, "connect", relay.url, "-i", relay.key.privatePath], { env, width: 100, height: 40 });
  open.push(term);
  await term.waitFor((screen) => screen.includes("Type a prompt; /help lists commands."), 30_000, "the greeting");
  await term.waitFor(() => term.lastLine() === "›", 10_000, "the input line");
  return term;
}

/** 60 words: more than a row of the terminal, so it also wraps while it streams. */
const WORDS = Array.from({ length: 60 }, (_, index) => (index === 0 ? "Alpha" : `w${index}`)).join(" ");
const count = (haystack: string, needle: string) => haystack.split(needle).length - 1;

test("the first word is on the screen before the last is produced; the answer is printed exactly once; the status line then shows context and cost", async () => {
  const term = await terminal();
  const produced: number[] = [];
  const firstWord = term.waitFor((screen) => screen.includes("● Alpha"), 60_000, "the first word");
  firstWord.catch(() => {});
  relay.api.enqueue(
    streamedWords(WORDS, async (index) => {
      if (index === 1) await firstWord;
      produced.push(index);
    }),
  );
  term.type("count for me");
  term.keys("Enter");
  await firstWord;
  expect(produced).toEqual([]);
  await term.waitFor((screen) => screen.includes("✓ done"), 60_000, "the turn's end");
  const history = term.history();
  expect(count(history, "Alpha")).toBe(1);
  expect(count(history, "w59")).toBe(1);
  // Wrapped at spaces into whole words, every word in order.
  const answer = history.slice(history.indexOf("● Alpha"), history.indexOf("✓ done"));
  expect(answer.split(/\s+/).filter((word) => word !== "●" && word !== "")).toEqual(WORDS.split(" "));
  await term.waitFor((screen) => /(<1|\d+)% context · (\$\d+\.\d\d|<\$0\.01)/.test(screen), 10_000, "context and cost in the status line");
  expect(term.lastLine()).toBe("›");
}, 120_000);

test("/tasks lists a real sub-agent and /stop-task stops it; a task that is not there is refused", async () => {
  const term = await terminal();
  let release!: () => void;
  const held = new Promise<void>((resolve) => (release = resolve));
  relay.api.enqueue(
    toolUse("Task", { description: "Look around", prompt: "list the files", subagent_type: "general-purpose" }),
    heldText("the sub-agent's answer", held),
    text("stopped it"),
  );
  try {
    term.type("start a sub-agent");
    term.keys("Enter");
    await term.waitFor((screen) => screen.includes("1 task running (/tasks)"), 60_000, "the running task in the status line");
    term.type("/tasks");
    term.keys("Enter");
    await term.waitFor((screen) => /1\. Sub-agent: Look around · running · \d+ s · \w+/.test(screen), 10_000, "the task listed");
    term.type("/stop-task nope");
    term.keys("Enter");
    await term.waitFor((screen) => screen.includes("no task nope in this session; /tasks lists them"), 10_000, "the refusal");
    term.type("/stop-task 1");
    term.keys("Enter");
    await term.waitFor((screen) => screen.includes("stopping sub-agent “Look around”"), 10_000, "the stop");
    await term.waitFor((screen) => screen.includes("✓ done"), 60_000, "the turn's end");
    // The status saying it stopped may follow the turn's end (at most 2 a second).
    await term.waitFor((screen) => !screen.includes("task running"), 10_000, "no task running in the status line");
    term.type("/tasks");
    term.keys("Enter");
    await term.waitFor((screen) => screen.includes("1. Sub-agent: Look around · stopped"), 10_000, "the task stopped");
    term.type("/stop-task 1");
    term.keys("Enter");
    await term.waitFor((screen) => /task \w+ is stopped already/.test(screen), 10_000, "a stopped task is not stopped again");
  } finally {
    release();
  }
}, 120_000);

test("--prompt writes Claude's words to stdout as they come: the first before the last is produced", async () => {
  let stdout = "";
  const produced: number[] = [];
  const firstWord = waitFor(() => stdout.includes("Alpha"), 60_000, "the first word on stdout");
  firstWord.catch(() => {});
  relay.api.enqueue(
    streamedWords(WORDS, async (index) => {
      if (index === 1) await firstWord;
      produced.push(index);
    }),
  );
  const [command, ...args] = CLI;
  const child = spawn(command!, [...args, "connect", relay.url, "-i", relay.key.privatePath, "--prompt", "count for me"], {
    env,
    stdio: ["ignore", "pipe", "pipe"],
  });
  child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.on("exit", resolve));
  await firstWord;
  expect(produced).toEqual([]);
  expect(await exited).toBe(0);
  expect(stdout).toBe(`${WORDS}\n`);
}, 120_000);
