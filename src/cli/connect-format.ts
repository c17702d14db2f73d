/**
 * How `claude-relay connect` shows the session in a terminal (pure: frames in, lines out).
 * Assistant text, tool uses and their results, prompts from other devices, state changes and
 * permission requests with how to answer them; Claude's bookkeeping lines are left out.
 *
 * @example
 * ```ts
 * const view = new SessionView(() => client.clientId);
 * const text = view.event(message);     // e.g. "claude: Done." — undefined when there is nothing to show
 * if (text !== undefined) process.stdout.write(text + "\n");
 * ```
 */
import type { AuthOkMessage, PermissionRequestMessage, ReplayGapMessage, SessionEventMessage } from "../client/messages.ts";

/** At most this many request ids are remembered to name the tool when the answer comes. */
const MAX_REMEMBERED_REQUESTS = 1000;

export class SessionView {
  #state: string | undefined;
  #clients: number | undefined;
  readonly #toolNames = new Map<string, string>();

  /** `ownClientId` tells our own prompts and answers from other devices'. */
  constructor(private readonly ownClientId: () => string | undefined) {}

  /** The greeting after authenticating (also after each reconnect, shorter). */
  connected(ok: AuthOkMessage, url: string, resumed: boolean): string {
    this.#state = ok.state.state;
    this.#clients = ok.state.clients;
    const lines = resumed
      ? [`reconnected to ${url}`]
      : [
          `connected to ${url} as ${ok.key.fingerprint} (${ok.key.type}${ok.key.comment ? ` ${ok.key.comment}` : ""})`,
          `session ${ok.sessionId}: Claude is ${ok.state.state}, ${plural(ok.state.clients, "client")} connected. Type a prompt, or /help.`,
        ];
    for (const request of ok.state.pendingPermissions) lines.push(this.#permissionRequest(request));
    return lines.join("\n");
  }

  /** One session event, or undefined when it is not worth a line. */
  event(message: SessionEventMessage): string | undefined {
    switch (message.type) {
      case "claude.event":
        return claudeEvent(message.event);
      case "user.prompt":
        return message.by === this.ownClientId() ? undefined : `[${shortId(message.by)}] > ${message.text}`;
      case "permission.request":
        return this.#permissionRequest(message);
      case "permission.resolved": {
        const tool = this.#toolNames.get(message.requestId) ?? "the tool";
        this.#toolNames.delete(message.requestId);
        const who = message.by === this.ownClientId() ? "you" : message.by === "claude" || message.by === "relay" ? message.by : `client ${shortId(message.by)}`;
        if (message.behavior === "cancelled") return `- permission for ${tool} withdrawn (by ${who})`;
        return `${message.behavior === "allow" ? "+" : "-"} ${tool} ${message.behavior === "allow" ? "allowed" : "denied"} by ${who}`;
      }
      case "session.state": {
        const lines: string[] = [];
        if (message.state !== this.#state) lines.push(`· Claude is ${message.state}${message.restarts > 0 ? ` (restarts: ${message.restarts})` : ""}`);
        if (message.clients !== this.#clients) lines.push(`· ${plural(message.clients, "client")} connected`);
        this.#state = message.state;
        this.#clients = message.clients;
        return lines.length > 0 ? lines.join("\n") : undefined;
      }
    }
  }

  gap(gap: ReplayGapMessage): string {
    const why = gap.reason === "session_changed" ? "the relay runs a new session" : gap.reason === "detected" ? "they never arrived" : "the relay no longer holds them";
    return gap.toSeq < gap.fromSeq ? `! ${why}` : `! missed events ${gap.fromSeq}–${gap.toSeq}: ${why}`;
  }

  #permissionRequest(request: PermissionRequestMessage): string {
    if (this.#toolNames.size >= MAX_REMEMBERED_REQUESTS) this.#toolNames.delete(this.#toolNames.keys().next().value!);
    this.#toolNames.set(request.requestId, request.toolName);
    const id = shortId(request.requestId);
    return [
      `? Claude asks to use ${request.toolName}: ${summarizeInput(request.input)}  [request ${id}]`,
      `  answer: /allow ${id}   or   /deny ${id} [reason]`,
    ].join("\n");
  }
}

/** A stream-json line from Claude as terminal text: assistant text, tool uses, tool results, turn ends. */
export function claudeEvent(event: unknown): string | undefined {
  const line = event as { type?: string; subtype?: string; message?: { content?: unknown }; is_error?: boolean; duration_ms?: number; total_cost_usd?: number; result?: unknown };
  const blocks = Array.isArray(line.message?.content) ? (line.message.content as Array<Record<string, unknown>>) : [];
  switch (line.type) {
    case "assistant": {
      const parts = blocks.flatMap((block) => {
        if (block.type === "text" && typeof block.text === "string") return [`claude: ${block.text}`];
        if (block.type === "tool_use") return [`tool: ${String(block.name)} ${summarizeInput(block.input)}`];
        return [];
      });
      return parts.length > 0 ? parts.join("\n") : undefined;
    }
    case "user": {
      const results = blocks.filter((block) => block.type === "tool_result");
      if (results.length === 0) return undefined;
      return results.map((block) => `result${block.is_error ? " (error)" : ""}: ${truncate(resultText(block.content), 200)}`).join("\n");
    }
    case "result": {
      const took = typeof line.duration_ms === "number" ? ` in ${(line.duration_ms / 1000).toFixed(1)} s` : "";
      const cost = typeof line.total_cost_usd === "number" && line.total_cost_usd > 0 ? `, $${line.total_cost_usd.toFixed(4)}` : "";
      return line.is_error ? `= turn ended: ${line.subtype ?? "error"}${took}` : `= done${took}${cost}`;
    }
    default:
      return undefined;
  }
}

/**
 * A tool input in one short line: `key: value` pairs, long or multi-line strings cut.
 *
 * @example
 * summarizeInput({ file_path: "/a.txt", content: "hello\nworld" }); // 'file_path: /a.txt, content: "hello\nworld"'
 */
export function summarizeInput(input: unknown, maxLength = 160): string {
  if (typeof input !== "object" || input === null) return truncate(JSON.stringify(input) ?? "", maxLength);
  const pairs = Object.entries(input).map(([key, value]) => {
    const shown = typeof value === "string" && !/[\s",]/.test(value) ? value : JSON.stringify(value);
    return `${key}: ${truncate(shown ?? "", 60)}`;
  });
  return truncate(pairs.join(", "), maxLength);
}

/** The first 8 characters of an id: enough to tell requests and devices apart, and to type. */
export function shortId(id: string): string {
  return id.slice(0, 8);
}

function resultText(content: unknown): string {
  if (typeof content === "string") return content;
  if (Array.isArray(content)) return content.map((part) => (typeof part?.text === "string" ? part.text : "")).join(" ");
  return JSON.stringify(content) ?? "";
}

function truncate(text: string, max: number): string {
  const flat = text.replace(/\s*\n\s*/g, " ⏎ ");
  return flat.length <= max ? flat : `${flat.slice(0, max - 1)}…`;
}

function plural(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? "" : "s"}`;
}
