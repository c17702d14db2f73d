/**
 * What Claude's bookkeeping lines mean for people (pure, no I/O), for every client: the notes
 * Claude writes as `user` lines — its echo of a model change
 * (`<local-command-stdout>Set model to haiku (claude-haiku-4-5-20251001)</local-command-stdout>`),
 * other local-command output, the marker of an interruption (`[Request interrupted by user]`) —
 * and how a turn ended: done, interrupted by a client (Claude's `error_during_execution` after
 * that marker, not an error), or a real error in Claude's words.
 *
 * Only clients interrupt Claude (the relay's `interrupt`), so the marker says a client did.
 *
 * @example
 * ```ts
 * const note = claudeNote("<local-command-stdout>Set model to haiku (claude-haiku-4-5-20251001)</local-command-stdout>");
 * noteWords(note, [{ value: "haiku", displayName: "Haiku" }]); // "Model: Haiku"
 * turnEnd({ is_error: true, subtype: "error_during_execution" }, true); // { kind: "interrupted" }
 * ```
 */

/** One of Claude's notes, classified. */
export type ClaudeNote =
  /** Claude switched model: `model` as Claude named it (an alias such as `haiku`, or a full id). */
  | { kind: "model"; model: string }
  /** Output of a local command (without its tags). */
  | { kind: "local"; text: string }
  /** A client interrupted the turn (the turn's end follows). */
  | { kind: "interrupted" }
  /** Anything else, as Claude wrote it. */
  | { kind: "text"; text: string };

/** How a turn ended. */
export type TurnEnd = { kind: "done" } | { kind: "interrupted" } | { kind: "error"; text: string };

/** A model as a session's capabilities list it (only what naming needs). */
export interface NamedModel {
  value: string;
  displayName?: string;
  resolvedModel?: string;
}

const LOCAL_OUTPUT = /^\s*<local-command-(?:stdout|stderr)>([\s\S]*?)<\/local-command-(?:stdout|stderr)>\s*$/;
const MODEL_SET = /^Set model to (\S+?)(?: \(([^)]*)\))?\s*$/;
const INTERRUPTED = /^\s*\[Request interrupted by user(?: for tool use)?\]\s*$/;

/**
 * Classifies the text of one of Claude's `user` lines that is not a tool result (its string
 * content, or one text block).
 */
export function claudeNote(text: string): ClaudeNote {
  if (INTERRUPTED.test(text)) return { kind: "interrupted" };
  const local = LOCAL_OUTPUT.exec(text);
  if (!local) return { kind: "text", text };
  const output = local[1]!.trim();
  const model = MODEL_SET.exec(output);
  return model ? { kind: "model", model: model[1]! } : { kind: "local", text: output };
}

/**
 * The words for a note: a model by the name Claude's list gives it (by alias, or by the full id
 * it stands for), else the alias capitalized or the id as it is.
 */
export function noteWords(note: ClaudeNote, models: readonly NamedModel[] = []): string {
  switch (note.kind) {
    case "model":
      return `Model: ${modelName(note.model, models)}`;
    case "interrupted":
      return "Interrupted";
    case "local":
    case "text":
      return note.text;
  }
}

/** A model's name for people: `haiku` → "Haiku" (its display name when listed). */
export function modelName(model: string, models: readonly NamedModel[] = []): string {
  const listed = models.find((entry) => entry.value === model) ?? models.find((entry) => entry.resolvedModel === model);
  if (listed?.displayName) return listed.displayName;
  return /^[a-z]+$/.test(model) ? model[0]!.toUpperCase() + model.slice(1) : model;
}

/**
 * How a turn ended, from its `result` line and whether a client interrupted it (a `claudeNote` of
 * kind `interrupted` since the turn began). An interrupted turn's `error_during_execution` is not an
 * error; any other error keeps Claude's words (or its subtype).
 */
export function turnEnd(result: { is_error?: unknown; subtype?: unknown; result?: unknown }, interrupted: boolean): TurnEnd {
  if (result.is_error !== true) return { kind: "done" };
  if (interrupted && result.subtype === "error_during_execution") return { kind: "interrupted" };
  const text = typeof result.result === "string" ? result.result.trim() : "";
  return { kind: "error", text: text || `the turn ended with ${String(result.subtype)}` };
}
