/**
 * The shared session, proven with several real WebSocket clients on one relay driving the real
 * Claude Code CLI (behind the fake Anthropic API): broadcast, prompt echo, permissions answered
 * from any device, identical seqs, joining and leaving, reconnect with replay.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { text, toolUse } from "../support/fake-anthropic.ts";
import { startTestRelay, type TestRelay } from "../support/relay.ts";
import type { Frame, TestClient } from "../support/ws-client.ts";

let relay: TestRelay;
let work: string;
beforeAll(async () => {
  relay = await startTestRelay();
  work = relay.options.cwd;
});
afterAll(() => relay.stop());

const isResult = (frame: Frame) => frame.type === "claude.event" && frame.event.type === "result";
const isReady = (frame: Frame) => frame.type === "session.state" && frame.state === "ready";
const sessionEvents = (client: TestClient, fromSeq = 0) => client.frames.filter((frame) => typeof frame.seq === "number" && frame.seq > fromSeq);
const lastSeq = (client: TestClient) => Math.max(0, ...client.frames.filter((frame) => typeof frame.seq === "number").map((frame) => frame.seq as number));

/** Waits until `client` has the whole turn of `prompt`: its echo, Claude's result, then the session ready again. */
async function turnEnded(client: TestClient, prompt: string): Promise<void> {
  await client.next((frame) => frame.type === "user.prompt" && frame.text === prompt, 20_000);
  await client.next(isResult, 20_000);
  await client.next(isReady, 20_000);
}

/** Every frame the relay sent `client` before it answered a ping has arrived: a barrier, not a pause. */
async function roundTrip(client: TestClient): Promise<void> {
  const id = `barrier-${client.frames.length}`;
  client.send({ type: "ping", id });
  await client.next((frame) => frame.type === "pong" && frame.id === id);
}

function expectGapFree(frames: Frame[]): void {
  const seqs = frames.map((frame) => frame.seq);
  for (let i = 1; i < seqs.length; i++) expect(seqs[i]).toBe(seqs[i - 1] + 1);
}

describe("broadcast", () => {
  test("everyone gets the prompt echo and Claude's output, with identical, ordered, gap-free seqs", async () => {
    const [a, b, c] = await Promise.all([relay.connectAuthenticated(), relay.connectAuthenticated(), relay.connectAuthenticated()]);
    const start = Math.max(lastSeq(a), lastSeq(b), lastSeq(c));
    relay.api.enqueue(text("Hello from Claude"));
    a.send({ type: "prompt", text: "say hello", id: "p1" });
    await Promise.all([a, b, c].map((client) => turnEnded(client, "say hello")));

    const echo = b.all("user.prompt").at(-1);
    expect(echo).toMatchObject({ text: "say hello", by: a.authOk.clientId, id: "p1", sessionId: relay.relay.sessionId });
    const assistant = c.frames.filter((f) => f.type === "claude.event" && f.event.type === "assistant").at(-1)!.event;
    expect(JSON.stringify(assistant.message.content)).toContain("Hello from Claude");

    const [ea, eb, ec] = [sessionEvents(a, start), sessionEvents(b, start), sessionEvents(c, start)];
    expect(ea.length).toBeGreaterThan(3);
    expect(eb).toEqual(ea);
    expect(ec).toEqual(ea);
    expectGapFree(ea);
    expect(ea.every((frame) => frame.sessionId === relay.relay.sessionId)).toBe(true);
    // Claude's control lines never leak out as claude.event
    expect(ea.some((frame) => frame.type === "claude.event" && String(frame.event.type).startsWith("control_"))).toBe(false);
    // the turn went busy → ready
    const states = ea.filter((frame) => frame.type === "session.state").map((frame) => frame.state);
    expect(states).toContain("busy");
    expect(states.at(-1)).toBe("ready");
    // cause before effect: the prompt is numbered before the busy state it caused
    const promptSeq = ea.find((frame) => frame.type === "user.prompt")!.seq;
    const busySeq = ea.find((frame) => frame.type === "session.state" && frame.state === "busy")!.seq;
    expect(promptSeq).toBeLessThan(busySeq);
    await Promise.all([a, b, c].map((client) => client.close()));
  });

  test("a client leaving does not disturb the others", async () => {
    const [a, b] = await Promise.all([relay.connectAuthenticated(), relay.connectAuthenticated()]);
    const leaving = await relay.connectAuthenticated();
    leaving.socket.close();
    relay.api.enqueue(text("still here"));
    a.send({ type: "prompt", text: "are you there?" });
    await Promise.all([a.next(isResult, 20_000), b.next(isResult, 20_000)]);
    expect(a.all("error")).toHaveLength(0);
    expect(b.all("error")).toHaveLength(0);
    const presence = await b.next((frame) => frame.type === "session.state" && frame.clients === 2, 3000);
    expect(presence.clients).toBe(2);
    await Promise.all([a.close(), b.close()]);
  });
});

