import { describe, expect, test } from "bun:test";
import type { ClaudePartialMessage, SessionEventMessage } from "../../../src/client/client.ts";
import { LiveText, liveTextAfter } from "../../../src/web/state/live.ts";

const S = "session-1";
const stream = (event: Record<string, unknown>, parent: string | null = null) => ({ type: "stream_event", event, parent_tool_use_id: parent, session_id: S });
const delta = (text: string, parent: string | null = null) => stream({ type: "content_block_delta", index: 1, delta: { type: "text_delta", text } }, parent);
const partial = (line: Record<string, unknown>): ClaudePartialMessage => ({ type: "claude.partial", sessionId: S, event: line });
const assistant = (text: string): SessionEventMessage => ({
  type: "claude.event",
  sessionId: S,
  seq: 7,
  event: { type: "assistant", parent_tool_use_id: null, message: { content: [{ type: "text", text }] } },
});

describe("liveTextAfter", () => {
  test("text deltas of the main thread accumulate; a sub-agent's, thinking and tool input do not", () => {
    let text: string | undefined;
    for (const line of [
      stream({ type: "message_start", message: { id: "m1" } }),
      stream({ type: "content_block_start", index: 0, content_block: { type: "thinking", thinking: "" } }),
      stream({ type: "content_block_delta", index: 0, delta: { type: "thinking_delta", thinking: "hmm" } }),
      delta("The "),
      delta("other ", "toolu_task"),
      stream({ type: "content_block_delta", index: 2, delta: { type: "input_json_delta", partial_json: '{"a"' } }),
      delta("answer"),
    ])
      text = liveTextAfter(text, line);
    expect(text).toBe("The answer");
  });

  test("the complete assistant line, the result, a block's or message's start and stop end it; other lines keep the same value", () => {
    for (const end of [
      { type: "assistant", message: { content: [] } },
      { type: "result", subtype: "success" },
      stream({ type: "content_block_stop", index: 1 }),
      stream({ type: "content_block_start", index: 2, content_block: { type: "text", text: "" } }),
      stream({ type: "message_start", message: {} }),
      stream({ type: "message_stop" }),
    ])
      expect(liveTextAfter("The", end)).toBeUndefined();
    expect(liveTextAfter("The", { type: "assistant", parent_tool_use_id: "toolu_task", message: {} })).toBe("The");
    expect(liveTextAfter("The", stream({ type: "message_delta", delta: {} }))).toBe("The");
    expect(liveTextAfter("The", { type: "system", subtype: "status" })).toBe("The");
    expect(liveTextAfter("The", "not an object")).toBe("The");
    expect(liveTextAfter("The", stream({ type: "content_block_delta", delta: { type: "text_delta", text: 5 } }))).toBe("The");
  });
});

describe("LiveText", () => {
  test("deltas reach the signal once per frame; the complete message drops the draft at once; a lost connection forgets it", () => {
    const frames: Array<() => void> = [];
    const live = new LiveText((flush) => frames.push(flush));
    live.partial(partial(delta("one ")));
    live.partial(partial(delta("two ")));
    live.partial(partial(delta("three")));
    expect(frames).toHaveLength(1);
    expect(live.drafts.value.size).toBe(0);
    frames.shift()!();
    expect(live.drafts.value.get(S)).toBe("one two three");

    live.event(assistant("one two three"));
    expect(live.drafts.value.has(S)).toBe(false);

    live.partial(partial(delta("again")));
    frames.shift()!();
    const before = live.drafts.value;
    live.event({ type: "user.prompt", sessionId: S, seq: 8, text: "hi", by: "c1" });
    expect(live.drafts.value).toBe(before);
    live.clear();
    expect(live.drafts.value.size).toBe(0);
    const cleared = live.drafts.value;
    live.clear();
    expect(live.drafts.value).toBe(cleared);
  });
});
