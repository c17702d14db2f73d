/**
 * One session's conversation as the page shows it: the items built from the session events the
 * client delivers (pure: no I/O, no DOM). The client's model owns everything else about the
 * session — where the page stands (each event is delivered once, in order), the permission
 * requests waiting, the state — and the page mirrors it (store.ts); an event is applied with the
 * session as the model knew it just before (`before`): the request a resolution answers, the
 * state a new one changes from.
 *
 * Claude's stream-json lines become items: assistant text (markdown), thinking, tool calls (their
 * results attached by tool_use_id), turn ends; user prompts carry who sent them; a permission's
 * outcome is noted on its tool call.
 *
 * @example
 * ```ts
 * let conversation = emptyConversation("7f0c…");
 * conversation = applyEvent(conversation, { type: "user.prompt", sessionId: "7f0c…", seq: 1, text: "hi", by: "c1" }, client.sessionViews[0]);
 * conversation.items[0]; // { kind: "prompt", text: "hi", by: "c1", … }
 * ```
 */
import { type ClaudeNote, claudeNote, turnEnd } from "../../client/claude-notes.ts";
import type { ReplayGapMessage, SessionEventMessage, SessionView, UserPromptMessage } from "../../client/client.ts";

export interface ToolResult {
  text: string;
  isError: boolean;
}

export interface PermissionOutcome {
  behavior: "allow" | "deny" | "cancelled";
  by: string;
  /** The answering device's name, when a device answered (and the relay names devices). */
  device?: string;
}

export type Item =
  | { kind: "prompt"; key: string; seq: number; text: string; by: string; device?: string; images?: readonly PromptImageInfo[] }
  | { kind: "text"; key: string; seq: number; text: string }
  | { kind: "thinking"; key: string; seq: number; text: string }
  | {
      kind: "tool";
      key: string;
      seq: number;
      toolUseId: string;
      name: string;
      input: Record<string, unknown>;
      result?: ToolResult;
      permission?: PermissionOutcome;
      /** A sub-agent's output (the Task tool's): its own items, shown under this call, not in the conversation. */
      children?: readonly Item[];
    }
  | { kind: "turn"; key: string; seq: number; isError: boolean; interrupted?: true; text?: string; durationMs?: number; costUsd?: number }
  | { kind: "notice"; key: string; seq: number; text: string; tone: "info" | "error" }
  /** One of Claude's notes (a model change, local-command output), worded by the view (claude-notes.ts). */
  | { kind: "note"; key: string; seq: number; note: ClaudeNote };

/** An image sent with a prompt, as the relay lists it (its bytes went to Claude only). */
export type PromptImageInfo = NonNullable<UserPromptMessage["images"]>[number];

export interface Conversation {
  sessionId: string;
  items: readonly Item[];
  /** A client interrupted the turn under way (Claude said so): its end is "Interrupted", not an error. */
  interrupted?: boolean;
}

/** What the client's model knew of the session just before an event. */
export type SessionBefore = Pick<SessionView, "pendingPermissions" | "state"> | undefined;

/** A session seen for the first time. */
export function emptyConversation(sessionId: string): Conversation {
  return { sessionId, items: [] };
}

/** Events the relay will not send: noted in the conversation. */
export function applyGap(conversation: Conversation, gap: ReplayGapMessage): Conversation {
  if (gap.toSeq < gap.fromSeq) return conversation;
  const count = gap.toSeq - gap.fromSeq + 1;
  const text = `${count} earlier event${count === 1 ? " is" : "s are"} no longer held by the relay (${gap.fromSeq}–${gap.toSeq})`;
  return append(conversation, { kind: "notice", key: `gap:${gap.fromSeq}:${gap.toSeq}`, seq: gap.fromSeq, text, tone: "info" });
}

