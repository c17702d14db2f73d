/**
 * The interactive view of `claude-relay connect` through a real pseudo-terminal (tmux), against a
 * real relay with the real Claude CLI (fake API): typed text survives output streaming in, a
 * multi-line paste (and Alt-Enter, and a trailing backslash) is one prompt, a permission request is
 * answered with a key — or pre-empted by another device —, Ctrl-C interrupts and twice quits, a
 * late joiner sees the last turns once, and a relay restart loses and repeats nothing.
 */
import { afterAll, afterEach, beforeAll, describe, expect, test } from "bun:test";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { RelayClient } from "../../src/client/client.ts";
import { keyFileSigner } from "../../src/client/signer.ts";
import { CLI } from "../support/cli-process.ts";
import { type FakeAnthropic, slowText, startFakeAnthropic, text, toolUse } from "../support/fake-anthropic.ts";
import { IMAGES } from "../support/images.ts";
import { freePort } from "../support/net.ts";
import { COLOR_AND_SIZES } from "../support/questions.ts";
import { startTestRelay, type TestRelay } from "../support/relay.ts";
import { startTerminal, type Terminal } from "../support/tmux.ts";

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
async function terminal(url = relay.url, extra: string[] = [], size = { width: 100, height: 40 }): Promise<Terminal> {
  const term = await startTerminal([...CLI, "connect", url, "-i", relay.key.privatePath, ...extra], { env, ...size });
  open.push(term);
  await term.waitFor((screen) => screen.includes("Type a prompt; /help lists commands."), 30_000, "the greeting");
  await term.waitFor(() => term.lastLine() === "›", 10_000, "the input line");
  return term;
}

/** Another device: a library client that records the prompts and permission answers it sees. */
async function device(url = relay.url): Promise<RelayClient & { prompts: string[] }> {
  const client = new RelayClient({ signer: keyFileSigner(relay.key.privatePath) });
  const prompts: string[] = [];
  client.on("user.prompt", (event) => prompts.push(event.text));
  await client.connect(url);
  open.push(client);
  return Object.assign(client, { prompts });
}

const answerLines = (count: number) => Array.from({ length: count }, (_, i) => `streamed line ${i + 1}`).join("\n");

describe("the input line", () => {
  test("typing while output streams in: the typed text stays intact below the output, and is sent whole", async () => {
    const term = await terminal();
    const other = await device();
    term.type("half-typed words, not sent");
    await term.waitFor(() => term.lastLine() === "› half-typed words, not sent", 10_000, "the typed text");
    relay.api.enqueue(text(answerLines(12)));
    other.prompt("stream something");
    const screen = await term.waitFor((s) => s.includes("✓ done"), 30_000, "the answer");
    expect(screen).toContain("● streamed line 1\n  streamed line 2");
    expect(screen).toContain("  streamed line 12");
    expect(term.lastLine()).toBe("› half-typed words, not sent");
    // the output is above the input line, which is the last thing on the screen
    const lines = screen.split("\n");
    expect(lines.findIndex((line) => line.includes("streamed line 12"))).toBeLessThan(lines.indexOf("› half-typed words, not sent"));

    relay.api.enqueue(text("got it"));
    term.keys("Enter");
    await term.waitFor((s) => s.includes("● got it"), 30_000, "the second answer");
    expect(other.prompts).toEqual(["stream something", "half-typed words, not sent"]);
  });

  test("on a narrow terminal, a long input that wraps stays whole and right below the output", async () => {
    const term = await terminal(relay.url, [], { width: 40, height: 30 });
    const other = await device();
    const typed = "a long line of typed text that wraps over more than two rows of this narrow terminal";
    term.type(typed); // one chunk, as a paste or fast typing delivers it
    await term.waitFor((s) => s.replaceAll("\n", "").endsWith(`› ${typed}`), 10_000, "the typed text");
    relay.api.enqueue(text("short answer"));
    other.prompt("answer briefly");
    const screen = await term.waitFor((s) => s.includes("✓ done"), 30_000, "the answer");
    // No rows left empty between the output and the input, and the input is the last thing shown.
    expect(screen).not.toContain("\n\n");
    expect(screen.replaceAll("\n", "")).toEndWith(`› ${typed}`);
    term.keys("Left", "Left", "Left", "Left", "Left", "Left", "Left", "Left");
    term.type("X");
    relay.api.enqueue(text("thanks"));
    term.keys("Enter");
    await term.waitFor((s) => s.includes("● thanks"), 30_000, "the answer to the edited input");
    expect(other.prompts.at(-1)).toBe(`${typed.slice(0, -8)}X${typed.slice(-8)}`);
    expect(term.screen()).not.toContain("\n\n");
  });

  test("a multi-line paste is one prompt; so are Alt-Enter and a trailing backslash", async () => {
    const term = await terminal();
    const other = await device();
    relay.api.setFallback(() => text("noted"));
    term.paste("first pasted line\nsecond pasted line\nthird");
    await term.waitFor(() => term.lastLine() === "› first pasted line⏎second pasted line⏎third", 10_000, "the pasted text in the input line");
    term.keys("Enter");
    await term.waitFor((s) => s.includes("✓ done"), 30_000, "the answer to the paste");
    term.type("alt");
    term.keys("M-Enter");
    term.type("enter");
    term.keys("Enter");
    await waitUntil(() => other.prompts.length === 2, "the Alt-Enter prompt");
    term.type("continued \\");
    term.keys("Enter");
    await term.waitFor((s) => s.includes("… continued "), 10_000, "the continuation");
    term.type("on the next line");
    term.keys("Enter");
    await waitUntil(() => other.prompts.length === 3, "the continued prompt");
    expect(other.prompts).toEqual(["first pasted line\nsecond pasted line\nthird", "alt\nenter", "continued \non the next line"]);
    expect(term.history()).toContain("› first pasted line\n  second pasted line\n  third");
  });
});

