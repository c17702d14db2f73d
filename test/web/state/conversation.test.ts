import { describe, expect, test } from "bun:test";
import { AttachedSession, type SessionJoin } from "../../../src/client/attached-session.ts";
import type { SessionEventMessage } from "../../../src/client/client.ts";
import { applyEvent, applyGap, type Conversation, emptyConversation, type Item } from "../../../src/web/state/conversation.ts";
import { API_ERROR_ASSISTANT, API_ERROR_RESULT, INTERRUPTED_MARKER, INTERRUPTED_RESULT, MODEL_SET_HAIKU } from "../../support/recorded-claude-lines.ts";

const S = "session-1";
let seq = 0;
const claude = (event: Record<string, unknown>): SessionEventMessage => ({ type: "claude.event", sessionId: S, seq: ++seq, event });
const prompt = (text: string, by = "c1"): SessionEventMessage => ({ type: "user.prompt", sessionId: S, seq: ++seq, text, by });
const request = (requestId: string, toolUseId: string): Extract<SessionEventMessage, { type: "permission.request" }> => ({
  type: "permission.request",
  sessionId: S,
  seq: ++seq,
  requestId,
  toolName: "Write",
  input: { file_path: "/a.txt", content: "hi" },
  toolUseId,
});
const resolved = (requestId: string, behavior: "allow" | "deny" | "cancelled", by = "c2"): SessionEventMessage => ({
  type: "permission.resolved",
  sessionId: S,
  seq: ++seq,
  requestId,
  behavior,
  by,
});
const assistant = (...content: Record<string, unknown>[]) => claude({ type: "assistant", message: { role: "assistant", content } });
const toolResult = (toolUseId: string, content: unknown, isError = false) =>
  claude({ type: "user", message: { role: "user", content: [{ type: "tool_result", tool_use_id: toolUseId, content, is_error: isError }] } });

const READY: SessionJoin["state"] = { state: "ready", clients: 1, claudePid: 1, pendingPermissions: [] };

/**
 * As the page does it: the client's model of the session delivers each event once and keeps the
 * pending requests and the state; the conversation is built from what it delivers, each event
 * applied with the session as the model knew it just before.
 */
function followed(state = READY) {
  const session = new AttachedSession();
  session.joined({ sessionId: S, lastSeq: 0, state }, { resumed: false });
  let conversation = emptyConversation(S);
  const apply = (...events: SessionEventMessage[]): Conversation => {
    for (const event of events) {
      const before = session.view;
      if (session.accept(event).deliver) conversation = applyEvent(conversation, event, before);
    }
    return conversation;
  };
  return { session, apply };
}

function run(...events: SessionEventMessage[]): Conversation {
  return followed().apply(...events);
}
const kinds = (conversation: Conversation) => conversation.items.map((item) => item.kind);

