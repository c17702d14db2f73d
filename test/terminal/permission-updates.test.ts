import { describe, expect, test } from "bun:test";
import { updatesInWords } from "../../src/terminal/permission-updates.ts";

describe("allow for this session", () => {
  test("in words", () => {
    expect(updatesInWords([{ type: "setMode", mode: "acceptEdits" }])).toBe("accept edits without asking");
    expect(updatesInWords([{ type: "setMode", mode: "plan" }])).toBe("mode plan");
    expect(updatesInWords([{ type: "addRules", rules: [{ toolName: "Read", ruleContent: "//home/me/notes/**" }, { toolName: "WebFetch" }] }])).toBe(
      "Read(//home/me/notes/**), WebFetch",
    );
    expect(updatesInWords([{ type: "addDirectories", directories: ["/srv/data"] }, { type: "somethingNew" }])).toBe("the directory /srv/data, somethingNew");
  });
});
