import { describe, expect, test } from "bun:test";
import { liveTextAfter } from "../../src/client/live-text.ts";

const S = "session-1";
const stream = (event: Record<string, unknown>, parent: string | null = null) => ({ type: "stream_event", event, parent_tool_use_id: parent, session_id: S });
const delta = (text: string, parent: string | null = null) => stream({ type: "content_block_delta", index: 1, delta: { type: "text_delta", text } }, parent);

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
