/**
 * The live view in a session with fake ports and real Claude lines (test/fixtures): claude.partial
 * only to clients that opted in, in order among the numbered events, never stored or replayed;
 * session.status on opt-in, on session.status.get and throttled after; task.stop.
 */
import { describe, expect, test } from "bun:test";
import { createLogger } from "../../src/log/logger.ts";
import { LiveView } from "../../src/session/live-view.ts";
import { Session } from "../../src/session/session.ts";
import { fixtureLines } from "../support/claude-fixtures.ts";
import { FakeClock } from "../support/fake-clock.ts";
import { FakeClaude, FakeClient, FakeStore, settle } from "../support/fake-ports.ts";

const SESSION_ID = "5e55104e-0000-4000-8000-00000000live";

function setup() {
  const claude = new FakeClaude();
  const store = new FakeStore();
  const session = new Session({
    sessionId: SESSION_ID,
    claude,
    log: createLogger({ level: "silent" }),
    replay: { maxEvents: 1000, maxBytes: 1 << 20 },
    presenceIntervalMs: 3_600_000,
    store: { store, saved: [] },
  });
  return { claude, session, store };
}

/** Claude prints the real turn of the partial-text fixture: stream_event lines among the numbered ones. */
function playTurn(claude: FakeClaude): string[] {
  const lines = fixtureLines("partial-text");
  for (const line of lines) claude.emitRawLine(line);
  return lines;
}

const kinds = (frames: Array<Record<string, any>>) =>
  frames.filter((frame) => frame.type === "claude.event" || frame.type === "claude.partial").map((frame) => `${frame.type}:${frame.event.type}`);

describe("claude.partial", () => {
  test("an opted-in client gets every stream_event in Claude's order among the numbered events; a v1 client gets none", async () => {
    const { claude, session } = setup();
    const [live, plain] = [new FakeClient("live"), new FakeClient("plain")];
    session.join(live, undefined, undefined, undefined, true);
    session.join(plain, undefined);
    const lines = playTurn(claude);
    await settle();

    const claudeTypes = lines.map((line) => JSON.parse(line).type);
    expect(kinds(live.frames)).toEqual(claudeTypes.map((type) => (type === "stream_event" ? "claude.partial:stream_event" : `claude.event:${type}`)));
    expect(plain.all("claude.partial")).toEqual([]);
    expect(plain.all("session.status")).toEqual([]);
    expect(kinds(plain.frames)).toEqual(claudeTypes.filter((type) => type !== "stream_event").map((type) => `claude.event:${type}`));
    // the same numbered events for both; partials carry no seq and the line verbatim
    expect(live.events()).toEqual(plain.events());
    const partial = live.all("claude.partial")[0]!;
    expect(Object.keys(partial)).toEqual(["type", "sessionId", "event"]);
    expect(JSON.stringify(partial.event)).toBe(lines.find((line) => line.includes('"stream_event"'))!);
  });

  test("the event log per turn is the same bytes with and without partial clients; a replay has the complete messages only", async () => {
    const withPartial = setup();
    withPartial.session.join(new FakeClient("live"), undefined, undefined, undefined, true);
    playTurn(withPartial.claude);
    await settle();
    const without = setup();
    without.session.join(new FakeClient("plain"), undefined);
    playTurn(without.claude);
    await settle();

    const bytes = (store: FakeStore) => store.lines.reduce((sum, line) => sum + Buffer.byteLength(line), 0);
    expect(bytes(withPartial.store)).toBe(bytes(without.store));
    expect(withPartial.store.lines.some((line) => line.includes('"stream_event"'))).toBe(false);

    const late = new FakeClient("late");
    withPartial.session.join(late, { sessionId: SESSION_ID, lastSeq: 0 }, undefined, undefined, true);
    expect(late.all("claude.partial")).toEqual([]);
    expect(late.all("claude.event").map((frame) => frame.event.type)).toContain("assistant");
  });

  test("attaching again without partial stops them; a client that left gets none; nobody opted in: nothing is serialized", async () => {
    const { claude, session } = setup();
    const live = new FakeClient("live");
    session.join(live, undefined, undefined, undefined, true);
    session.attach(live, undefined, "a1", false);
    playTurn(claude);
    await settle();
    expect(live.all("claude.partial")).toEqual([]);

    session.attach(live, undefined, "a2", true);
    session.leave(live);
    playTurn(claude);
    await settle();
    expect(live.all("claude.partial")).toEqual([]);
  });
});

