/**
 * Restarts, with the real Claude CLI: Claude killed under the relay (it comes back with --resume,
 * the conversation continues, prompts sent meanwhile are delivered, pending permissions are
 * withdrawn), and the relay itself restarted on the same state dir (same session, same history).
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { join } from "node:path";
import { type FakeAnthropic, startFakeAnthropic, text, toolUse } from "../support/fake-anthropic.ts";
import { startTestRelay, type TestRelay } from "../support/relay.ts";
import { waitFor } from "../support/wait.ts";
import type { Frame } from "../support/ws-client.ts";

const isResult = (frame: Frame) => frame.type === "claude.event" && frame.event.type === "result";
const stateIs = (state: string) => (frame: Frame) => frame.type === "session.state" && frame.state === state;
const conversation = (api: FakeAnthropic) => JSON.stringify(api.messageRequests().at(-1)!.messages);

describe("Claude dies under the relay", () => {
  let relay: TestRelay;
  beforeAll(async () => {
    relay = await startTestRelay();
  });
  afterAll(() => relay.stop());

  test("SIGKILL → restarting → ready with --resume: same session, the next request carries the earlier turns", async () => {
    const client = await relay.connectAuthenticated();
    relay.api.enqueue(text("the first answer"));
    client.send({ type: "prompt", text: "the first question" });
    await client.next(isResult, 20_000);
    // Killed before Claude has written the answer to its transcript, the resumed Claude would not know it.
    await waitFor(() => relay.transcript().includes("the first answer"), 10_000, "the first answer in Claude's transcript");
    const oldPid = relay.relay.claude.pid!;

    process.kill(oldPid, "SIGKILL");
    expect(await client.next(stateIs("restarting"))).toMatchObject({ restarts: 1, sessionId: relay.relay.sessionId });
    // a prompt sent while Claude restarts is queued, not lost
    relay.api.enqueue(text("the second answer"));
    client.send({ type: "prompt", text: "the second question" });
    const ready = await client.next(stateIs("ready"), 15_000);
    expect(ready.claudePid).not.toBe(oldPid);
    await client.next(isResult, 20_000);
    const history = conversation(relay.api);
    expect(history).toContain("the first question");
    expect(history).toContain("the first answer");
    expect(history).toContain("the second question");
    expect(client.all("error")).toHaveLength(0);
    await client.close();
  });

  test("a pending permission is withdrawn as cancelled by the relay when Claude dies", async () => {
    const [a, b] = await Promise.all([relay.connectAuthenticated(), relay.connectAuthenticated()]);
    relay.api.enqueue(toolUse("Write", { file_path: join(relay.options.cwd, "x.txt"), content: "x" }));
    a.send({ type: "prompt", text: "write x" });
    const request = await b.next("permission.request", 20_000);
    process.kill(relay.relay.claude.pid!, "SIGKILL");
    expect(await a.next("permission.resolved")).toMatchObject({ requestId: request.requestId, behavior: "cancelled", by: "relay" });
    await b.next(stateIs("ready"), 15_000);
    b.send({ type: "permission.response", requestId: request.requestId, behavior: "allow" });
    expect(await b.next("error")).toMatchObject({ code: "unknown_permission" });
    await Promise.all([a.close(), b.close()]);
  });
});

describe("the relay restarts", () => {
  test("a new relay on the same state dir resumes the same conversation", async () => {
    const api = await startFakeAnthropic();
    const first = await startTestRelay({ api });
    const client = await first.connectAuthenticated();
    api.enqueue(text("remember: blue"));
    client.send({ type: "prompt", text: "what colour?" });
    await client.next(isResult, 20_000);
    await waitFor(() => first.transcript().includes("remember: blue"), 10_000, "the answer in Claude's transcript");
    const sessionId = first.relay.sessionId;
    await client.next(stateIs("ready")); // the turn's last event
    const seen = client.frames.filter((frame) => typeof frame.seq === "number");
    const lastSeq = seen.at(-1)!.seq as number;
    await first.stop({ keepDir: true });
    expect((await client.closed).code).toBe(1001);

    const second = await startTestRelay({ api, dir: first.dir });
    try {
      expect(second.relay.sessionId).toBe(sessionId);
      expect(second.logs.some((line) => line.msg === "resuming session" && line.sessionId === sessionId)).toBe(true);
      // the numbering continues (no seq is reused), and events from before the restart replay
      const again = await second.connectAuthenticated({ sessionId, lastSeq: lastSeq - 3 });
      expect(again.authOk.lastSeq).toBeGreaterThanOrEqual(lastSeq);
      await again.next((frame) => frame.seq === lastSeq); // the replay has reached where the client was
      const replayed = again.frames.filter((frame) => typeof frame.seq === "number");
      expect(replayed.slice(0, 3)).toEqual(seen.slice(-3));
      expect(replayed.slice(3).every((frame) => frame.seq > lastSeq)).toBe(true);
      api.enqueue(text("you said blue"));
      again.send({ type: "prompt", text: "and now?" });
      await again.next((frame) => isResult(frame) && frame.seq > lastSeq, 20_000);
      const history = conversation(api);
      expect(history).toContain("what colour?");
      expect(history).toContain("remember: blue");
      await again.close();
    } finally {
      await second.stop();
      await api.close();
    }
  });

  test("--new-session starts a fresh conversation", async () => {
    const first = await startTestRelay();
    const sessionId = first.relay.sessionId;
    await first.stop({ keepDir: true });
    const fresh = await startTestRelay({ dir: first.dir, flags: { newSession: true } });
    try {
      expect(fresh.relay.sessionId).not.toBe(sessionId);
    } finally {
      await fresh.stop();
    }
  });
});
