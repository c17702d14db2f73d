/**
 * A session's life beyond one process, with the real Claude Code CLI behind the fake API and real
 * WebSocket clients: the idle timeout stops Claude and the next prompt resumes the conversation
 * (the default session, seen by a v1 client); history.list finds finished conversations and
 * session.create with resume continues one; --notify-command runs a real script for permission
 * requests and finished turns, and a hanging or failing command never holds the session up.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { randomUUID } from "node:crypto";
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { alive } from "../support/claude-harness.ts";
import { lastUserText, text, toolUse } from "../support/fake-anthropic.ts";
import { startTestRelay, type TestRelay } from "../support/relay.ts";
import { request } from "../support/session-messages.ts";
import { makeTempDir, removeTempDir } from "../support/ssh.ts";
import { waitFor } from "../support/wait.ts";
import type { Frame, TestClient } from "../support/ws-client.ts";

const isResultOf = (sessionId: string) => (frame: Frame) => frame.type === "claude.event" && frame.sessionId === sessionId && frame.event.type === "result";
const stateOf = (sessionId: string, state: string) => (frame: Frame) =>
  frame.type === "session.state" && frame.sessionId === sessionId && frame.state === state;

function expectGapFree(frames: Frame[]): void {
  const seqs = frames.map((frame) => frame.seq);
  expect(seqs).toEqual(Array.from({ length: seqs.length }, (_, i) => seqs[0] + i));
}

/** One turn in `sessionId` (the client attached to it): the prompt, then its result. */
async function turn(client: TestClient, sessionId: string, prompt: string, extra: Record<string, unknown> = {}): Promise<Frame> {
  client.send({ type: "prompt", text: prompt, ...extra });
  return client.next(isResultOf(sessionId), 60_000);
}

describe("the idle timeout", () => {
  let relay: TestRelay;
  beforeAll(async () => {
    relay = await startTestRelay({ flags: { idleTimeout: "3s" } });
  });
  afterAll(() => relay.stop());

  test("the default session's Claude is stopped after the timeout (a v1 client sees idle); attaching does not wake it; the next prompt resumes the conversation", async () => {
    const sessionId = relay.relay.sessionId;
    await waitFor(() => relay.relay.session.health().state === "ready", 60_000, "the default session ready");
    const v1 = await relay.connectAuthenticated();
    const pid = relay.relay.claude.pid!;
    relay.api.enqueue(text("noted: the colour is green"));
    await turn(v1, sessionId, "Remember the colour green");
    await waitFor(() => relay.transcript().includes("noted: the colour is green"), 10_000, "the turn in Claude's transcript");

    const idle = await v1.next(stateOf(sessionId, "idle"), 30_000);
    await v1.next((frame) => stateOf(sessionId, "idle")(frame) && frame.claudePid === 0, 15_000);
    expect(idle.seq).toBeGreaterThan(0);
    expect(alive(pid)).toBe(false);
    const health = await (await fetch(`${relay.httpUrl}/healthz`)).json();
    expect(health).toMatchObject({ status: "ok", state: "idle", claudePid: 0, sessionId });
    expect(await (await fetch(`${relay.httpUrl}/metrics`)).text()).toContain("\nclaude_relay_claude_processes 0\n");
    expect(relay.logs.some((line) => line.msg.startsWith("stopping Claude: no turn for the idle timeout") && line.sessionId === sessionId)).toBe(true);

    // a client arriving, and attaching, leaves it idle
    const phone = await relay.connectAuthenticated();
    expect(phone.authOk.state).toMatchObject({ state: "idle", claudePid: 0 });
    expect(await request(phone, { type: "session.attach", sessionId })).toMatchObject({ type: "session.attached", state: { state: "idle" } });
    expect(await request(phone, { type: "ping" })).toMatchObject({ type: "pong" });
    expect(relay.relay.claude.state).toBe("stopped");
    expect(relay.logs.filter((line) => line.msg === "Claude started")).toHaveLength(1);

    relay.api.setFallback((body) => text(`you said: ${lastUserText(body)}`));
    const asked = relay.api.messageRequests().length;
    await turn(v1, sessionId, "Which colour?");
    const conversation = JSON.stringify(relay.api.messageRequests().slice(asked).at(-1)!.messages);
    expect(conversation).toContain("Remember the colour green");
    expect(conversation).toContain("noted: the colour is green");
    expect(conversation).toContain("Which colour?");
    expect(relay.logs.some((line) => line.msg === "Claude started" && line.resume === true && line.sessionId === sessionId)).toBe(true);
    const events = v1.frames.filter((frame) => typeof frame.seq === "number");
    expectGapFree(events);
    const states = events.filter((frame) => frame.type === "session.state").map((frame) => frame.state);
    expect(states.slice(states.indexOf("idle"))).toEqual(expect.arrayContaining(["idle", "starting", "ready", "busy"]));
    expect(v1.all("error")).toEqual([]);
    await Promise.all([v1.close(), phone.close()]);
  }, 180_000);
});