describe("session.status", () => {
  test("sent on opt-in and to session.status.get (with its id); a client that did neither gets none", async () => {
    const { claude, session } = setup();
    const [live, asking, plain] = [new FakeClient("live"), new FakeClient("asking"), new FakeClient("plain")];
    session.join(live, undefined, undefined, undefined, true);
    session.join(asking, undefined);
    session.join(plain, undefined);
    expect(live.all("session.status")).toEqual([{ type: "session.status", sessionId: SESSION_ID }]);
    playTurn(claude);
    await settle();
    session.handle(asking, { type: "session.status.get", id: "s1" });
    const [status] = asking.all("session.status");
    expect(status).toMatchObject({ type: "session.status", sessionId: SESSION_ID, id: "s1", contextWindow: expect.any(Number), contextTokens: 15 });
    expect(status!.costUsd).toBeGreaterThan(0);
    expect(status!.rateLimits).toEqual([expect.objectContaining({ window: "five_hour", utilization: 0.92 })]);
    expect(plain.all("session.status")).toEqual([]);
  });

  test("at most one update per interval, however many lines change it; the last state is sent", () => {
    const clock = new FakeClock();
    const live = new LiveView({ sessionId: SESSION_ID, claude: new FakeClaude(), clock, statusIntervalMs: 500 });
    const client = new FakeClient("live");
    live.subscribe(client, true);
    const sent = () => client.all("session.status");
    expect(sent()).toHaveLength(1);
    for (let attempt = 1; attempt <= 10; attempt++) {
      live.observe("{}", { type: "system", subtype: "api_retry", attempt, max_retries: 10 }, 0);
      clock.advance(100);
    }
    // 1 s of changes: the first update at once (next turn of the loop), then one per 500 ms
    expect(sent().length).toBeLessThanOrEqual(1 + 3);
    clock.advance(1000);
    expect(sent().at(-1)!.activity).toMatchObject({ kind: "retrying", attempt: 10 });
    const count = sent().length;
    clock.advance(5000);
    expect(sent()).toHaveLength(count); // nothing changed: nothing sent
    live.close();
  });
});

describe("task.stop", () => {
  const taskStarted = () =>
    fixtureLines("subagent-stop")
      .map((line) => JSON.parse(line))
      .find((event) => event.subtype === "task_started")!;

  test("a running task: Claude's stop_task with its id; an unknown or finished one: unknown_task, nothing sent to Claude", async () => {
    const { claude, session } = setup();
    const client = new FakeClient("c");
    session.join(client, undefined);
    session.handle(client, { type: "task.stop", taskId: "nope", id: "t0" });
    expect(client.all("error")).toEqual([expect.objectContaining({ code: "unknown_task", id: "t0" })]);

    const started = taskStarted();
    claude.emitLine(started);
    session.handle(client, { type: "task.stop", taskId: started.task_id, id: "t1" });
    await settle();
    expect(claude.controls).toEqual([{ subtype: "stop_task", fields: { task_id: started.task_id } }]);
    expect(client.all("error")).toHaveLength(1);

    claude.emitLine({ type: "system", subtype: "task_notification", task_id: started.task_id, status: "stopped" });
    session.handle(client, { type: "task.stop", taskId: started.task_id, id: "t2" });
    expect(client.all("error").at(-1)).toMatchObject({ code: "unknown_task", id: "t2" });
    expect(claude.controls).toHaveLength(1);
  });

  test("Claude refuses: claude_unavailable; Claude's process ends: its tasks are stopped and unknown to task.stop", async () => {
    const { claude, session } = setup();
    const client = new FakeClient("c");
    session.join(client, undefined, undefined, undefined, true);
    const started = taskStarted();
    claude.emitLine(started);
    claude.answerControl = () => ({ ok: false, error: "no" });
    session.handle(client, { type: "task.stop", taskId: started.task_id, id: "t1" });
    await settle();
    expect(client.all("error")).toEqual([expect.objectContaining({ code: "claude_unavailable", id: "t1" })]);

    claude.setState("restarting");
    session.handle(client, { type: "task.stop", taskId: started.task_id, id: "t2" });
    expect(client.all("error").at(-1)).toMatchObject({ code: "unknown_task", id: "t2" });
  });
});
