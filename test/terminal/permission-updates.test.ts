import { describe, expect, test } from "bun:test";
import { forThisSession, updatesInWords } from "../../src/terminal/permission-updates.ts";

describe("allow for this session", () => {
  test("every suggestion is kept to this session; the request's own list is left alone", () => {
    const suggestions = [
      { type: "addRules", rules: [{ toolName: "Bash", ruleContent: "npm run *" }], behavior: "allow", destination: "localSettings" },
      { type: "setMode", mode: "acceptEdits", destination: "session" },
    ];
    expect(forThisSession(suggestions)).toEqual([
      { type: "addRules", rules: [{ toolName: "Bash", ruleContent: "npm run *" }], behavior: "allow", destination: "session" },
      { type: "setMode", mode: "acceptEdits", destination: "session" },
    ]);
    expect(suggestions[0]!.destination).toBe("localSettings");
    expect(forThisSession(undefined)).toEqual([]);
  });

  test("in words", () => {
    expect(updatesInWords([{ type: "setMode", mode: "acceptEdits" }])).toBe("accept edits without asking");
    expect(updatesInWords([{ type: "setMode", mode: "plan" }])).toBe("mode plan");
    expect(updatesInWords([{ type: "addRules", rules: [{ toolName: "Read", ruleContent: "//home/me/notes/**" }, { toolName: "WebFetch" }] }])).toBe(
      "Read(//home/me/notes/**), WebFetch",
    );
    expect(updatesInWords([{ type: "addDirectories", directories: ["/srv/data"] }, { type: "somethingNew" }])).toBe("the directory /srv/data, somethingNew");
  });
});