describe("Claude's earlier conversations", () => {
  let relay: TestRelay;
  let project: string;
  beforeAll(async () => {
    relay = await startTestRelay();
    project = join(relay.dir, "home", "projects", "parser");
    mkdirSync(project, { recursive: true });
    relay.api.setFallback((body) => text(`answer to: ${lastUserText(body)}`));
  });
  afterAll(() => relay.stop());

  /** A conversation in `project`: a session, its turns, then stopped. Returns its id and the last seq seen. */
  async function finishedConversation(client: TestClient, prompts: string[]): Promise<{ sessionId: string; lastSeq: number }> {
    const { sessionId } = await request(client, { type: "session.create", cwd: project });
    await request(client, { type: "session.attach", sessionId });
    for (const prompt of prompts) await turn(client, sessionId, prompt, { sessionId });
    // Claude writes its transcript a moment after the result; stopping closes its stdin and it finishes writing
    expect(await request(client, { type: "session.stop", sessionId })).toMatchObject({ type: "session.stopped" });
    const lastSeq = client.frames.filter((frame) => frame.sessionId === sessionId && typeof frame.seq === "number").at(-1)!.seq;
    return { sessionId, lastSeq };
  }

  test("history.list lists finished conversations newest first with their first prompts; session.create with resume continues one", async () => {
    const phone = await relay.connectAuthenticated();
    const older = await finishedConversation(phone, ["/compact", "First question about the parser\nwith details", "A follow-up"]);
    const newer = await finishedConversation(phone, ["Newer conversation"]);

    const history = await request(phone, { type: "history.list", cwd: project });
    expect(history.type).toBe("history");
    expect(history.conversations.map((entry: any) => [entry.sessionId, entry.title, entry.cwd])).toEqual([
      [newer.sessionId, "Newer conversation", project],
      [older.sessionId, "First question about the parser", project],
    ]);
    for (const entry of history.conversations) expect(Date.parse(entry.updatedAt)).toBeGreaterThan(Date.now() - 600_000);

    const resumed = await request(phone, { type: "session.create", cwd: project, resume: older.sessionId });
    expect(resumed).toMatchObject({ type: "session.created", sessionId: older.sessionId });
    await phone.next(
      (frame) =>
        frame.type === "sessions" && frame.sessions.some((info: any) => info.sessionId === older.sessionId && info.title === "First question about the parser"),
    );
    const attached = await request(phone, { type: "session.attach", sessionId: older.sessionId, lastSeq: older.lastSeq });
    expect(attached.lastSeq).toBeGreaterThanOrEqual(older.lastSeq); // the numbering goes on from the event log
    const asked = relay.api.messageRequests().length;
    await turn(phone, older.sessionId, "What did I ask first?", { sessionId: older.sessionId });
    const conversation = JSON.stringify(relay.api.messageRequests().slice(asked).at(-1)!.messages);
    // (Claude folds the failed /compact into the first user message: the first answer quotes all of it)
    for (const earlier of ["First question about the parser", "A follow-up", "answer to: A follow-up", "What did I ask first?"])
      expect(conversation).toContain(earlier);
    expect(conversation).not.toContain("Newer conversation");
    expect(relay.logs.some((line) => line.msg === "Claude started" && line.resume === true && line.sessionId === older.sessionId)).toBe(true);
    const events = phone.frames.filter((frame) => frame.sessionId === older.sessionId && typeof frame.seq === "number" && frame.seq > older.lastSeq);
    expect(events[0]!.seq).toBe(older.lastSeq + 1);
    expectGapFree(events);

    // asking again for the open conversation answers with its session; nothing else starts
    const started = relay.logs.filter((line) => line.msg === "Claude started").length;
    expect(await request(phone, { type: "session.create", cwd: project, resume: older.sessionId })).toMatchObject({
      type: "session.created",
      sessionId: older.sessionId,
    });
    expect(relay.logs.filter((line) => line.msg === "Claude started")).toHaveLength(started);
    expect(phone.all("error")).toEqual([]);
    await request(phone, { type: "session.stop", sessionId: older.sessionId });
    await phone.close();
  }, 240_000);

  test("without cwd: the default session's directory; refusals: a directory outside --allow-dir, a conversation not in that directory", async () => {
    const v1 = await relay.connectAuthenticated();
    await waitFor(() => relay.relay.session.health().state === "ready", 60_000, "the default session ready");
    await turn(v1, relay.relay.sessionId, "A question in the default session");
    await waitFor(() => relay.transcript().includes("A question in the default session"), 10_000, "the transcript");
    const history = await request(v1, { type: "history.list" });
    expect(history.conversations).toEqual([
      { sessionId: relay.relay.sessionId, cwd: relay.options.cwd, title: "A question in the default session", updatedAt: expect.any(String) },
    ]);
    expect(await request(v1, { type: "history.list", cwd: relay.dir })).toMatchObject({
      type: "error",
      code: "invalid_session_dir",
      message: expect.stringContaining("outside every allowed directory"),
    });
    const elsewhere = join(relay.dir, "home", "projects", "elsewhere");
    mkdirSync(elsewhere, { recursive: true });
    expect(await request(v1, { type: "session.create", cwd: elsewhere, resume: randomUUID() })).toMatchObject({
      type: "error",
      code: "unknown_session",
      message: expect.stringContaining("history.list"),
    });
    expect(await request(v1, { type: "session.create", cwd: elsewhere, resume: relay.relay.sessionId })).toMatchObject({
      type: "error",
      code: "unknown_session",
      message: expect.stringContaining("open in another directory"),
    });
    await v1.close();
  }, 120_000);
});

