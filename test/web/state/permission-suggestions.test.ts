import { expect, test } from "bun:test";
import { suggestionWords } from "../../../src/web/state/permission-suggestions.ts";

test("in words: rules as Tool(content), a mode by what it does, directories, anything else by its type", () => {
  expect(suggestionWords({ type: "addRules", rules: [{ toolName: "Read", ruleContent: "//home/me/notes/**" }, { toolName: "WebFetch" }] })).toBe(
    "Read(//home/me/notes/**), WebFetch",
  );
  expect(suggestionWords({ type: "setMode", mode: "acceptEdits" })).toBe("file edits without asking");
  expect(suggestionWords({ type: "setMode", mode: "newMode" })).toBe("permission mode newMode");
  expect(suggestionWords({ type: "addDirectories", directories: ["/a", 3, "/b"] })).toBe("access to /a, /b");
  expect(suggestionWords({ type: "removeRules" })).toBe("removeRules");
});
