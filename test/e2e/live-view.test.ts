/**
 * The live view end to end: the real Claude Code CLI (run with --include-partial-messages) against
 * the fake API streaming one word per delta, a relay, real WebSocket clients. The fake holds the
 * rest of the answer until the opted-in client has seen the first word: it can only pass if
 * partial frames reach that client while Claude is still writing. Also: a v1 client sees none, a
 * reconnect replays the complete message only, session.status, task.stop on a real sub-agent, and
 * a Claude without the flag (the synthetic one) still works.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { commandLine, waitFor } from "../support/claude-harness.ts";
import { SYNTHETIC_CLAUDE } from "../support/cli-process.ts";
import { heldText, streamedWords, text, toolUse } from "../support/fake-anthropic.ts";
import { startTestRelay, type TestRelay } from "../support/relay.ts";
import type { Frame } from "../support/ws-client.ts";

const WORDS = "one two three four five six seven eight";

let relay: TestRelay;
beforeAll(async () => {
  relay = await startTestRelay();
});
afterAll(() => relay.stop());

const textDelta = (frame: Frame) => frame.type === "claude.partial" && frame.event.event?.delta?.type === "text_delta";

describe("word by word", () => {
  test("the first word reaches an opted-in client before Claude has the last; a v1 client sees no partial; a reconnect replays the complete message only", async () => {
    const live = await relay.connectAuthenticated(undefined, undefined, { partial: true });
    const plain = await relay.connectAuthenticated();
    const before = live.authOk.lastSeq as number;
    await waitFor(() => relay.relay.claude.pid !== undefined, "Claude started", 30_000);
    expect(commandLine(relay.relay.claude.pid!)).toContain("--include-partial-messages");

    const firstWord = live.next((frame) => textDelta(frame) && frame.event.event.delta.text === "one ", 60_000);
    const produced: number[] = [];
    relay.api.enqueue(
      streamedWords(WORDS, async (index) => {
        if (index === 1) await firstWord; // the rest only once the client has the first word
        produced.push(index);
      }),
    );
    plain.send({ type: "prompt", text: "count to eight", id: "p1" });
    await firstWord;
    const lastIndex = WORDS.split(" ").length - 1;
    expect(produced).not.toContain(lastIndex);
    expect(plain.all("claude.event").some((frame) => frame.event.type === "assistant")).toBe(false);

    const result = await live.next((frame) => frame.type === "claude.event" && frame.event.type === "result", 60_000);
    await plain.next((frame) => frame.type === "claude.event" && frame.event.type === "result", 10_000);
    expect(result.seq).toBeGreaterThan(before);
    const words = live.frames.filter(textDelta).map((frame) => frame.event.event.delta.text);
    expect(words.join("")).toBe(WORDS);
    expect(live.all("claude.partial").every((frame) => frame.seq === undefined && frame.event.type === "stream_event")).toBe(true);
    // the complete message comes after its partials, numbered like any event
    const assistant = live.frames.findIndex((frame) => frame.type === "claude.event" && frame.event.message?.content?.[0]?.text === WORDS);
    const lastDelta = live.frames.length - 1 - [...live.frames].reverse().findIndex(textDelta);
    expect(assistant).toBeGreaterThan(lastDelta);
    expect(plain.all("claude.partial")).toEqual([]);
    expect(plain.all("session.status")).toEqual([]);
    expect(plain.frames.some((frame) => frame.type === "claude.event" && frame.event.message?.content?.[0]?.text === WORDS)).toBe(true);

    const again = await relay.connectAuthenticated({ sessionId: relay.relay.sessionId, lastSeq: before }, undefined, { partial: true });
    await again.next((frame) => frame.type === "claude.event" && frame.event.type === "result");
    expect(again.all("claude.partial")).toEqual([]);
    expect(
      again
        .all("claude.event")
        .filter((frame) => frame.event.type === "assistant")
        .map((frame) => frame.event.message.content[0].text),
    ).toContain(WORDS);
    await Promise.all([live.close(), plain.close(), again.close()]);
  }, 120_000);

  test("session.status: cost and context after the turn to an opted-in client and in reply to session.status.get", async () => {
    const live = await relay.connectAuthenticated(undefined, undefined, { partial: true });
    await live.next("session.status");
    relay.api.enqueue(text("done"));
    live.send({ type: "prompt", text: "hi" });
    const status = await live.next((frame) => frame.type === "session.status" && frame.costUsd > 0 && frame.contextWindow > 0, 60_000);
    expect(status.contextTokens).toBeGreaterThan(0);

    const asking = await relay.connectAuthenticated();
    asking.send({ type: "session.status.get", id: "s1" });
    expect(await asking.next("session.status")).toMatchObject({ id: "s1", sessionId: relay.relay.sessionId, costUsd: status.costUsd });
    await Promise.all([live.close(), asking.close()]);
  }, 120_000);
});

test("session.attach with partial opts in for that session; attaching again without it opts out", async () => {
  const client = await relay.connectAuthenticated();
  const sessionId = relay.relay.sessionId;
  client.send({ type: "session.attach", sessionId, partial: true, id: "a1" });
  await client.next((frame) => frame.type === "session.attached" && frame.id === "a1");
  relay.api.enqueue(streamedWords("red green blue"));
  client.send({ type: "prompt", text: "colours" });
  await client.next(textDelta, 60_000);
  await client.next((frame) => frame.type === "claude.event" && frame.event.type === "result", 60_000);

  client.send({ type: "session.attach", sessionId, id: "a2" });
  await client.next((frame) => frame.type === "session.attached" && frame.id === "a2");
  client.skipReceived();
  relay.api.enqueue(streamedWords("one more time"));
  client.send({ type: "prompt", text: "again" });
  await client.next((frame) => frame.type === "claude.event" && frame.event.type === "result", 60_000);
  const after = client.frames.slice(client.frames.findIndex((frame) => frame.type === "session.attached" && frame.id === "a2"));
  expect(after.filter((frame) => frame.type === "claude.partial")).toEqual([]);
  await client.close();
}, 120_000);

describe("task.stop", () => {
  test("stops a real sub-agent that is running; its state shows stopped; an unknown id is unknown_task", async () => {
    const client = await relay.connectAuthenticated(undefined, undefined, { partial: true });
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    relay.api.enqueue(
      toolUse("Task", { description: "Look around", prompt: "list the files", subagent_type: "general-purpose" }),
      heldText("the sub-agent's answer", held), // the sub-agent's own request: it runs until stopped
      text("stopped it"),
    );
    client.send({ type: "prompt", text: "start a sub-agent" });
    const running = await client.next((frame) => frame.type === "session.status" && frame.tasks?.some((task: Frame) => task.state === "running"), 60_000);
    const task = running.tasks.find((t: Frame) => t.state === "running");
    expect(task).toMatchObject({ description: "Look around", taskType: "local_agent" });

    client.send({ type: "task.stop", taskId: "no-such-task", id: "x" });
    expect(await client.next("error")).toMatchObject({ code: "unknown_task", id: "x" });

    client.send({ type: "task.stop", taskId: task.taskId, id: "t1" });
    const notified = await client.next(
      (frame) => frame.type === "claude.event" && frame.event.subtype === "task_notification" && frame.event.task_id === task.taskId,
      60_000,
    );
    expect(notified.event.status).toBe("stopped");
    await client.next((frame) => frame.type === "claude.event" && frame.event.type === "result", 60_000);
    const stopped = (frame: Frame) => frame.tasks?.some((t: Frame) => t.taskId === task.taskId && t.state === "stopped");
    await waitFor(() => client.all("session.status").some(stopped), "the status showing the task stopped");
    release();
    await client.close();
  }, 120_000);
});

test("a Claude without --include-partial-messages (the synthetic one) is started without it and still works", async () => {
  const synthetic = await startTestRelay({ flags: { claudeBin: SYNTHETIC_CLAUDE } });
  try {
    const client = await synthetic.connectAuthenticated(undefined, undefined, { partial: true });
    client.send({ type: "prompt", text: "hello" });
    await client.next((frame) => frame.type === "claude.event" && frame.event.type === "result", 30_000);
    expect(commandLine(synthetic.relay.claude.pid!)).not.toContain("--include-partial-messages");
    expect(client.all("claude.partial")).toEqual([]);
    expect(synthetic.logs.some((line) => String(line.msg).includes("cannot stream partial messages"))).toBe(true);
    await client.close();
  } finally {
    await synthetic.stop();
  }
}, 60_000);
