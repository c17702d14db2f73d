/**
 * "Allow for this session" (pure): Claude's suggestions on a permission request, echoed as the
 * answer's `updatedPermissions` with every `destination` set to `session` — so nothing is written
 * to the project's settings and the rule lasts as long as the session's Claude — and said in words
 * on the card.
 *
 * @example
 * ```ts
 * sessionPermissions([{ type: "addRules", rules: [{ toolName: "Bash", ruleContent: "npm test" }], behavior: "allow", destination: "localSettings" }]);
 * // [{ type: "addRules", rules: [...], behavior: "allow", destination: "session" }]
 * suggestionWords({ type: "setMode", mode: "acceptEdits", destination: "session" }); // "file edits without asking"
 * ```
 */

export type Suggestion = Record<string, unknown>;

/** The suggestions as `updatedPermissions` for this session only. */
export function sessionPermissions(suggestions: readonly Suggestion[]): Suggestion[] {
  return suggestions.map((suggestion) => ("destination" in suggestion ? { ...suggestion, destination: "session" } : suggestion));
}

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
