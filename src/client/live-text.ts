/**
 * Claude's text block in progress, out of its lines (pure; the live view, v3): the main thread's
 * `text_delta`s (`claude.partial` frames) grow it; the complete `assistant` line (which
 * supersedes the partials), the turn's `result`, or a block's or message's start or stop end it.
 * A sub-agent's lines (`parent_tool_use_id`) and thinking or tool-input deltas leave it alone.
 * The web app shows it as its live item, the terminal prints what each line adds.
 *
 * @example
 * ```ts
 * let text: string | undefined;
 * for (const frame of partialFrames) text = liveTextAfter(text, frame.event);
 * ```
 */
type Json = Record<string, unknown>;
const isObject = (value: unknown): value is Json => typeof value === "object" && value !== null && !Array.isArray(value);

/**
 * The text in progress after one of Claude's lines (a `stream_event` or a complete line): grown
 * by a main-thread `text_delta`, gone when a message or block starts or stops, when the complete
 * `assistant` line or the `result` comes; unchanged otherwise (same value).
 *
 * @example
 * liveTextAfter("The ", { type: "stream_event", parent_tool_use_id: null, event: { type: "content_block_delta", index: 0, delta: { type: "text_delta", text: "answer" } } }); // "The answer"
 */
export function liveTextAfter(text: string | undefined, line: unknown): string | undefined {
  if (!isObject(line) || (line.parent_tool_use_id !== undefined && line.parent_tool_use_id !== null)) return text;
  if (line.type === "assistant" || line.type === "result") return undefined;
  if (line.type !== "stream_event" || !isObject(line.event)) return text;
  const event = line.event;
  switch (event.type) {
    case "content_block_delta": {
      const delta = event.delta;
      return isObject(delta) && delta.type === "text_delta" && typeof delta.text === "string" ? (text ?? "") + delta.text : text;
    }
    case "message_start":
    case "content_block_start":
    case "content_block_stop":
    case "message_stop":
      return undefined;
    default:
      return text;
  }
}
