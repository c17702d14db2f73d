import { expect, test } from "bun:test";
import type { SessionEventMessage } from "../../../src/client/client.ts";
import { applyEvent, type Conversation, emptyConversation, type Item } from "../../../src/web/state/conversation.ts";

const S = "session-1";
let seq = 0;
const claude = (event: Record<string, unknown>): SessionEventMessage => ({ type: "claude.event", sessionId: S, seq: ++seq, event });
const assistant = (parent: string | null, ...content: Record<string, unknown>[]) =>
  claude({ type: "assistant", parent_tool_use_id: parent, message: { role: "assistant", content } });
const user = (parent: string | null, content: unknown) => claude({ type: "user", parent_tool_use_id: parent, message: { role: "user", content } });
const run = (...events: SessionEventMessage[]): Conversation =>
  events.reduce((conversation, event) => applyEvent(conversation, event, undefined), emptyConversation(S));
const tool = (item: Item | undefined) => item as Extract<Item, { kind: "tool" }>;

test("a sub-agent's lines (parent_tool_use_id) go under the Task call that started it, not into the conversation", () => {
  const conversation = run(
    assistant(null, { type: "tool_use", id: "task-1", name: "Task", input: { description: "Look around", prompt: "list the files" } }),
    user("task-1", [{ type: "text", text: "list the files" }]),
    assistant("task-1", { type: "tool_use", id: "ls-1", name: "Bash", input: { command: "ls" } }),
    user("task-1", [{ type: "tool_result", tool_use_id: "ls-1", content: "a.txt" }]),
    assistant("task-1", { type: "text", text: "There is a.txt" }),
    user(null, [{ type: "tool_result", tool_use_id: "task-1", content: "There is a.txt" }]),
    assistant(null, { type: "text", text: "Done" }),
  );
  expect(conversation.items.map((item) => item.kind)).toEqual(["tool", "text"]);
  const call = tool(conversation.items[0]);
  expect(call.result?.text).toBe("There is a.txt");
  expect(call.children?.map((item) => item.kind)).toEqual(["note", "tool", "text"]);
  expect(tool(call.children?.[1]).result?.text).toBe("a.txt");
});

test("a sub-agent line whose Task call is not in the conversation (no longer held) is shown as any other; one adding nothing changes nothing", () => {
  const orphan = run(assistant("gone", { type: "text", text: "from a sub-agent" }));
  expect(orphan.items.map((item) => item.kind)).toEqual(["text"]);
  const before = run(assistant(null, { type: "tool_use", id: "task-2", name: "Task", input: {} }));
  const after = applyEvent(before, claude({ type: "system", subtype: "status", parent_tool_use_id: "task-2" }), undefined);
  expect(after.items).toBe(before.items);
  expect(tool(after.items[0]).children).toBeUndefined();
});