/** Applies one session event (delivered once by the client); returns the same object when it adds nothing. */
export function applyEvent(conversation: Conversation, event: SessionEventMessage, before: SessionBefore): Conversation {
  switch (event.type) {
    case "user.prompt":
      return append(conversation, {
        kind: "prompt",
        key: `${event.seq}`,
        seq: event.seq,
        text: event.text,
        by: event.by,
        ...(event.device !== undefined && { device: event.device }),
        ...(event.images?.length && { images: event.images }),
      });
    case "permission.request":
      return conversation; // waiting: the model's pendingPermissions
    case "permission.resolved":
      return resolvePermission(conversation, event, before, {
        behavior: event.behavior,
        by: event.by,
        ...(event.device !== undefined && { device: event.device }),
      });
    case "session.state":
      return sessionState(conversation, event, before?.state?.state);
    case "claude.event":
      return claudeEvent(conversation, event.seq, event.event);
  }
}

function append(conversation: Conversation, ...items: Item[]): Conversation {
  return items.length === 0 ? conversation : { ...conversation, items: [...conversation.items, ...items] };
}

function resolvePermission(
  conversation: Conversation,
  { requestId, seq }: Extract<SessionEventMessage, { type: "permission.resolved" }>,
  before: SessionBefore,
  outcome: PermissionOutcome,
): Conversation {
  const request = before?.pendingPermissions.find((candidate) => candidate.requestId === requestId);
  if (!request) return conversation;
  const index = findTool(conversation.items, request.toolUseId);
  if (index < 0)
    return append(conversation, { kind: "notice", key: `${seq}`, seq, text: `${request.toolName}: ${describeOutcome(outcome.behavior)}`, tone: "info" });
  const items = [...conversation.items];
  items[index] = { ...(items[index] as Extract<Item, { kind: "tool" }>), permission: outcome };
  return { ...conversation, items };
}

function describeOutcome(behavior: PermissionOutcome["behavior"]): string {
  return behavior === "allow" ? "allowed" : behavior === "deny" ? "denied" : "request withdrawn";
}

/** A state change Claude's crashes bring is noted in the conversation (the state itself is the model's). */
function sessionState(conversation: Conversation, event: Extract<SessionEventMessage, { type: "session.state" }>, previous: string | undefined): Conversation {
  if (event.state === previous) return conversation;
  if (event.state === "restarting")
    return append(conversation, {
      kind: "notice",
      key: `${event.seq}`,
      seq: event.seq,
      text: "Claude stopped; restarting it and resuming the conversation",
      tone: "error",
    });
  if (event.state === "failed")
    return append(conversation, { kind: "notice", key: `${event.seq}`, seq: event.seq, text: "Claude keeps crashing; the relay gave up", tone: "error" });
  return conversation;
}

/** Index of the tool call with this id, searching from the end (results follow their calls closely). */
function findTool(items: readonly Item[], toolUseId: string): number {
  for (let i = items.length - 1; i >= 0; i--) {
    const item = items[i]!;
    if (item.kind === "tool" && item.toolUseId === toolUseId) return i;
  }
  return -1;
}

type Json = Record<string, unknown>;
const isObject = (value: unknown): value is Json => typeof value === "object" && value !== null && !Array.isArray(value);
const blocksOf = (message: unknown): Json[] => (isObject(message) && Array.isArray(message.content) ? message.content.filter(isObject) : []);

function claudeEvent(conversation: Conversation, seq: number, event: unknown): Conversation {
  if (!isObject(event)) return conversation;
  if (typeof event.parent_tool_use_id === "string") {
    const nested = subAgentEvent(conversation, seq, event, event.parent_tool_use_id);
    if (nested) return nested;
  }
  switch (event.type) {
    case "assistant":
      return append(conversation, ...assistantItems(seq, blocksOf(event.message)));
    case "user":
      return userEvent(conversation, seq, event.message);
    case "result": {
      const end = turnEnd(event, conversation.interrupted === true);
      return append(
        { ...conversation, interrupted: false },
        {
          kind: "turn",
          key: `${seq}`,
          seq,
          isError: end.kind === "error",
          ...(end.kind === "interrupted" && { interrupted: true as const }),
          ...(end.kind === "error" && { text: end.text }),
          ...(typeof event.duration_ms === "number" && { durationMs: event.duration_ms }),
          ...(typeof event.total_cost_usd === "number" && { costUsd: event.total_cost_usd }),
        },
      );
    }
    default:
      return conversation; // system lines (init, task notifications) are not part of the conversation
  }
}