describe("permission requests", () => {
  test("answered with a key: y allows, r denies with a reason that reaches Claude", async () => {
    const term = await terminal();
    const other = await device();
    const file = join(relay.options.cwd, "allowed-by-key.txt");
    relay.api.enqueue(toolUse("Write", { file_path: file, content: "from the terminal" }), text("written"));
    other.prompt("write the file");
    await term.waitFor(
      (s) => s.includes("? Claude wants to use Write allowed-by-key.txt — y allow · s allow for session · n deny · r reason"),
      30_000,
      "the question",
    );
    expect(term.screen()).toContain("⏺ Write allowed-by-key.txt (1 line)\n  + from the terminal");
    term.keys("y");
    await term.waitFor((s) => s.includes("✓ Write allowed by you") && s.includes("● written"), 30_000, "the allowed write");
    expect(readFileSync(file, "utf8")).toBe("from the terminal");
    expect(term.lastLine()).toBe("›");

    relay.api.enqueue(toolUse("Bash", { command: `touch ${join(relay.dir, "never")}` }), text("understood"));
    other.prompt("run something");
    await term.waitFor((s) => s.includes("? Claude wants to use Bash: touch"), 30_000, "the second question");
    term.keys("r");
    await term.waitFor((s) => s.includes("? why deny Bash: touch") && term.lastLine() === "reason ›", 10_000, "the reason prompt");
    term.type("not on a Friday");
    term.keys("Enter");
    await term.waitFor((s) => s.includes("✗ Bash denied by you") && s.includes("● understood"), 30_000, "the denial");
    // Claude's next request carries the denial (as the tool's result) with the reason.
    const lastRequest = JSON.stringify(relay.api.messageRequests().at(-1)!.messages);
    expect(lastRequest).toContain("not on a Friday");
  });

  test("another device answers first: the question goes away, saying who answered", async () => {
    const term = await terminal();
    const other = await device();
    relay.api.enqueue(toolUse("Write", { file_path: join(relay.options.cwd, "pre-empted.txt"), content: "x" }), text("ok, not writing"));
    other.prompt("write another file");
    const request = await other.waitFor("permission.request", () => true, 30_000);
    await term.waitFor((s) => s.includes("? Claude wants to use Write pre-empted.txt"), 30_000, "the question");
    term.type("y is typed, not an answer");
    other.deny(request.requestId, "the phone said no");
    await term.waitFor(
      // named by its key's comment (test-client, as ssh-keygen made it), not by a connection id
      (s) => s.includes("test-client › write another file") && s.includes("✗ Write denied by test-client") && s.includes("● ok, not writing"),
      30_000,
      "the other device's answer",
    );
    expect(term.screen()).not.toContain("Claude wants to use Write");
    expect(term.lastLine()).toBe("› y is typed, not an answer");
  });
});

