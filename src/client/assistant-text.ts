/**
 * Claude's answer text out of its stream-json lines, as it comes (pure): whole text blocks from
 * `assistant` lines, or — when Claude runs with `--include-partial-messages` — the text deltas of
 * its `stream_event` lines, each block only once. Sub-agents' text (lines with a
 * `parent_tool_use_id`) is not the answer and is left out, and so are the messages Claude makes up
 * for a failed turn (lines with an `error`, e.g. "Not logged in"): the turn's result says those.
 * Every block ends with a newline.
 *
 * @example
 * ```ts
 * const text = new AssistantText();
 * text.take({ type: "assistant", message: { id: "m1", content: [{ type: "text", text: "Done." }] } }); // "Done.\n"
 * ```
 */

/** Message ids whose text already streamed as deltas; only the most recent are remembered. */
const MAX_STREAMED_IDS = 256;

interface StreamLine {
  type?: unknown;
  parent_tool_use_id?: unknown;
  error?: unknown;
  message?: { id?: unknown; content?: unknown };
  event?: { type?: unknown; message?: { id?: unknown }; delta?: { type?: unknown; text?: unknown } };
}

export class AssistantText {
  readonly #streamed = new Set<string>();
  #message: string | undefined;
  /** A text block is streaming; its end needs a newline unless its text ended with one. */
  #open = false;
  #endsWithNewline = true;

  /** The text this line adds to the answer, or undefined. */
  take(event: unknown): string | undefined {
    if (typeof event !== "object" || event === null) return undefined;
    const line = event as StreamLine;
    if (line.parent_tool_use_id !== undefined && line.parent_tool_use_id !== null) return undefined;
    if (line.type === "stream_event") return this.#delta(line.event);
    if (line.type !== "assistant" || line.error !== undefined) return undefined;
    const id = typeof line.message?.id === "string" ? line.message.id : undefined;
    if (id !== undefined && this.#streamed.has(id)) return undefined;
    const content = Array.isArray(line.message?.content) ? (line.message.content as Array<{ type?: unknown; text?: unknown }>) : [];
    const texts = content.filter((block) => block.type === "text" && typeof block.text === "string" && block.text !== "").map((block) => block.text as string);
    return texts.length === 0 ? undefined : texts.map((text) => (text.endsWith("\n") ? text : `${text}\n`)).join("");
  }

  #delta(event: StreamLine["event"]): string | undefined {
    switch (event?.type) {
      case "message_start":
        this.#message = typeof event.message?.id === "string" ? event.message.id : undefined;
        return undefined;
      case "content_block_delta": {
        if (event.delta?.type !== "text_delta" || typeof event.delta.text !== "string" || event.delta.text === "") return undefined;
        if (this.#message !== undefined) this.#remember(this.#message);
        this.#open = true;
        this.#endsWithNewline = event.delta.text.endsWith("\n");
        return event.delta.text;
      }
      case "content_block_stop": {
        if (!this.#open) return undefined;
        this.#open = false;
        return this.#endsWithNewline ? undefined : "\n";
      }
      default:
        return undefined;
    }
  }

  #remember(id: string): void {
    if (this.#streamed.has(id)) return;
    if (this.#streamed.size >= MAX_STREAMED_IDS) this.#streamed.delete(this.#streamed.values().next().value!);
    this.#streamed.add(id);
  }
}
