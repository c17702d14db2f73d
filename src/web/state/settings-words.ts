/**
 * How the pickers word a session's permission modes (pure), and which models to offer: Claude's
 * list, plus the model the session runs when it is not in the list (a full id chosen elsewhere),
 * so the current value is always shown.
 *
 * @example
 * ```ts
 * modeWords("acceptEdits");                         // "Accept edits"
 * modelChoices([{ value: "haiku", displayName: "Haiku", … }], "claude-opus-4-1"); // [{ value: "claude-opus-4-1", label: "claude-opus-4-1" }, { value: "haiku", label: "Haiku" }]
 * ```
 */
import type { SessionCapabilities } from "../../protocol/messages.ts";

/** Short, to fit a phone's picker; docs/web-app.md says what each does. */
const MODE_WORDS: Record<string, string> = {
  default: "Ask before edits",
  acceptEdits: "Accept edits",
  plan: "Plan first",
  bypassPermissions: "Bypass permissions",
};

/** A permission mode for the picker (an unknown one, as Claude named it). */
export function modeWords(mode: string): string {
  return MODE_WORDS[mode] ?? mode;
}

export interface Choice {
  value: string;
  label: string;
}

/** The picker's models; `current` first when Claude does not list it. Claude's default is the choice when none is set. */
export function modelChoices(models: SessionCapabilities["models"], current: string | undefined): Choice[] {
  const listed = models.map((model) => ({ value: model.value, label: model.displayName || model.value }));
  const known = current === undefined || models.some((model) => model.value === current || model.resolvedModel === current);
  return known ? listed : [{ value: current, label: current }, ...listed];
}

/** The value the model picker shows: the chosen value, or the listed model Claude reported by its full id, or Claude's default. */
export function shownModel(models: SessionCapabilities["models"], current: string | undefined): string | undefined {
  if (current === undefined) return models.some((model) => model.value === "default") ? "default" : undefined;
  return models.find((model) => model.value === current)?.value ?? models.find((model) => model.resolvedModel === current)?.value ?? current;
}