describe("Ctrl-C", () => {
  test("interrupts Claude's turn; pressed twice, quits with exit 0", async () => {
    const term = await terminal();
    relay.api.enqueue(slowText("too slow", 20_000));
    term.type("take your time");
    term.keys("Enter");
    await term.waitFor((s) => s.includes("Claude is working"), 30_000, "the spinner");
    term.keys("C-c");
    // A client's interruption ends the turn as "Interrupted", a note, not an error (issue 17).
    await term.waitFor((s) => s.includes("Interrupted") && !s.includes("✗ turn"), 30_000, "the interrupted turn");
    expect(term.exitCode()).toBeUndefined();
    // Twice quits (the interrupting press counts as the first for a few seconds).
    term.keys("C-c");
    term.keys("C-c");
    expect(await term.exited()).toBe(0);
  });

  test("once while idle only says how to quit", async () => {
    const term = await terminal();
    term.keys("C-c");
    await term.waitFor((s) => s.includes("Ctrl-C again quits (or /quit)"), 10_000, "the quit hint");
    expect(term.exitCode()).toBeUndefined();
    term.type("/quit");
    term.keys("Enter");
    expect(await term.exited()).toBe(0);
  });

  test("with text typed, clears the input instead", async () => {
    const term = await terminal();
    term.type("never mind");
    await term.waitFor(() => term.lastLine() === "› never mind");
    term.keys("C-c");
    await term.waitFor(() => term.lastLine() === "›", 10_000, "a cleared input line");
    expect(term.exitCode()).toBeUndefined();
  });
});

describe("joining", () => {
  test("--history N shows the last turns once; by default only a turn in progress", async () => {
    const other = await device();
    relay.api.enqueue(text("answer one"), text("answer two"));
    for (const prompt of ["history one", "history two"]) {
      other.prompt(prompt);
      await other.waitFor("claude.event", (event) => (event.event as { type?: string }).type === "result", 30_000);
    }
    const withHistory = await terminal(relay.url, ["--history", "1"]);
    const screen = await withHistory.waitFor((s) => s.includes("── live ──"), 10_000, "the history");
    expect(screen).toContain("── the last turn ──");
    expect(screen).toContain("› history two");
    expect(screen).toContain("● answer two");
    expect(screen).not.toContain("answer one");
    expect(screen.split("● answer two").length).toBe(2);

    const plain = await terminal();
    // Live events come after the replay: once one is shown, any history would have been too.
    relay.api.enqueue(text("a live answer"));
    other.prompt("now, live");
    const live = await plain.waitFor((s) => s.includes("● a live answer"), 30_000, "the live answer");
    expect(live).not.toContain("answer two");
    expect(live).not.toContain("──");
  });
});

