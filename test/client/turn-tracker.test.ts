/**
 * TurnTracker: which events are one prompt's turn when other devices prompt the same session.
 */
import { describe, expect, test } from "bun:test";
import type { SessionEventMessage } from "../../src/client/messages.ts";
import { TurnTracker } from "../../src/client/turn-tracker.ts";

let seq = 0;
const base = () => ({ sessionId: "s", seq: ++seq });
const prompt = (text: string, by: string, id?: string): SessionEventMessage => ({ ...base(), type: "user.prompt", text, by, ...(id !== undefined && { id }) });
const line = (event: Record<string, unknown>): SessionEventMessage => ({ ...base(), type: "claude.event", event });
const result = (isError = false) => line({ type: "result", subtype: "success", is_error: isError, result: "r" });
const state = (name: string): SessionEventMessage => ({ ...base(), type: "session.state", state: name as "ready", claudePid: 1, restarts: 0, clients: 2 });
const request = (requestId: string): SessionEventMessage => ({
  ...base(),
  type: "permission.request",
  requestId,
  toolName: "Write",
  input: {},
  toolUseId: "t",
});
const resolved = (requestId: string): SessionEventMessage => ({ ...base(), type: "permission.resolved", requestId, behavior: "deny", by: "me" });

describe("TurnTracker", () => {
  test("our prompt, Claude's lines and result: ours; the result ends the turn", () => {
    const tracker = new TurnTracker({ id: "p1", text: "hi", clientId: "me" });
    expect(tracker.observe(prompt("hi", "me", "p1"))).toEqual({ ours: true });
    expect(tracker.status).toEqual({ phase: "running" });
    expect(tracker.observe(state("busy"))).toEqual({ ours: false });
    expect(tracker.observe(line({ type: "assistant" }))).toEqual({ ours: true });
    expect(tracker.observe(result())).toEqual({ ours: true });
    expect(tracker.status).toMatchObject({ phase: "done", result: { type: "result" } });
    expect(tracker.observe(line({ type: "assistant" }))).toEqual({ ours: false });
  });

  test("another device's turn first: its lines and its permission request are not ours; ours runs after its result", () => {
    const tracker = new TurnTracker({ id: "p1", text: "mine", clientId: "me" });
    tracker.observe(prompt("theirs", "phone", "x"));
    tracker.observe(prompt("mine", "me", "p1"));
    expect(tracker.status).toEqual({ phase: "queued", ahead: 1 });
    expect(tracker.observe(request("r-theirs"))).toEqual({ ours: false });
    expect(tracker.observe(resolved("r-theirs"))).toEqual({ ours: false });
    expect(tracker.observe(result())).toEqual({ ours: false });
    expect(tracker.status).toEqual({ phase: "running" });
    expect(tracker.observe(request("r-mine"))).toEqual({ ours: true });
    expect(tracker.observe(resolved("r-mine"))).toEqual({ ours: true });
    tracker.observe(result(true));
    expect(tracker.status).toMatchObject({ phase: "done", result: { is_error: true } });
  });

  test("a turn that ends before ours is numbered is no longer ahead; a later prompt of another device is behind us", () => {
    const tracker = new TurnTracker({ id: "p1", text: "mine", clientId: "me" });
    tracker.observe(prompt("theirs", "phone"));
    tracker.observe(result());
    tracker.observe(prompt("mine", "me", "p1"));
    expect(tracker.status).toEqual({ phase: "running" });
    expect(tracker.observe(prompt("later", "phone"))).toEqual({ ours: false });
    tracker.observe(result());
    expect(tracker.status.phase).toBe("done");
  });

  test("a relay that does not echo the id: our prompt is the one we sent, by our client", () => {
    const tracker = new TurnTracker({ id: "p1", text: "mine", clientId: "me" });
    expect(tracker.observe(prompt("mine", "phone"))).toEqual({ ours: false });
    expect(tracker.observe(prompt("mine", "me"))).toEqual({ ours: true });
    expect(tracker.status).toEqual({ phase: "queued", ahead: 1 });
  });

  test("Claude stopping with our prompt in it loses the turn, saying why", () => {
    for (const [name, words] of [
      ["restarting", "Claude exited during the turn"],
      ["failed", "Claude failed"],
      ["ready", "idle without answering"],
    ] as const) {
      const tracker = new TurnTracker({ id: "p1", text: "mine" });
      tracker.observe(prompt("mine", "me", "p1"));
      expect(tracker.observe(state(name))).toEqual({ ours: true });
      expect(tracker.status.phase).toBe("lost");
      expect((tracker.status as { reason: string }).reason).toContain(words);
    }
  });

  test("Claude being started keeps the prompt (a session woken from idle); ready without a result then loses it", () => {
    const tracker = new TurnTracker({ id: "p1", text: "mine" });
    tracker.observe(prompt("mine", "me", "p1"));
    expect(tracker.observe(state("starting"))).toEqual({ ours: false });
    expect(tracker.observe(state("busy"))).toEqual({ ours: false });
    expect(tracker.status).toEqual({ phase: "running" });
    tracker.observe(state("ready"));
    expect(tracker.status).toEqual({ phase: "lost", reason: expect.stringContaining("was the relay restarted?") });
  });

  test("before ours is numbered, a stop clears what was ahead (those prompts are gone)", () => {
    const tracker = new TurnTracker({ id: "p1", text: "mine" });
    tracker.observe(prompt("theirs", "phone"));
    tracker.observe(state("restarting"));
    tracker.observe(prompt("mine", "me", "p1"));
    expect(tracker.status).toEqual({ phase: "running" });
  });

  test("a gap while the turn is under way loses it; an empty gap does not", () => {
    const tracker = new TurnTracker({ id: "p1", text: "mine" });
    tracker.observe(prompt("mine", "me", "p1"));
    tracker.gap({ fromSeq: 5, toSeq: 4 });
    expect(tracker.status.phase).toBe("running");
    tracker.gap({ fromSeq: 5, toSeq: 9 });
    expect(tracker.status).toEqual({ phase: "lost", reason: expect.stringContaining("events 5–9") });
  });
});
