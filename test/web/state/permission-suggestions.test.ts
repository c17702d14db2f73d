import { expect, test } from "bun:test";
import { sessionPermissions, suggestionWords } from "../../../src/web/state/permission-suggestions.ts";

test("echoed for this session only: every destination becomes session, nothing else changes", () => {
  const suggestions = [
    { type: "addRules", rules: [{ toolName: "Bash", ruleContent: "npm run *" }], behavior: "allow", destination: "localSettings" },
    { type: "setMode", mode: "acceptEdits", destination: "session" },
    { type: "addDirectories", directories: ["/home/me/notes"], destination: "projectSettings" },
    { type: "somethingNew" },
  ];
  expect(sessionPermissions(suggestions)).toEqual([
    { type: "addRules", rules: [{ toolName: "Bash", ruleContent: "npm run *" }], behavior: "allow", destination: "session" },
    { type: "setMode", mode: "acceptEdits", destination: "session" },
    { type: "addDirectories", directories: ["/home/me/notes"], destination: "session" },
    { type: "somethingNew" },
  ]);
  expect(suggestions[0]!.destination).toBe("localSettings"); // the request is not changed
});

test("in words: rules as Tool(content), a mode by what it does, directories, anything else by its type", () => {
  expect(suggestionWords({ type: "addRules", rules: [{ toolName: "Read", ruleContent: "//home/me/notes/**" }, { toolName: "WebFetch" }] })).toBe(
    "Read(//home/me/notes/**), WebFetch",
  );
  expect(suggestionWords({ type: "setMode", mode: "acceptEdits" })).toBe("file edits without asking");
  expect(suggestionWords({ type: "setMode", mode: "newMode" })).toBe("permission mode newMode");
  expect(suggestionWords({ type: "addDirectories", directories: ["/a", 3, "/b"] })).toBe("access to /a, /b");
  expect(suggestionWords({ type: "removeRules" })).toBe("removeRules");
});
