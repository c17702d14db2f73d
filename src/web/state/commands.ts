/**
 * Slash commands offered while the prompt is being typed (pure): once the text is a `/` followed
 * by the start of a name (no space yet), Claude's commands whose name starts with it, then those
 * whose name contains it, in Claude's order within each.
 *
 * @example
 * ```ts
 * commandMatches("/co", [{ name: "compact" }, { name: "config" }, { name: "code-review" }, { name: "clear" }]);
 * // [{ name: "compact" }, { name: "config" }, { name: "code-review" }]
 * commandMatches("hello /co", commands); // []: only at the start of the prompt
 * ```
 */
import type { SessionCapabilities } from "../../protocol/messages.ts";

export type SlashCommand = SessionCapabilities["commands"][number];

/** The commands to offer for `text`, all of them (none unless `text` is `/` and a name's start). */
export function commandMatches(text: string, commands: readonly SlashCommand[]): SlashCommand[] {
  const typed = /^\/(\S*)$/.exec(text)?.[1];
  if (typed === undefined) return [];
  const wanted = typed.toLowerCase();
  const starts = commands.filter((command) => command.name.toLowerCase().startsWith(wanted));
  const contains = commands.filter((command) => !command.name.toLowerCase().startsWith(wanted) && command.name.toLowerCase().includes(wanted));
  return [...starts, ...contains];
}

/** The prompt text once a command is picked: `/name ` ready for its arguments. */
export function commandText(command: SlashCommand): string {
  return `/${command.name} `;
}