describe("--notify-command", () => {
  const dir = makeTempDir("relay-notify-e2e-");
  const out = join(dir, "notifications.jsonl");
  const mode = join(dir, "mode");
  let relay: TestRelay;
  beforeAll(async () => {
    // what the script does is chosen per test: record its stdin, record and then hang, or fail
    const script = join(dir, "notify.sh");
    writeFileSync(
      script,
      `#!/bin/sh\ncase "$(cat "${mode}")" in\n  record) cat >> "${out}" ;;\n  hang) cat >> "${out}"; exec sleep 600 ;;\n  fail) echo "notifier broke" >&2; exit 7 ;;\nesac\n`,
    );
    chmodSync(script, 0o755);
    writeFileSync(mode, "record");
    relay = await startTestRelay({ dir, flags: { notifyCommand: `${script} --from-relay` } });
    await waitFor(() => relay.relay.session.health().state === "ready", 60_000, "the default session ready");
  });
  afterAll(async () => {
    await relay.stop();
    removeTempDir(dir);
  });
  const notifications = () =>
    existsSync(out)
      ? readFileSync(out, "utf8")
          .split("\n")
          .filter(Boolean)
          .map((line) => JSON.parse(line))
      : [];

  test("a permission request and the end of the turn each run the command with a JSON line on stdin", async () => {
    const client = await relay.connectAuthenticated();
    const sessionId = relay.relay.sessionId;
    const file = join(relay.options.cwd, "notes.txt");
    relay.api.enqueue(toolUse("Write", { file_path: file, content: "hello" }), text("wrote the notes"));
    client.send({ type: "prompt", text: "Write the notes\nplease" });
    const permission = await client.next("permission.request", 60_000);
    await waitFor(() => notifications().length === 1, 15_000, "the permission notification");
    client.send({ type: "permission.response", requestId: permission.requestId, behavior: "allow" });
    await client.next(isResultOf(sessionId), 60_000);
    await waitFor(() => notifications().length === 2, 15_000, "the turn notification");
    const facts = { sessionId, cwd: relay.options.cwd, title: "Write the notes", time: expect.any(String) };
    expect(notifications()).toEqual([
      { event: "permission", ...facts, tool: "Write", detail: file, requestId: permission.requestId },
      { event: "turn_finished", ...facts, isError: false, result: "wrote the notes" },
    ]);
    await client.close();
  }, 120_000);

  test("a hanging command does not hold the session: turns go on meanwhile; a failing one is logged with its stderr", async () => {
    const client = await relay.connectAuthenticated();
    const sessionId = relay.relay.sessionId;
    writeFileSync(mode, "hang");
    const before = notifications().length;
    await turn(client, sessionId, "first while it hangs");
    await waitFor(() => notifications().length === before + 1, 15_000, "the hanging command started");
    await turn(client, sessionId, "second while it hangs");
    await turn(client, sessionId, "third while it hangs");
    expect(notifications()).toHaveLength(before + 1); // one per kind at a time: the others wait (the newest only)
    const events = client.frames.filter((frame) => typeof frame.seq === "number");
    expectGapFree(events);
    expect(events.filter((frame) => frame.type === "claude.event" && frame.event.type === "result")).toHaveLength(3);

    writeFileSync(mode, "fail");
    await waitFor(
      () => relay.logs.some((line) => line.msg === "notify command failed: exit code 7"),
      30_000,
      "the hanging command killed after 10 s and the waiting one run (and failing)",
    );
    expect(relay.logs.find((line) => line.msg.startsWith("notify command still running after 10000 ms"))).toMatchObject({
      level: "warn",
      event: "turn_finished",
      sessionId,
    });
    expect(relay.logs.find((line) => line.msg === "notify command failed: exit code 7")).toMatchObject({
      level: "warn",
      event: "turn_finished",
      sessionId,
      stderr: "notifier broke",
      command: join(dir, "notify.sh"),
    });
    expect(client.all("error")).toEqual([]);
    await client.close();
  }, 120_000);
});