describe("applyEvent", () => {
  test("a turn: prompt with its sender, assistant text, a tool call with its result, the turn end", () => {
    const conversation = run(
      prompt("list files", "c1"),
      claude({ type: "system", subtype: "init", session_id: S }),
      assistant({ type: "text", text: "Let me **look**." }),
      assistant({ type: "tool_use", id: "t1", name: "Bash", input: { command: "ls" } }),
      toolResult("t1", [{ type: "text", text: "a.txt\nb.txt" }]),
      assistant({ type: "text", text: "Two files." }),
      claude({ type: "result", subtype: "success", is_error: false, duration_ms: 1200, total_cost_usd: 0.01 }),
    );
    expect(kinds(conversation)).toEqual(["prompt", "text", "tool", "text", "turn"]);
    expect(conversation.items[0]).toMatchObject({ text: "list files", by: "c1" });
    expect(conversation.items[2]).toMatchObject({ name: "Bash", input: { command: "ls" }, result: { text: "a.txt\nb.txt", isError: false } });
    expect(conversation.items[4]).toMatchObject({ isError: false, durationMs: 1200, costUsd: 0.01 });
  });

  test("an event seen already (replay overlap) changes nothing and returns the same object", () => {
    const { session, apply } = followed();
    const first = prompt("once");
    const conversation = apply(first, assistant({ type: "text", text: "hi" }));
    expect(apply(first)).toBe(conversation);
    expect(apply({ ...first })).toBe(conversation);
    expect(session.lastSeq).toBe(seq);
  });

  test("permission: pending until resolved; the outcome lands on the tool call", () => {
    const call = assistant({ type: "tool_use", id: "t9", name: "Write", input: { file_path: "/a.txt", content: "hi" } });
    const asked = request("r1", "t9");
    const { session, apply } = followed();
    apply(call, asked);
    expect(session.view?.pendingPermissions).toEqual([asked]);
    const conversation = apply(resolved("r1", "deny", "c2"));
    expect(session.view?.pendingPermissions).toEqual([]);
    expect(conversation.items.at(-1)).toMatchObject({ kind: "tool", permission: { behavior: "deny", by: "c2" } });
  });

  test("devices: a prompt and an answer keep the sender's device name; session.state and auth.ok's snapshot keep who is connected", () => {
    const { session, apply } = followed();
    const conversation = apply(
      { type: "user.prompt", sessionId: S, seq: ++seq, text: "write it", by: "c1", device: "phone" },
      assistant({ type: "tool_use", id: "t9", name: "Write", input: {} }),
      request("r9", "t9"),
      { type: "permission.resolved", sessionId: S, seq: ++seq, requestId: "r9", behavior: "allow", by: "c2", device: "me@laptop" },
      { type: "session.state", sessionId: S, seq: ++seq, state: "ready", claudePid: 1, restarts: 0, clients: 2, devices: ["me@laptop", "phone"] },
    );
    expect(conversation.items[0]).toMatchObject({ kind: "prompt", by: "c1", device: "phone" });
    expect(conversation.items[1]).toMatchObject({ kind: "tool", permission: { behavior: "allow", by: "c2", device: "me@laptop" } });
    expect(session.view?.state?.devices).toEqual(["me@laptop", "phone"]);
    session.attached({ type: "session.attached", sessionId: S, lastSeq: seq, state: { ...READY, devices: ["phone"] } });
    expect(session.view?.state).toMatchObject({ clients: 1, devices: ["phone"] });
    // from a relay that names no devices: none kept
    expect(run(prompt("hi")).items[0]).not.toHaveProperty("device");
  });

  test("a request repeated in a replay is pending once; a resolution for an unknown request is ignored", () => {
    const asked = request("r2", "t-none");
    const { session, apply } = followed({ state: "waiting_permission", clients: 1, claudePid: 5, pendingPermissions: [asked] });
    const { seq: _, ...again } = asked;
    apply({ ...again, seq: ++seq });
    expect(session.view?.pendingPermissions).toHaveLength(1);
    expect(apply(resolved("nope", "allow")).items).toEqual([]);
    expect(session.view?.pendingPermissions).toHaveLength(1);
    const conversation = apply(resolved("r2", "cancelled", "relay"));
    expect(session.view?.pendingPermissions).toEqual([]);
    expect(conversation.items.at(-1)).toMatchObject({ kind: "notice", text: "Write: request withdrawn" });
  });

  test("a client's interruption ends the turn as Interrupted, not an error; a real error stays one; a restart is noted", () => {
    const { session, apply } = followed();
    const conversation = apply(
      claude(INTERRUPTED_MARKER),
      claude(INTERRUPTED_RESULT),
      claude(API_ERROR_ASSISTANT),
      claude(API_ERROR_RESULT),
      claude({ type: "result", subtype: "error_during_execution", is_error: true }),
      { type: "session.state", sessionId: S, seq: ++seq, state: "restarting", claudePid: 0, restarts: 1, clients: 1 },
      { type: "session.state", sessionId: S, seq: ++seq, state: "restarting", claudePid: 0, restarts: 1, clients: 2 },
    );
    expect(conversation.items.map((item: Item) => [item.kind, "text" in item ? item.text : "", item.kind === "turn" && item.isError])).toEqual([
      ["turn", "", false],
      ["text", "API Error: 400 messages: text content blocks must be non-empty", false],
      ["turn", "API Error: 400 messages: text content blocks must be non-empty", true],
      // Without an interruption before it, the same end is an error.
      ["turn", "the turn ended with error_during_execution", true],
      ["notice", "Claude stopped; restarting it and resuming the conversation", false],
    ]);
    expect(conversation.items[0]).toMatchObject({ kind: "turn", interrupted: true, isError: false });
    expect(session.view?.state).toEqual({ state: "restarting", claudePid: 0, restarts: 1, clients: 2 });
  });

  test("Claude's echo of a model change and other local-command output become notes", () => {
    const conversation = run(
      claude(MODEL_SET_HAIKU),
      claude({ type: "user", message: { role: "user", content: "<local-command-stdout>Compacted</local-command-stdout>" } }),
    );
    expect(conversation.items).toMatchObject([
      { kind: "note", note: { kind: "model", model: "haiku" } },
      { kind: "note", note: { kind: "local", text: "Compacted" } },
    ]);
  });

  test("untrusted shapes are tolerated: missing content, non-object input, unknown block types", () => {
    const conversation = run(
      claude({ type: "assistant" }),
      claude({ type: "assistant", message: { content: [null, 7, { type: "image" }, { type: "tool_use", id: "t3", name: "X", input: "not an object" }] } }),
      toolResult("missing", "orphan result"),
      claude({
        type: "user",
        message: { content: [{ type: "tool_result", tool_use_id: "t3", content: [{ type: "image" }, { type: "text", text: "done" }] }] },
      }),
    );
    expect(conversation.items[0]).toMatchObject({ kind: "tool", name: "X", input: {}, result: { text: "[image]\ndone" } });
    expect(conversation.items[1]).toMatchObject({ kind: "notice", text: "orphan result" });
  });
});

describe("applyGap", () => {
  test("a non-empty gap is noted; an empty one changes nothing", () => {
    const conversation = emptyConversation(S);
    expect(applyGap(conversation, { type: "replay.gap", sessionId: S, fromSeq: 1, toSeq: 0, reason: "session_changed" })).toBe(conversation);
    const gapped = applyGap(conversation, { type: "replay.gap", sessionId: S, fromSeq: 1, toSeq: 40, reason: "evicted" });
    expect(gapped.items[0]).toMatchObject({ kind: "notice", text: "40 earlier events are no longer held by the relay (1–40)" });
  });
});
