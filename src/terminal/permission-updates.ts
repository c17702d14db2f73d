/**
 * "Allow for this session" in the terminal's words (pure): what Claude's suggested permission
 * updates allow, for the question and the note after answering. Turning them into the answer
 * (every destination `session`) is the rule both clients share: src/client/permission-answers.ts.
 *
 * @example
 * ```ts
 * updatesInWords([{ type: "setMode", mode: "acceptEdits", destination: "session" }]); // "accept edits without asking"
 * ```
 */

type Update = Record<string, unknown>;

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
