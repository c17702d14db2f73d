/**
 * Many sessions in one relay, with the real Claude Code CLI (behind the fake Anthropic API) and
 * real WebSocket clients: two sessions in two directories run turns at once with their own
 * gap-free numbering, a v1 client sees only the default session, attach replays from lastSeq,
 * detach stops delivery, stop ends the process and leaves the list, Claude killed in one session
 * leaves the other streaming; the refusals (unknown session, too many, bad directories) create
 * nothing.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { existsSync, mkdirSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { type FakeAnthropic, heldText, lastUserText, text } from "../support/fake-anthropic.ts";
import { startTestRelay, type TestRelay } from "../support/relay.ts";
import { messagesNaming } from "../support/session-messages.ts";
import { waitFor } from "../support/wait.ts";
import type { Frame, TestClient } from "../support/ws-client.ts";

const isResultOf = (sessionId: string) => (frame: Frame) => frame.type === "claude.event" && frame.sessionId === sessionId && frame.event.type === "result";
const stateOf = (sessionId: string, state: string) => (frame: Frame) =>
  frame.type === "session.state" && frame.sessionId === sessionId && frame.state === state;
const eventsOf = (client: TestClient, sessionId: string) => client.frames.filter((frame) => typeof frame.seq === "number" && frame.sessionId === sessionId);

function expectGapFree(frames: Frame[]): void {
  const seqs = frames.map((frame) => frame.seq);
  expect(seqs).toEqual(Array.from({ length: seqs.length }, (_, i) => seqs[0] + i));
}

/** Answers every prompt with "answer to <its first words>", so each session's answers are its own. */
function answerByPrompt(api: FakeAnthropic): void {
  api.setFallback((body) => text(`answer to ${lastUserText(body).split("\n").at(-1)}`));
}

/** session.create, answered session.created; returns the new id. */
async function createSession(client: TestClient, cwd: string, id = `create-${cwd}`): Promise<string> {
  client.send({ type: "session.create", cwd, id });
  const reply = await client.next((frame) => (frame.type === "session.created" || frame.type === "error") && frame.id === id);
  if (reply.type !== "session.created") throw new Error(`session.create refused: ${JSON.stringify(reply)}`);
  return reply.sessionId;
}

async function attach(client: TestClient, sessionId: string, lastSeq?: number): Promise<Frame> {
  client.send({ type: "session.attach", sessionId, ...(lastSeq !== undefined && { lastSeq }) });
  return client.next((frame) => frame.type === "session.attached" && frame.sessionId === sessionId);
}

/**
 * The first frame (received so far or later) matching `match`. Unlike TestClient.next it does not
 * move the client's cursor, so several can wait at once for frames that may arrive in any order.
 */
async function frameWhere(client: TestClient, match: (frame: Frame) => boolean, timeoutMs = 30_000): Promise<Frame> {
  await waitFor(() => client.frames.some(match), timeoutMs, "a matching frame");
  return client.frames.find(match)!;
}

/** Waits until `client` has the whole turn of `prompt` in `sessionId`: its echo, Claude's result, then the session ready again. */
async function turnEnded(client: TestClient, sessionId: string, prompt: string): Promise<void> {
  const echo = await frameWhere(client, (frame) => frame.type === "user.prompt" && frame.sessionId === sessionId && frame.text === prompt);
  const result = await frameWhere(client, (frame) => isResultOf(sessionId)(frame) && frame.seq > echo.seq);
  await frameWhere(client, (frame) => stateOf(sessionId, "ready")(frame) && frame.seq > result.seq);
}

/** Every frame the relay sent `client` before it answered a ping has arrived: a barrier, not a pause. */
async function roundTrip(client: TestClient): Promise<void> {
  const id = `barrier-${client.frames.length}`;
  client.send({ type: "ping", id });
  await frameWhere(client, (frame) => frame.type === "pong" && frame.id === id);
}