/**
 * A sub-agent's line (its `parent_tool_use_id` names the Task call that started it): its items go
 * under that call. Undefined when the call is not in the conversation (e.g. no longer held): then
 * the line is shown as any other.
 */
function subAgentEvent(conversation: Conversation, seq: number, event: Json, parent: string): Conversation | undefined {
  const at = findTool(conversation.items, parent);
  if (at < 0) return undefined;
  const call = conversation.items[at] as Extract<Item, { kind: "tool" }>;
  const before = call.children ?? [];
  const inner = claudeEvent({ ...conversation, items: before, interrupted: false }, seq, { ...event, parent_tool_use_id: null });
  if (inner.items === before) return conversation;
  const items = [...conversation.items];
  items[at] = { ...call, children: inner.items };
  return { ...conversation, items };
}

function assistantItems(seq: number, blocks: Json[]): Item[] {
  const items: Item[] = [];
  blocks.forEach((block, index) => {
    const key = `${seq}:${index}`;
    if (block.type === "text" && typeof block.text === "string") items.push({ kind: "text", key, seq, text: block.text });
    else if (block.type === "thinking" && typeof block.thinking === "string" && block.thinking)
      items.push({ kind: "thinking", key, seq, text: block.thinking });
    else if (block.type === "tool_use" && typeof block.id === "string") {
      items.push({ kind: "tool", key, seq, toolUseId: block.id, name: String(block.name ?? "tool"), input: isObject(block.input) ? block.input : {} });
    }
  });
  return items;
}

/** Claude's "user" lines: tool results (attached to their calls) and its notes (a model change, an interruption). */
function userEvent(conversation: Conversation, seq: number, message: unknown): Conversation {
  const texts = isObject(message) && typeof message.content === "string" ? [message.content] : [];
  let items = conversation.items;
  const extra: Item[] = [];
  for (const [index, block] of blocksOf(message).entries()) {
    if (block.type === "tool_result" && typeof block.tool_use_id === "string") {
      const at = findTool(items, block.tool_use_id);
      const result = { text: resultText(block.content), isError: block.is_error === true };
      if (at < 0) {
        extra.push(notice(seq, index, result.text));
        continue;
      }
      if (items === conversation.items) items = [...items];
      (items as Item[])[at] = { ...(items[at] as Extract<Item, { kind: "tool" }>), result };
    } else if (block.type === "text" && typeof block.text === "string") {
      texts[index] = block.text;
    }
  }
  let interrupted = conversation.interrupted;
  texts.forEach((text, index) => {
    const note = claudeNote(text);
    // An interruption is said by the turn's end, which follows.
    if (note.kind === "interrupted") interrupted = true;
    else extra.push({ kind: "note", key: `${seq}:${index}`, seq, note });
  });
  return append({ ...conversation, items, ...(interrupted && { interrupted }) }, ...extra);
}

function notice(seq: number, index: number, text: string): Item {
  return { kind: "notice", key: `${seq}:${index}`, seq, text, tone: "info" };
}

/** A tool_result's content: a string, or blocks of which the text ones are shown. */
function resultText(content: unknown): string {
  if (typeof content === "string") return content;
  if (!Array.isArray(content)) return "";
  return content
    .filter(isObject)
    .map((block) => (block.type === "text" && typeof block.text === "string" ? block.text : `[${String(block.type)}]`))
    .join("\n");
}