describe("permissions from any device", () => {
  test("a Write request reaches everyone; one allows; all see resolved; the late answer is unknown_permission; the file exists", async () => {
    const [a, b] = await Promise.all([relay.connectAuthenticated(), relay.connectAuthenticated()]);
    const file = join(work, "allowed.txt");
    relay.api.enqueue(toolUse("Write", { file_path: file, content: "written by Claude" }), text("wrote it"));
    a.send({ type: "prompt", text: "write a file" });
    const [requestA, requestB] = await Promise.all([a.next("permission.request", 20_000), b.next("permission.request", 20_000)]);
    expect(requestB).toEqual(requestA);
    expect(requestA).toMatchObject({ toolName: "Write", input: { file_path: file, content: "written by Claude" }, toolUseId: expect.any(String) });
    await a.next((frame) => frame.type === "session.state" && frame.state === "waiting_permission");

    // a device that joins while the request is pending sees it in auth.ok
    const late = await relay.connectAuthenticated();
    expect(late.authOk.state.pendingPermissions).toEqual([requestA]);
    expect(late.authOk.state.state).toBe("waiting_permission");

    b.send({ type: "permission.response", requestId: requestA.requestId, behavior: "allow" });
    const resolved = await Promise.all([a, b, late].map((client) => client.next("permission.resolved")));
    for (const frame of resolved) expect(frame).toMatchObject({ requestId: requestA.requestId, behavior: "allow", by: b.authOk.clientId });
    expect(new Set(resolved.map((frame) => frame.seq)).size).toBe(1);

    a.send({ type: "permission.response", requestId: requestA.requestId, behavior: "deny", id: "too-late" });
    expect(await a.next("error")).toMatchObject({ code: "unknown_permission", id: "too-late" });

    await a.next(isResult, 20_000);
    expect(readFileSync(file, "utf8")).toBe("written by Claude");
    await Promise.all([a.close(), b.close(), late.close()]);
  });

  test("deny: Claude is told, the file is not written", async () => {
    const a = await relay.connectAuthenticated();
    const file = join(work, "denied.txt");
    relay.api.enqueue(toolUse("Write", { file_path: file, content: "nope" }), text("ok, I won't"));
    a.send({ type: "prompt", text: "write another file" });
    const request = await a.next("permission.request", 20_000);
    a.send({ type: "permission.response", requestId: request.requestId, behavior: "deny", message: "not that file" });
    expect(await a.next("permission.resolved")).toMatchObject({ behavior: "deny", by: a.authOk.clientId });
    await a.next(isResult, 20_000);
    expect(existsSync(file)).toBe(false);
    // the follow-up request to the API carries the denial as the tool result
    expect(JSON.stringify(relay.api.messageRequests().at(-1)!.messages.at(-1))).toContain("not that file");
    await a.close();
  });

  test("allow with updatedInput: Claude uses the edited input", async () => {
    const a = await relay.connectAuthenticated();
    const file = join(work, "edited.txt");
    relay.api.enqueue(toolUse("Write", { file_path: file, content: "original" }), text("done"));
    a.send({ type: "prompt", text: "write it" });
    const request = await a.next("permission.request", 20_000);
    a.send({ type: "permission.response", requestId: request.requestId, behavior: "allow", updatedInput: { file_path: file, content: "edited on my phone" } });
    await a.next(isResult, 20_000);
    expect(readFileSync(file, "utf8")).toBe("edited on my phone");
    await a.close();
  });

  test("interrupt while a request is pending withdraws it as cancelled", async () => {
    const [a, b] = await Promise.all([relay.connectAuthenticated(), relay.connectAuthenticated()]);
    relay.api.enqueue(toolUse("Write", { file_path: join(work, "never.txt"), content: "x" }));
    a.send({ type: "prompt", text: "write, then get interrupted" });
    const request = await b.next("permission.request", 20_000);
    b.send({ type: "interrupt" });
    expect(await a.next("permission.resolved")).toMatchObject({ requestId: request.requestId, behavior: "cancelled" });
    await a.next(isResult, 20_000);
    b.send({ type: "permission.response", requestId: request.requestId, behavior: "allow" });
    expect(await b.next("error")).toMatchObject({ code: "unknown_permission" });
    expect(existsSync(join(work, "never.txt"))).toBe(false);
    await Promise.all([a.close(), b.close()]);
  });
});

