import { describe, expect, test } from "bun:test";
import type { ClaudePartialMessage, SessionEventMessage } from "../../../src/client/client.ts";
import { LiveText } from "../../../src/web/state/live.ts";

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
