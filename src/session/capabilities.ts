/**
 * What a client needs to offer pickers for a session, pure: the models and slash commands from
 * Claude's `initialize` answer and the permission modes the relay accepts. Claude's answer is
 * large (a command's description can run to a thousand characters, a model carries effort levels
 * and flags); this keeps what a picker shows, trimmed, so it costs little in every
 * `session.attached`.
 *
 * @example
 * ```ts
 * const caps = capabilitiesFrom(initializeAnswer, ["default", "acceptEdits", "plan"]);
 * caps.models[0]; // { value: "default", displayName: "Default (recommended)", description: "Use the default model …", resolvedModel: "claude-opus-4-8[1m]" }
 * caps.commands.find((c) => c.name === "compact"); // { name: "compact", description: "…", argumentHint: "<optional custom summarization instructions>" }
 * ```
 */
import type { SessionCapabilities } from "../protocol/messages.ts";
import { isPlainObject } from "../protocol/schema.ts";
import { cutWithEllipsis } from "../shared/ellipsis.ts";

/** Longest description kept, in characters (code points); longer ones are cut with an ellipsis. */
export const MAX_DESCRIPTION_LENGTH = 160;
/** Longest name, value or hint kept; longer ones are dropped (a picker cannot use half a name). */
const MAX_NAME_LENGTH = 128;
const MAX_MODELS = 50;
const MAX_COMMANDS = 200;

export type ModelChoice = SessionCapabilities["models"][number];
export type SlashCommand = SessionCapabilities["commands"][number];

export function capabilitiesFrom(initialize: Record<string, unknown>, permissionModes: readonly string[]): SessionCapabilities {
  return { models: modelsFrom(initialize.models), commands: commandsFrom(initialize.commands), permissionModes: [...permissionModes] };
}

/** Whether two sets of capabilities would look the same to a client. */
export function sameCapabilities(a: SessionCapabilities | undefined, b: SessionCapabilities | undefined): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

function modelsFrom(value: unknown): ModelChoice[] {
  return entries(value, MAX_MODELS).flatMap((item) => {
    const modelValue = name(item.value);
    if (modelValue === undefined) return [];
    return [
      {
        value: modelValue,
        displayName: name(item.displayName) ?? modelValue,
        ...present({ description: trimmed(item.description), resolvedModel: name(item.resolvedModel) }),
      },
    ];
  });
}

function commandsFrom(value: unknown): SlashCommand[] {
  return entries(value, MAX_COMMANDS).flatMap((item) => {
    const commandName = name(item.name);
    if (commandName === undefined) return [];
    return [{ name: commandName, ...present({ description: trimmed(item.description), argumentHint: name(item.argumentHint) }) }];
  });
}

/** The fields that have a (non-empty) value: a picker has nothing to show for the others. */
function present<K extends string>(fields: Record<K, string | undefined>): Partial<Record<K, string>> {
  return Object.fromEntries(Object.entries(fields).filter(([, value]) => typeof value === "string" && value !== "")) as Partial<Record<K, string>>;
}

function entries(value: unknown, max: number): Record<string, unknown>[] {
  return Array.isArray(value) ? value.filter(isPlainObject).slice(0, max) : [];
}

function name(value: unknown): string | undefined {
  return typeof value === "string" && value.length > 0 && value.length <= MAX_NAME_LENGTH ? value : undefined;
}

/** The text with runs of whitespace made single spaces, cut to {@link MAX_DESCRIPTION_LENGTH}. */
function trimmed(value: unknown): string | undefined {
  if (typeof value !== "string") return undefined;
  return cutWithEllipsis(value.replace(/\s+/g, " ").trim(), MAX_DESCRIPTION_LENGTH);
}
