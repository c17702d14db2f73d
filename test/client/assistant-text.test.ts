import { describe, expect, test } from "bun:test";
import { AssistantText } from "../../src/client/assistant-text.ts";

const assistant = (id: string, ...content: unknown[]) => ({ type: "assistant", message: { id, content }, parent_tool_use_id: null });
const stream = (event: Record<string, unknown>) => ({ type: "stream_event", event, parent_tool_use_id: null });

describe("AssistantText", () => {
  test("whole text blocks, each ending with a newline; tool uses and other lines add nothing", () => {
    const text = new AssistantText();
    expect(text.take(assistant("m1", { type: "text", text: "First." }, { type: "tool_use", name: "Bash", input: {} }))).toBe("First.\n");
    expect(text.take(assistant("m2", { type: "text", text: "a\n" }, { type: "text", text: "b" }))).toBe("a\nb\n");
    expect(text.take({ type: "result", result: "Done." })).toBeUndefined();
    expect(text.take({ type: "user", message: { content: [{ type: "tool_result", content: "x" }] } })).toBeUndefined();
    expect(text.take(null)).toBeUndefined();
  });

  test("with partial messages: deltas as they come, a newline at the block's end, and the whole message not again", () => {
    const text = new AssistantText();
    expect(text.take(stream({ type: "message_start", message: { id: "m1" } }))).toBeUndefined();
    expect(text.take(stream({ type: "content_block_start", index: 0, content_block: { type: "text", text: "" } }))).toBeUndefined();
    expect(text.take(stream({ type: "content_block_delta", index: 0, delta: { type: "text_delta", text: "Hel" } }))).toBe("Hel");
    expect(text.take(stream({ type: "content_block_delta", index: 0, delta: { type: "text_delta", text: "lo" } }))).toBe("lo");
    expect(text.take(assistant("m1", { type: "text", text: "Hello" }))).toBeUndefined();
    expect(text.take(stream({ type: "content_block_stop", index: 0 }))).toBe("\n");
    expect(text.take(stream({ type: "content_block_delta", index: 1, delta: { type: "input_json_delta", partial_json: "{" } }))).toBeUndefined();
    expect(text.take(stream({ type: "content_block_stop", index: 1 }))).toBeUndefined();
    // a later message without deltas comes whole
    expect(text.take(assistant("m2", { type: "text", text: "Next" }))).toBe("Next\n");
  });

  test("sub-agents' text and Claude's made-up error messages are not the answer", () => {
    const text = new AssistantText();
    expect(text.take({ ...assistant("m1", { type: "text", text: "sub" }), parent_tool_use_id: "toolu_1" })).toBeUndefined();
    expect(text.take({ ...assistant("m2", { type: "text", text: "Not logged in · Please run /login" }), error: "authentication_failed" })).toBeUndefined();
  });
});