describe("sessions", () => {
  test("/new DIR starts a session there and follows it; /sessions lists both; /switch goes back, showing the last turn once", async () => {
    const dir = join(relay.dir, "home", "tty-new");
    mkdirSync(dir, { recursive: true });
    const other = await device();
    relay.api.enqueue(text("the default session's answer"));
    other.prompt("a question in the default session");
    await other.waitFor("claude.event", (event) => (event.event as { type?: string }).type === "result", 30_000);

    const term = await terminal();
    term.type(`/new ${dir}`);
    term.keys("Enter");
    const header = await term.waitFor((s) => /── session [0-9a-f]{8}/.test(s) && term.lastLine() === "›", 30_000, "the new session's header");
    const newId = /── session ([0-9a-f]{8})/.exec(header)![1]!;
    expect(header).toContain(`starting a session in ${dir}…\n── session ${newId} · ~/tty-new ──`);
    relay.api.enqueue(text("answered in the new one"));
    term.type("hello new session");
    term.keys("Enter");
    await term.waitFor((s) => s.includes("● answered in the new one") && s.includes("✓ done"), 30_000, "the answer in the new session");
    const created = relay.relay.sessions.list().find((session) => session.sessionId.startsWith(newId));
    expect(created).toMatchObject({ cwd: dir, title: "hello new session" });
    expect(other.prompts).toEqual(["a question in the default session"]);

    term.type("/sessions");
    term.keys("Enter");
    const list = await term.waitFor((s) => s.includes("sessions (* this one;"), 10_000, "the list");
    const defaultShort = relay.relay.sessionId.slice(0, 8);
    // The state is the list's as last sent (coalesced by the relay): ready, or working a moment after the turn.
    expect(list).toMatch(new RegExp(`\\* ${newId}  (ready for a prompt|working) · ~/tty-new · “hello new session” · 1 device \\(you\\)`));
    expect(list).toMatch(new RegExp(`  ${defaultShort}  ready for a prompt · ${relay.options.cwd} · “[^”]+” · \\d+ devices?( · model \\S+)? · default`));

    term.type(`/switch ${defaultShort}`);
    term.keys("Enter");
    const back = await term.waitFor((s) => s.includes(`── session ${defaultShort}`) && s.includes("── live ──"), 30_000, "the switch back");
    const afterSwitch = back.slice(back.indexOf(`── session ${defaultShort}`));
    expect(afterSwitch).toContain("── the last turn ──");
    expect(afterSwitch).toContain("● the default session's answer");
    expect(afterSwitch.split("the default session's answer").length).toBe(2);
    relay.api.enqueue(text("back in the default"));
    term.type("and now the default again");
    term.keys("Enter");
    await term.waitFor((s) => s.includes("● back in the default"), 30_000, "the answer in the default session");
    expect(other.prompts).toEqual(["a question in the default session", "and now the default again"]);
  });

  test("another session waiting for permission is a one-line note; /switch to it shows the question to answer", async () => {
    const dir = join(relay.dir, "home", "tty-waiting");
    mkdirSync(dir, { recursive: true });
    const other = await device();
    const id = await other.createSession(dir);
    await other.follow(id);
    const term = await terminal();
    const file = join(dir, "asked-elsewhere.txt");
    relay.api.enqueue(toolUse("Write", { file_path: file, content: "from the other session" }), text("written elsewhere"));
    other.prompt("write in the other session");
    await term.waitFor(
      (s) => s.includes(`? session ${id.slice(0, 8)} (write in the other session) waits for permission: /switch ${id.slice(0, 8)} to answer`),
      30_000,
      "the note",
    );
    expect(term.screen()).not.toContain("Claude wants to use Write");
    term.type(`/switch ${id.slice(0, 8)}`);
    term.keys("Enter");
    await term.waitFor((s) => s.includes("? Claude wants to use Write asked-elsewhere.txt — y allow"), 30_000, "the question in the session switched to");
    term.keys("y");
    await term.waitFor((s) => s.includes("✓ Write allowed by you") && s.includes("● written elsewhere"), 30_000, "the answer");
    expect(readFileSync(file, "utf8")).toBe("from the other session");
  });

  test("--session ID joins that session with its header; an unknown one exits 2 listing the sessions", async () => {
    const dir = join(relay.dir, "home", "tty-joined");
    mkdirSync(dir, { recursive: true });
    const other = await device();
    const id = await other.createSession(dir);
    await waitUntil(() => other.sessions.some((session) => session.sessionId === id), "the new session in the list");
    const term = await terminal(relay.url, ["--session", id.slice(0, 8)]);
    // The relay is on this machine, and HOME is the relay's: its directory is shown from ~.
    expect(term.screen()).toContain(`── session ${id.slice(0, 8)} · ~/tty-joined ──`);
    relay.api.enqueue(text("joined and answered"));
    term.type("which one?");
    term.keys("Enter");
    await term.waitFor((s) => s.includes("● joined and answered"), 30_000, "the answer");
    expect(relay.relay.sessions.list().find((session) => session.sessionId === id)?.title).toBe("which one?");

    const unknown = await startTerminal([...CLI, "connect", relay.url, "-i", relay.key.privatePath, "--session", "feedbeef"], { env, width: 100, height: 40 });
    open.push(unknown);
    expect(await unknown.exited()).toBe(2);
    expect(unknown.history()).toContain('claude-relay: the relay has no session "feedbeef"');
    expect(unknown.history()).toContain(`${id.slice(0, 8)}  ready for a prompt · ~/tty-joined`);
  });
});