async function health(relay: TestRelay): Promise<Record<string, any>> {
  return (await fetch(`${relay.httpUrl}/healthz`)).json();
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

describe("several sessions in one relay", () => {
  let relay: TestRelay;
  let home: string;
  beforeAll(async () => {
    relay = await startTestRelay({ flags: { maxSessions: 4 } });
    home = join(relay.dir, "home"); // the default --allow-dir
    for (const name of ["alpha", "beta", "gamma"]) mkdirSync(join(home, "projects", name), { recursive: true });
    answerByPrompt(relay.api);
  });
  afterAll(() => relay.stop());

  test("two sessions in two directories run turns at once, each with its own gap-free numbering; a v1 client sees only the default session", async () => {
    // the default session's Claude starts with the relay; on a loaded machine it may still be starting
    await waitFor(() => relay.relay.session.health().state === "ready", 30_000, "the default session ready");
    const v1 = await relay.connectAuthenticated();
    const phone = await relay.connectAuthenticated();
    const [alpha, beta] = [await createSession(phone, join(home, "projects", "alpha")), await createSession(phone, join(home, "projects", "beta"))];
    expect(new Set([alpha, beta, relay.relay.sessionId]).size).toBe(3);
    await attach(phone, alpha);
    await attach(phone, beta);
    await Promise.all([frameWhere(phone, stateOf(alpha, "ready")), frameWhere(phone, stateOf(beta, "ready"))]);

    // both turns are held at the API until both sessions have asked: they run at the same time
    let release!: () => void;
    const released = new Promise<void>((resolve) => (release = resolve));
    relay.api.setFallback((body) => heldText(`answer to ${lastUserText(body).split("\n").at(-1)}`, released));
    const asked = relay.api.messageRequests().length;
    phone.send({ type: "prompt", text: "question for alpha", sessionId: alpha });
    phone.send({ type: "prompt", text: "question for beta", sessionId: beta });
    await waitFor(() => relay.api.messageRequests().length >= asked + 2, 30_000, "both sessions asked the API");
    const health1 = await health(relay);
    expect(health1.sessions.map((session: any) => [session.sessionId, session.state])).toEqual([
      [relay.relay.sessionId, "ready"],
      [alpha, "busy"],
      [beta, "busy"],
    ]);
    release();
    answerByPrompt(relay.api);
    await Promise.all([turnEnded(phone, alpha, "question for alpha"), turnEnded(phone, beta, "question for beta")]);

    for (const [sessionId, prompt] of [
      [alpha, "question for alpha"],
      [beta, "question for beta"],
    ] as const) {
      const events = eventsOf(phone, sessionId);
      expect(events[0]!.seq).toBe(1);
      expectGapFree(events);
      const echo = events.filter((frame) => frame.type === "user.prompt");
      expect(echo.map((frame) => frame.text)).toEqual([prompt]);
      const assistant = events.filter((frame) => frame.type === "claude.event" && frame.event.type === "assistant");
      expect(JSON.stringify(assistant)).toContain(`answer to ${prompt}`);
      expect(events.some((frame) => frame.type === "claude.event" && frame.event.session_id !== undefined && frame.event.session_id !== sessionId)).toBe(false);
    }
    // each Claude runs in its own directory
    const cwds = Object.fromEntries((await health(relay)).sessions.map((session: any) => [session.sessionId, session.cwd]));
    expect(cwds[alpha]).toBe(join(home, "projects", "alpha"));
    expect(cwds[beta]).toBe(join(home, "projects", "beta"));
    const init = (sessionId: string) =>
      eventsOf(phone, sessionId).find((frame) => frame.type === "claude.event" && frame.event.type === "system" && frame.event.subtype === "init");
    expect(init(alpha)?.event.cwd).toBe(join(home, "projects", "alpha"));
    expect(init(beta)?.event.cwd).toBe(join(home, "projects", "beta"));

    // the v1 client: only default-session events, and a list that shows the new sessions
    expect(v1.frames.filter((frame) => typeof frame.seq === "number").every((frame) => frame.sessionId === relay.relay.sessionId)).toBe(true);
    expect(v1.all("session.attached")).toEqual([]);
    const listed = await frameWhere(v1, (frame) => frame.type === "sessions" && frame.sessions.length === 3, 5000);
    expect(listed.sessions.map((info: any) => info.sessionId)).toEqual([relay.relay.sessionId, alpha, beta]);
    expect(v1.all("error")).toEqual([]);
    // the list: titles from the first prompts, everyone ready again (its updates are throttled: awaited)
    const afterTurns = (frame: Frame) =>
      frame.type === "sessions" &&
      frame.sessions.length === 3 &&
      frame.sessions.slice(1).every((info: any) => info.title !== undefined && info.state === "ready");
    const list = (await frameWhere(phone, afterTurns, 5000)).sessions;
    expect(list.slice(1).map((info: any) => [info.title, info.state, info.permissionMode])).toEqual([
      ["question for alpha", "ready", "default"],
      ["question for beta", "ready", "default"],
    ]);
    for (const sessionId of [alpha, beta]) phone.send({ type: "session.stop", sessionId });
    await Promise.all([alpha, beta].map((sessionId) => frameWhere(phone, (frame) => frame.type === "session.stopped" && frame.sessionId === sessionId)));
    await Promise.all([v1.close(), phone.close()]);
  });

  test("attach replays from lastSeq, then live; detach stops delivery", async () => {
    const driver = await relay.connectAuthenticated();
    const sessionId = await createSession(driver, join(home, "projects", "gamma"));
    await attach(driver, sessionId);
    driver.send({ type: "prompt", text: "first turn", sessionId });
    await turnEnded(driver, sessionId, "first turn");
    const seen = eventsOf(driver, sessionId);
    const middle = seen[Math.floor(seen.length / 2)]!.seq as number;

    const late = await relay.connectAuthenticated();
    const attached = await attach(late, sessionId, middle);
    expect(attached).toMatchObject({ sessionId, lastSeq: seen.at(-1)!.seq, state: { state: "ready", pendingPermissions: [], permissionMode: "default" } });
    driver.send({ type: "prompt", text: "second turn", sessionId });
    await late.next(isResultOf(sessionId), 30_000); // the replayed result of the first turn
    await late.next(isResultOf(sessionId), 30_000); // the live result of the second
    const received = eventsOf(late, sessionId);
    const replayed = seen.filter((frame) => frame.seq > middle);
    expect(received.slice(0, replayed.length)).toEqual(replayed);
    expect(received[0]!.seq).toBe(middle + 1);
    expectGapFree(received);
    expect(late.all("replay.gap")).toEqual([]);

    late.send({ type: "session.detach", sessionId, id: "bye" });
    expect(await late.next("session.detached")).toEqual({ type: "session.detached", sessionId, id: "bye" });
    const count = eventsOf(late, sessionId).length;
    driver.send({ type: "prompt", text: "third turn", sessionId });
    await turnEnded(driver, sessionId, "third turn");
    await roundTrip(late);
    expect(eventsOf(late, sessionId)).toHaveLength(count);

    driver.send({ type: "session.stop", sessionId });
    await driver.next("session.stopped", 15_000);
    await Promise.all([driver.close(), late.close()]);
  });

  test("stop ends the session's Claude (no process left) and removes it from the list; attached clients get its final state", async () => {
    const phone = await relay.connectAuthenticated();
    const watcher = await relay.connectAuthenticated();
    const sessionId = await createSession(phone, join(home, "projects", "alpha"));
    await attach(watcher, sessionId);
    const ready = await watcher.next(stateOf(sessionId, "ready"), 30_000);
    const pid = ready.claudePid as number;
    expect(isAlive(pid)).toBe(true);
    phone.send({ type: "session.stop", sessionId, id: "stop-1" });
    expect(await phone.next("session.stopped", 15_000)).toEqual({ type: "session.stopped", sessionId, id: "stop-1" });
    expect(isAlive(pid)).toBe(false);
    const last = eventsOf(watcher, sessionId).at(-1)!;
    expect(last).toMatchObject({ type: "session.state", state: "stopping", claudePid: 0 });
    await watcher.next((frame) => frame.type === "sessions" && !frame.sessions.some((info: any) => info.sessionId === sessionId));
    expect((await health(relay)).sessions.map((session: any) => session.sessionId)).toEqual([relay.relay.sessionId]);
    watcher.send({ type: "prompt", text: "hello?", sessionId, id: "p" });
    expect(await watcher.next("error")).toMatchObject({ code: "unknown_session", id: "p" });
    await Promise.all([phone.close(), watcher.close()]);
  });

  test("the default session cannot be stopped", async () => {
    const client = await relay.connectAuthenticated();
    client.send({ type: "session.stop", sessionId: relay.relay.sessionId, id: "nope" });
    expect(await client.next("error")).toMatchObject({ code: "invalid_message", id: "nope", message: expect.stringContaining("default session") });
    expect(relay.relay.claude.state).toBe("ready");
    await client.close();
  });

  test("Claude killed (SIGKILL) in one session: it restarts, the other keeps streaming, gap-free", async () => {
    const phone = await relay.connectAuthenticated();
    const [victim, survivor] = [await createSession(phone, join(home, "projects", "alpha")), await createSession(phone, join(home, "projects", "beta"))];
    await attach(phone, victim);
    await attach(phone, survivor);
    const [victimReady] = await Promise.all([frameWhere(phone, stateOf(victim, "ready")), frameWhere(phone, stateOf(survivor, "ready"))]);
    const survivorPid = (await health(relay)).sessions.find((session: any) => session.sessionId === survivor).claudePid;

    process.kill(victimReady.claudePid, "SIGKILL");
    phone.send({ type: "prompt", text: "keep going", sessionId: survivor });
    const restarting = await frameWhere(phone, stateOf(victim, "restarting"), 15_000);
    // The survivor's turn and the victim's restart run at once and may end in either order.
    await Promise.all([turnEnded(phone, survivor, "keep going"), frameWhere(phone, (frame) => stateOf(victim, "ready")(frame) && frame.seq > restarting.seq)]);
    const survivorEvents = eventsOf(phone, survivor);
    expectGapFree(survivorEvents);
    expect(survivorEvents.some((frame) => frame.type === "session.state" && frame.state === "restarting")).toBe(false);
    expect((await health(relay)).sessions.find((session: any) => session.sessionId === survivor)).toMatchObject({ claudePid: survivorPid, restarts: 0 });
    expect(relay.relay.claude.restarts).toBe(0);
    expect(phone.all("error")).toEqual([]);
    for (const sessionId of [victim, survivor]) phone.send({ type: "session.stop", sessionId });
    await Promise.all([victim, survivor].map((sessionId) => frameWhere(phone, (frame) => frame.type === "session.stopped" && frame.sessionId === sessionId)));
    await phone.close();
  });

  test("an unknown sessionId anywhere is unknown_session, with the id echoed", async () => {
    const client = await relay.connectAuthenticated();
    const messages = messagesNaming("00000000-0000-4000-8000-000000000000");
    for (const message of messages) client.send(message);
    for (const message of messages) expect(await client.next("error")).toMatchObject({ code: "unknown_session", id: message.id });
    await client.close();
  });
});

describe("what session.create refuses creates nothing", () => {
  let relay: TestRelay;
  let home: string;
  beforeAll(async () => {
    relay = await startTestRelay({ flags: { maxSessions: 2 } });
    home = join(relay.dir, "home");
    mkdirSync(join(home, "ok"), { recursive: true });
    mkdirSync(join(relay.dir, "outside"), { recursive: true });
    writeFileSync(join(home, "a-file"), "not a directory");
    symlinkSync(join(relay.dir, "outside"), join(home, "link-out"));
  });
  afterAll(() => relay.stop());

  const stateFiles = () => readdirSync(relay.options.stateDir).sort();

  test("bad directories: invalid_session_dir saying which rule; no session, no Claude, no file", async () => {
    const client = await relay.connectAuthenticated();
    await waitFor(() => existsSync(join(relay.options.stateDir, "open-sessions.json")), 5000, "the list saved");
    const filesBefore = stateFiles();
    const listBefore = readFileSync(join(relay.options.stateDir, "open-sessions.json"), "utf8");
    const cases: Array<[string, string, string]> = [
      ["missing", join(home, "missing"), "no such directory"],
      ["file", join(home, "a-file"), "is a file"],
      ["outside", join(relay.dir, "outside"), "outside every allowed directory"],
      ["dotdot", `${home}/ok/../../outside`, "outside every allowed directory"],
      ["symlink", join(home, "link-out"), "outside every allowed directory"],
      ["relative", "ok", "absolute path"],
    ];
    for (const [id, cwd, words] of cases) {
      client.send({ type: "session.create", cwd, id });
      const reply = await client.next((frame) => frame.id === id);
      expect(reply).toMatchObject({ type: "error", code: "invalid_session_dir", id });
      expect(reply.message).toContain(words);
    }
    await Bun.sleep(250);
    expect(client.all("session.created")).toEqual([]);
    expect(client.all("sessions")).toEqual([]);
    expect(stateFiles()).toEqual(filesBefore);
    expect(readFileSync(join(relay.options.stateDir, "open-sessions.json"), "utf8")).toBe(listBefore);
    expect((await health(relay)).sessions).toHaveLength(1);
    expect(relay.logs.filter((line) => line.msg === "Claude started")).toHaveLength(1); // the default session's
    await client.close();
  });

  test("--max-sessions: one more is too_many_sessions; nothing created", async () => {
    const client = await relay.connectAuthenticated();
    const sessionId = await createSession(client, join(home, "ok"));
    client.send({ type: "session.create", cwd: join(home, "ok"), id: "third" });
    const reply = await client.next((frame) => frame.id === "third");
    expect(reply).toMatchObject({ type: "error", code: "too_many_sessions", message: expect.stringContaining("--max-sessions 2") });
    expect((await health(relay)).sessions).toHaveLength(2);
    client.send({ type: "session.stop", sessionId });
    await client.next("session.stopped", 15_000);
    await client.close();
  });
});
