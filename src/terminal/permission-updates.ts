/**
 * "Allow for this session" (pure): Claude's `suggestions` on a permission request, kept to this
 * session (`destination: "session"` — nothing written to the project's settings), and said in
 * words for the question (docs/protocol.md, "Allow for this session").
 *
 * @example
 * ```ts
 * forThisSession([{ type: "addRules", rules: [{ toolName: "Bash", ruleContent: "npm test" }], behavior: "allow", destination: "localSettings" }]);
 * // [{ …, destination: "session" }]
 * updatesInWords([{ type: "setMode", mode: "acceptEdits", destination: "session" }]); // "accept edits without asking"
 * ```
 */

type Update = Record<string, unknown>;

/**
 * The suggestions with every destination set to this session (a Claude restart asks again).
 *
 * @example
 * forThisSession(undefined); // []
 */
export function forThisSession(suggestions: readonly Update[] | undefined): Update[] {
  return (suggestions ?? []).map((update) => ("destination" in update ? { ...update, destination: "session" } : update));
}

/**
 * What the updates allow, in a few words.
 *
 * @example
 * updatesInWords([{ type: "addRules", rules: [{ toolName: "Read", ruleContent: "//home/me/notes/**" }] }]); // "Read(//home/me/notes/**)"
 */
export function updatesInWords(updates: readonly Update[]): string {
  return updates.map(updateInWords).join(", ");
}

function updateInWords(update: Update): string {
  switch (update.type) {
    case "setMode":
      return update.mode === "acceptEdits" ? "accept edits without asking" : `mode ${String(update.mode)}`;
    case "addRules": {
      const rules = Array.isArray(update.rules) ? (update.rules as Array<{ toolName?: unknown; ruleContent?: unknown }>) : [];
      return (
        rules.map((rule) => (typeof rule.ruleContent === "string" ? `${String(rule.toolName)}(${rule.ruleContent})` : String(rule.toolName))).join(", ") ||
        "these rules"
      );
    }
    case "addDirectories": {
      const directories = Array.isArray(update.directories) ? (update.directories as unknown[]).map(String) : [];
      return directories.length > 0 ? `the directory ${directories.join(", ")}` : "more directories";
    }
    default:
      return String(update.type);
  }
}
