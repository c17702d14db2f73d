/**
 * The title of one of Claude's earlier conversations, from the head of its transcript (JSON lines,
 * see docs/claude-stream-json.md): the first prompt a person typed, as a session's title is made
 * (its first non-blank line, at most 80 characters). Lines Claude adds on its own are skipped: meta
 * lines (`isMeta`, e.g. the local-command caveat), replayed, compact-summary and transcript-only
 * lines, sub-agent (sidechain) lines, tool results, and the records of slash commands and their
 * output (`<command-name>…`, `<local-command-stdout>…`). Pure.
 *
 * @example
 * ```ts
 * transcriptTitle('{"type":"user","message":{"role":"user","content":"Fix the login test\nplease"}}\n'); // "Fix the login test"
 * ```
 */
import { isPlainObject } from "../protocol/schema.ts";
import { sessionTitle } from "./session-info.ts";

/** Flags Claude sets on user lines that no person typed. */
const NOT_TYPED = ["isMeta", "isReplay", "isCompactSummary", "isVisibleInTranscriptOnly", "isSidechain"] as const;

/** Text Claude records in user lines for commands and their output rather than as prompts. */
const GENERATED = /^\s*(<(command-name|command-message|command-args|local-command-[a-z-]+|bash-input|bash-stdout|bash-stderr)>|\[Request interrupted by user)/;

/** The first typed prompt's title in `head` (whole lines; a cut last line is ignored), or undefined. */
export function transcriptTitle(head: string): string | undefined {
  for (const line of head.split("\n")) {
    if (!line.includes('"user"')) continue; // most lines are Claude's: skip them without parsing
    let entry: unknown;
    try {
      entry = JSON.parse(line);
    } catch {
      continue; // the head may end inside a line
    }
    const text = typedPrompt(entry);
    const title = text === undefined ? undefined : sessionTitle(text);
    if (title !== undefined) return title;
  }
  return undefined;
}

/** The text of a transcript line when it is a prompt a person typed; undefined for anything else. */
function typedPrompt(entry: unknown): string | undefined {
  if (!isPlainObject(entry) || entry.type !== "user") return undefined;
  if (NOT_TYPED.some((flag) => entry[flag] === true)) return undefined;
  const message = entry.message;
  const content = isPlainObject(message) ? message.content : undefined;
  let text: string;
  if (typeof content === "string") text = content;
  else if (Array.isArray(content)) {
    if (content.some((block) => isPlainObject(block) && block.type === "tool_result")) return undefined;
    text = content
      .filter((block): block is { type: "text"; text: string } => isPlainObject(block) && block.type === "text" && typeof block.text === "string")
      .map((block) => block.text)
      .join("\n");
  } else return undefined;
  return GENERATED.test(text) ? undefined : text;
}
