/**
 * The relay restarts with sessions open (real Claude CLI behind the fake API): the list comes back
 * with titles and numbering, without starting a Claude per session; a restored session's first
 * prompt starts Claude with --resume and the conversation goes on.
 */
import { describe, expect, test } from "bun:test";
import { mkdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { persistedTranscript } from "../support/claude-harness.ts";
import { startFakeAnthropic, text } from "../support/fake-anthropic.ts";
import { startTestRelay } from "../support/relay.ts";
import { waitFor } from "../support/wait.ts";
import type { Frame } from "../support/ws-client.ts";

const isResultOf = (sessionId: string) => (frame: Frame) => frame.type === "claude.event" && frame.sessionId === sessionId && frame.event.type === "result";

describe("the relay restarts with sessions open", () => {
  test("the sessions are listed again, idle, with their titles and numbering; the first prompt resumes the conversation", async () => {
    const api = await startFakeAnthropic();
    const first = await startTestRelay({ api });
    const project = join(first.dir, "home", "projects", "kept");
    mkdirSync(project, { recursive: true });
    const client = await first.connectAuthenticated();
    client.send({ type: "session.create", cwd: project, id: "c" });
    const { sessionId } = await client.next("session.created");
    client.send({ type: "session.attach", sessionId });
    await client.next("session.attached");
    api.enqueue(text("noted: the colour is green"));
    client.send({ type: "prompt", text: "Remember the colour green\nplease", sessionId });
    await client.next(isResultOf(sessionId), 30_000);
    await client.next((frame) => frame.type === "session.state" && frame.sessionId === sessionId && frame.state === "ready", 10_000);
    // What the restored session resumes is what Claude persisted, a moment after the turn.
    const transcript = () => persistedTranscript(sessionId, { HOME: join(first.dir, "home") });
    await waitFor(() => transcript().includes("noted: the colour is green"), 10_000, "the turn in Claude's transcript");
    const seen = client.frames.filter((frame) => frame.sessionId === sessionId && typeof frame.seq === "number");
    const lastSeq = seen.at(-1)!.seq as number;
    // The list is saved with its (throttled) sessions update.
    const savedText = () => readFileSync(join(first.options.stateDir, "open-sessions.json"), "utf8");
    await waitFor(() => savedText().includes("Remember the colour green"), 10_000, "the title saved");
    const saved = JSON.parse(savedText());
    expect(saved.sessions.map((record: any) => [record.sessionId, record.title])).toEqual([
      [first.relay.sessionId, undefined],
      [sessionId, "Remember the colour green"],
    ]);
    await first.stop({ keepDir: true });

    const second = await startTestRelay({ api, dir: first.dir });
    try {
      const again = await second.connectAuthenticated();
      const listed = again.authOk.sessions.find((info: any) => info.sessionId === sessionId);
      expect(listed).toMatchObject({ cwd: project, title: "Remember the colour green", state: "idle", clients: 0 });
      // no Claude for it until it is prompted
      const health = await (await fetch(`${second.httpUrl}/healthz`)).json();
      expect(health.sessions.find((session: any) => session.sessionId === sessionId)).toMatchObject({ state: "idle", claudePid: 0, lastSeq });
      expect(second.logs.filter((line) => line.msg === "Claude started")).toHaveLength(1);
      const metrics = await (await fetch(`${second.httpUrl}/metrics`)).text();
      expect(metrics).toContain("\nclaude_relay_sessions 2\n");
      expect(metrics).toContain("\nclaude_relay_claude_processes 1\n");

      // attach from where the client was: nothing missed, nothing repeated
      again.send({ type: "session.attach", sessionId, lastSeq: lastSeq - 2 });
      const attached = await again.next("session.attached");
      expect(attached).toMatchObject({ lastSeq, state: { state: "idle", claudePid: 0 } });
      await waitFor(() => again.frames.length >= again.frames.indexOf(attached) + 3, 5000, "the replay");
      const replayed = again.frames.slice(again.frames.indexOf(attached) + 1, again.frames.indexOf(attached) + 3);
      expect(replayed).toEqual(seen.slice(-2));

      api.enqueue(text("it was green"));
      again.send({ type: "prompt", text: "Which colour?", sessionId });
      await again.next((frame) => isResultOf(sessionId)(frame) && frame.seq > lastSeq, 30_000);
      const prompt = again.frames.find((frame) => frame.type === "user.prompt" && frame.sessionId === sessionId && frame.text === "Which colour?");
      expect(prompt!.seq).toBe(lastSeq + 1);
      expect(second.logs.some((line) => line.msg === "Claude started" && line.resume === true && line.sessionId === sessionId)).toBe(true);
      const conversation = JSON.stringify(api.messageRequests().at(-1)!.messages);
      expect(conversation).toContain("Remember the colour green");
      expect(conversation).toContain("noted: the colour is green");
      expect(conversation).toContain("Which colour?");
      const states = again.frames
        .filter((frame) => frame.type === "session.state" && frame.sessionId === sessionId && frame.seq > lastSeq)
        .map((frame) => frame.state);
      expect(states[0]).toBe("starting"); // idle → starting: the prompt started Claude
      expect(states).toContain("busy");
      await again.close();
    } finally {
      await second.stop();
      await api.close();
    }
  });
});