describe("mode, model, allow for this session, questions, images", () => {
  test("/mode lists the modes; /mode plan switches (the relay confirms), and the list shows it", async () => {
    const term = await terminal();
    term.type("/mode plan");
    term.keys("Enter");
    await term.waitFor((s) => s.includes("✓ permission mode plan"), 30_000, "session.configured");
    await waitUntil(() => relay.relay.sessions.list()[0]!.permissionMode === "plan", "the relay's list in plan mode");
    term.type("/mode");
    term.keys("Enter");
    const list = await term.waitFor((s) => s.includes("permission modes (* the current one"), 10_000, "the modes");
    expect(list).toContain("* plan");
    expect(list).toContain("  acceptEdits");
    term.type("/mode sideways");
    term.keys("Enter");
    await term.waitFor(
      (s) => s.includes('✗ session.configure: permissionMode must be one of "default", "acceptEdits", "plan", "bypassPermissions"'),
      10_000,
      "the refusal",
    );
    term.type("/mode default");
    term.keys("Enter");
    await term.waitFor((s) => s.includes("✓ permission mode default"), 30_000, "back to default");
  });

  test("s allows for this session: Claude's suggestion (accept edits) is taken, and the next Write is not asked", async () => {
    const term = await terminal();
    const first = join(relay.options.cwd, "for-session-1.txt");
    const second = join(relay.options.cwd, "for-session-2.txt");
    relay.api.enqueue(toolUse("Write", { file_path: first, content: "one" }), text("first written"));
    term.type("write the first file");
    term.keys("Enter");
    await term.waitFor(
      (s) =>
        s.includes("? Claude wants to use Write for-session-1.txt — y allow · s allow for session · n deny") &&
        s.includes("  for this session: accept edits without asking"),
      30_000,
      "the question with s",
    );
    term.keys("s");
    await term.waitFor((s) => s.includes("● first written") && s.includes("✓ done"), 30_000, "the first write");
    relay.api.enqueue(toolUse("Write", { file_path: second, content: "two" }), text("second written"));
    term.type("write the second file");
    term.keys("Enter");
    const screen = await term.waitFor((s) => s.includes("● second written"), 30_000, "the second write");
    expect(screen).not.toContain("Claude wants to use Write for-session-2.txt");
    expect(readFileSync(second, "utf8")).toBe("two");
    expect(relay.relay.sessions.list()[0]!.permissionMode).toBe("acceptEdits");
    term.type("/mode default");
    term.keys("Enter");
    await term.waitFor((s) => s.includes("✓ permission mode default"), 30_000, "back to default");
  });

  test("Claude's questions: a number answers a single choice, numbers and Enter a multiple one; the answers reach Claude", async () => {
    const term = await terminal();
    const questions = COLOR_AND_SIZES;
    relay.api.enqueue(toolUse("AskUserQuestion", { questions }), text("thanks for answering"));
    const asked = relay.api.messageRequests().length;
    term.type("ask me two things");
    term.keys("Enter");
    await term.waitFor(
      (s) => s.includes("? Claude asks (1 of 2) · Color: Which color?") && s.includes("  2 Blue — cool") && s.includes("press 1–2"),
      30_000,
      "the first question",
    );
    term.keys("2");
    await term.waitFor((s) => s.includes("· Which color? → Blue") && s.includes("type numbers (e.g. 1,2) and Enter"), 10_000, "the second question");
    term.type("1,2");
    term.keys("Enter");
    await term.waitFor((s) => s.includes("● thanks for answering"), 30_000, "the answer");
    const toolResult = JSON.stringify(
      relay.api
        .messageRequests()
        [asked + 1]!.messages.filter((message) => message.role === "user")
        .at(-1),
    );
    expect(toolResult).toContain('\\"Which color?\\"=\\"Blue\\", \\"Which sizes?\\"=\\"S, L\\"');
  });

  test("/image PATH goes with the next prompt: the API gets an image block after the text; a file that is no image is refused", async () => {
    const term = await terminal();
    const png = join(relay.dir, "screenshot.png");
    writeFileSync(png, Buffer.from(IMAGES["image/png"], "base64"));
    writeFileSync(join(relay.dir, "fake.png"), "not an image");
    term.type(`/image ${join(relay.dir, "fake.png")}`);
    term.keys("Enter");
    await term.waitFor((s) => s.includes("is not a PNG, JPEG, GIF or WebP image"), 10_000, "the refusal");
    term.type(`/image ${png}`);
    term.keys("Enter");
    await term.waitFor((s) => s.includes("attached screenshot.png (png, 70 B): it goes with your next prompt (1 image)"), 10_000, "the attachment");
    relay.api.enqueue(text("a single pixel"));
    const asked = relay.api.messageRequests().length;
    term.type("what is in this picture?");
    term.keys("Enter");
    await term.waitFor((s) => s.includes("● a single pixel"), 30_000, "the answer");
    const content = relay.api
      .messageRequests()
      [asked]!.messages.filter((message) => message.role === "user")
      .at(-1)!.content as Array<Record<string, any>>;
    const at = content.findIndex((block) => block.type === "text" && block.text === "what is in this picture?");
    expect(content[at + 1]).toMatchObject({ type: "image", source: { type: "base64", media_type: "image/png", data: IMAGES["image/png"] } });
    // sent once: the next prompt goes without it
    term.type("/image");
    term.keys("Enter");
    await term.waitFor((s) => s.includes("no image attached"), 10_000, "nothing attached any more");
  });
});

