/**
 * One session's conversation as the page shows it, built from the relay's session events (pure:
 * no I/O, no DOM). Every event is applied once: an event whose seq is not above `lastSeq` is a
 * duplicate (a replay overlapping what was already shown) and changes nothing. Many sessions are a
 * map of sessionId → Conversation, each with its own `lastSeq` (see store.ts).
 *
 * Claude's stream-json lines become items: assistant text (markdown), thinking, tool calls (their
 * results attached by tool_use_id), turn ends; user prompts carry who sent them; permission
 * requests wait in `pending` until resolved, and the outcome is noted on the tool call.
 *
 * @example
 * ```ts
 * let conversation = emptyConversation("7f0c…");
 * conversation = applyEvent(conversation, { type: "user.prompt", sessionId: "7f0c…", seq: 1, text: "hi", by: "c1" });
 * conversation.items[0]; // { kind: "prompt", text: "hi", by: "c1", … }
 * applyEvent(conversation, sameEventAgain) === conversation; // true: seen already
 * ```
 */
import { type ClaudeNote, claudeNote, turnEnd } from "../../client/claude-notes.ts";
import type { PermissionRequestMessage, ReplayGapMessage, SessionEventMessage, UserPromptMessage } from "../../client/client.ts";

export type SessionStateName = Extract<SessionEventMessage, { type: "session.state" }>["state"];

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

export interface SessionStatus {
  state: SessionStateName;
  clients: number;
  /** The names of the devices connected, each once (a relay that names devices). */
  devices?: readonly string[];
  claudePid: number;
  restarts?: number;
  /** Claude's permission mode and model as the relay reports them (v2). */
  permissionMode?: string;
  model?: string;
}

export interface Conversation {
  sessionId: string;
  /** Highest seq applied; what a reconnect resumes from. */
  lastSeq: number;
  items: readonly Item[];
  /** Permission requests waiting for an answer, oldest first. */
  pending: readonly PermissionRequestMessage[];
  status?: SessionStatus;
  /** A client interrupted the turn under way (Claude said so): its end is "Interrupted", not an error. */
  interrupted?: boolean;
}

/** A session seen for the first time. */
export function emptyConversation(sessionId: string): Conversation {
  return { sessionId, lastSeq: 0, items: [], pending: [] };
}

/**
 * The state auth.ok reports (taken as the truth for what is pending: a late joiner may not have
 * the request events themselves).
 */
export function withSnapshot(
  conversation: Conversation,
  snapshot: {
    state: SessionStateName;
    clients: number;
    devices?: readonly string[];
    claudePid: number;
    pendingPermissions: PermissionRequestMessage[];
    permissionMode?: string;
    model?: string;
  },
): Conversation {
  const pending = [...snapshot.pendingPermissions].sort((a, b) => a.seq - b.seq);
  const { state, clients, devices, claudePid, permissionMode, model } = snapshot;
  return {
    ...conversation,
    pending,
    status: {
      ...conversation.status,
      state,
      clients,
      devices,
      claudePid,
      ...(permissionMode !== undefined && { permissionMode }),
      ...(model !== undefined && { model }),
    },
  };
}

/** Events the relay will not send: noted in the conversation, and later seqs follow without a hole. */
export function applyGap(conversation: Conversation, gap: ReplayGapMessage): Conversation {
  if (gap.toSeq < gap.fromSeq) return conversation;
  const count = gap.toSeq - gap.fromSeq + 1;
  const text = `${count} earlier event${count === 1 ? " is" : "s are"} no longer held by the relay (${gap.fromSeq}–${gap.toSeq})`;
  const items = [...conversation.items, { kind: "notice" as const, key: `gap:${gap.fromSeq}:${gap.toSeq}`, seq: gap.fromSeq, text, tone: "info" as const }];
  return { ...conversation, items, lastSeq: Math.max(conversation.lastSeq, gap.toSeq) };
}

/** Applies one session event; returns the same object when it was seen already. */
export function applyEvent(conversation: Conversation, event: SessionEventMessage): Conversation {
  if (event.seq <= conversation.lastSeq) return conversation;
  const next: Conversation = { ...conversation, lastSeq: event.seq };
  switch (event.type) {
    case "user.prompt":
      return append(next, {
        kind: "prompt",
        key: `${event.seq}`,
        seq: event.seq,
        text: event.text,
        by: event.by,
        ...(event.device !== undefined && { device: event.device }),
        ...(event.images?.length && { images: event.images }),
      });
    case "permission.request":
      return { ...next, pending: [...next.pending.filter((request) => request.requestId !== event.requestId), event] };
    case "permission.resolved":
      return resolvePermission(next, event.requestId, {
        behavior: event.behavior,
        by: event.by,
        ...(event.device !== undefined && { device: event.device }),
      });
    case "session.state":
      return sessionState(next, event);
    case "claude.event":
      return claudeEvent(next, event.seq, event.event);
  }
}

function append(conversation: Conversation, ...items: Item[]): Conversation {
  return items.length === 0 ? conversation : { ...conversation, items: [...conversation.items, ...items] };
}

function resolvePermission(conversation: Conversation, requestId: string, outcome: PermissionOutcome): Conversation {
  const request = conversation.pending.find((candidate) => candidate.requestId === requestId);
  const pending = conversation.pending.filter((candidate) => candidate.requestId !== requestId);
  if (!request) return { ...conversation, pending };
  const index = findTool(conversation.items, request.toolUseId);
  if (index < 0)
    return append(
      { ...conversation, pending },
      {
        kind: "notice",
        key: `${conversation.lastSeq}`,
        seq: conversation.lastSeq,
        text: `${request.toolName}: ${describeOutcome(outcome.behavior)}`,
        tone: "info",
      },
    );
  const items = [...conversation.items];
  items[index] = { ...(items[index] as Extract<Item, { kind: "tool" }>), permission: outcome };
  return { ...conversation, pending, items };
}

function describeOutcome(behavior: PermissionOutcome["behavior"]): string {
  return behavior === "allow" ? "allowed" : behavior === "deny" ? "denied" : "request withdrawn";
}

function sessionState(conversation: Conversation, event: Extract<SessionEventMessage, { type: "session.state" }>): Conversation {
  const previous = conversation.status?.state;
  const { state, clients, devices, claudePid, restarts, permissionMode, model } = event;
  const next = {
    ...conversation,
    status: {
      state,
      clients,
      ...(devices !== undefined && { devices }),
      claudePid,
      restarts,
      ...(permissionMode !== undefined && { permissionMode }),
      ...(model !== undefined && { model }),
    },
  };
  if (event.state === previous) return next;
  if (event.state === "restarting")
    return append(next, {
      kind: "notice",
      key: `${event.seq}`,
      seq: event.seq,
      text: "Claude stopped; restarting it and resuming the conversation",
      tone: "error",
    });
  if (event.state === "failed")
    return append(next, { kind: "notice", key: `${event.seq}`, seq: event.seq, text: "Claude keeps crashing; the relay gave up", tone: "error" });
  return next;
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