describe("reconnect and replay", () => {
  test("resume.lastSeq gets exactly the missed events, in order, before live ones", async () => {
    const watcher = await relay.connectAuthenticated();
    const roamer = await relay.connectAuthenticated();
    relay.api.enqueue(text("first"));
    watcher.send({ type: "prompt", text: "one" });
    await Promise.all([watcher, roamer].map((client) => turnEnded(client, "one")));
    const seen = lastSeq(roamer);
    await roamer.close();

    relay.api.enqueue(text("missed while away"));
    watcher.send({ type: "prompt", text: "two" });
    await turnEnded(watcher, "two");
    const missed = sessionEvents(watcher, seen);
    expect(missed.length).toBeGreaterThan(3);

    const back = await relay.connectAuthenticated({ sessionId: relay.relay.sessionId, lastSeq: seen });
    relay.api.enqueue(text("live again"));
    watcher.send({ type: "prompt", text: "three" });
    await back.next(isResult, 20_000); // the replayed result of "two"
    await back.next(isResult, 20_000); // the live result of "three"
    const received = sessionEvents(back, 0);
    expect(back.all("replay.gap")).toHaveLength(0);
    expect(received.slice(0, missed.length)).toEqual(missed);
    expect(received[0]!.seq).toBe(seen + 1);
    expectGapFree(received);
    await Promise.all([watcher.close(), back.close()]);
  });

  test("resume from the current seq replays nothing", async () => {
    const first = await relay.connectAuthenticated();
    const seq = first.authOk.lastSeq;
    expect(seq).toBe(relay.relay.session.events.lastSeq);
    await first.close();
    const again = await relay.connectAuthenticated({ sessionId: relay.relay.sessionId, lastSeq: seq });
    await roundTrip(again);
    expect(sessionEvents(again, 0).every((frame) => frame.seq > seq)).toBe(true);
    await again.close();
  });

  test("resume naming another session gets replay.gap first", async () => {
    const client = await relay.connectAuthenticated({ sessionId: "00000000-0000-0000-0000-000000000000", lastSeq: 3 });
    const firstAfterOk = await client.next(() => true); // connectAuthenticated read up to auth.ok
    expect(firstAfterOk).toMatchObject({ type: "replay.gap", sessionId: relay.relay.sessionId, reason: "session_changed" });
    await client.close();
  });
});

describe("replay buffer bounds", () => {
  let small: TestRelay;
  beforeAll(async () => {
    small = await startTestRelay({ flags: { replayEvents: 4 } });
  });
  afterAll(() => small.stop());

  test("events no longer buffered are reported as replay.gap, then the rest follow", async () => {
    const a = await small.connectAuthenticated();
    small.api.enqueue(text("one"));
    a.send({ type: "prompt", text: "fill the buffer" });
    await turnEnded(a, "fill the buffer");
    const newest = small.relay.session.events.lastSeq;
    expect(newest).toBeGreaterThan(6);
    const back = await small.connectAuthenticated({ sessionId: small.relay.sessionId, lastSeq: 1 });
    await back.next((frame) => frame.seq === newest);
    const gap = back.all("replay.gap")[0];
    expect(gap).toEqual({ type: "replay.gap", sessionId: small.relay.sessionId, fromSeq: 2, toSeq: newest - 4, reason: "evicted" });
    const replayed = sessionEvents(back, 0).filter((frame) => frame.seq <= newest);
    expect(replayed.map((frame) => frame.seq)).toEqual([newest - 3, newest - 2, newest - 1, newest]);
    await Promise.all([a.close(), back.close()]);
  });
});