describe("reconnecting", () => {
  let api: FakeAnthropic;
  beforeAll(async () => {
    api = await startFakeAnthropic();
  });
  afterAll(() => api.close());

  test("after a relay restart it reconnects, and nothing is lost or shown twice", async () => {
    const port = await freePort();
    let first: TestRelay | undefined = await startTestRelay({ api, flags: { port } });
    let second: TestRelay | undefined;
    try {
      const term = await startTerminal([...CLI, "connect", first.url, "-i", first.key.privatePath], {
        env: { ...env, HOME: join(first.dir, "home") },
        width: 100,
        height: 40,
      });
      open.push(term);
      await term.waitFor((s) => s.includes("Type a prompt"), 30_000, "the greeting");
      api.enqueue(text("before the restart"));
      term.type("first question");
      term.keys("Enter");
      await term.waitFor((s) => s.includes("● before the restart") && s.includes("✓ done"), 30_000, "the first answer");
      await first.stop({ keepDir: true });
      const dir = first.dir;
      first = undefined;
      await term.waitFor((s) => s.includes("connection lost"), 30_000, "the lost connection");
      second = await startTestRelay({ api, dir, flags: { port } });
      await term.waitFor((s) => s.includes("✓ reconnected to"), 60_000, "the reconnect");
      api.enqueue(text("after the restart"));
      const client = new RelayClient({ signer: keyFileSigner(second.key.privatePath) });
      open.push(client);
      await client.connect(second.url);
      client.prompt("second question");
      await term.waitFor((s) => s.includes("● after the restart"), 30_000, "the answer after the restart");
      const all = term.history();
      for (const once of ["› first question", "● before the restart", "› second question", "● after the restart"]) {
        expect(all.split(once).length - 1).toBe(1);
      }
    } finally {
      await first?.stop({ keepDir: true });
      await second?.stop();
    }
  });
});

async function waitUntil(condition: () => boolean, what: string, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await Bun.sleep(20);
  }
}
