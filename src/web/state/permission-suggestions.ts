/**
 * "Allow for this session" in the card's words (pure): what accepting Claude's suggestions allows
 * from now on. Turning them into the answer (every destination `session`) is the rule both clients
 * share: src/client/permission-answers.ts.
 *
 * @example
 * ```ts
 * suggestionWords({ type: "setMode", mode: "acceptEdits", destination: "session" }); // "file edits without asking"
 * ```
 */

export type Suggestion = Record<string, unknown>;

const MODE_WORDS: Record<string, string> = {
  default: "ask again before edits and commands",
  acceptEdits: "file edits without asking",
  plan: "plan mode",
  bypassPermissions: "every tool without asking",
};

/** What accepting one suggestion allows from now on, for people. */
export function suggestionWords(suggestion: Suggestion): string {
  const list = (value: unknown) => (Array.isArray(value) ? value.filter((item): item is string => typeof item === "string") : []);
  switch (suggestion.type) {
    case "setMode":
      return MODE_WORDS[String(suggestion.mode)] ?? `permission mode ${String(suggestion.mode)}`;
    case "addRules":
    case "replaceRules": {
      const rules = Array.isArray(suggestion.rules)
        ? suggestion.rules.filter((rule): rule is Record<string, unknown> => typeof rule === "object" && rule !== null)
        : [];
      return rules.map((rule) => (typeof rule.ruleContent === "string" ? `${String(rule.toolName)}(${rule.ruleContent})` : String(rule.toolName))).join(", ");
    }
    case "addDirectories":
      return `access to ${list(suggestion.directories).join(", ")}`;
    default:
      return String(suggestion.type);
  }
}
