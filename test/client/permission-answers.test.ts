/** Answers to permission requests as both clients send them: allow, deny, "allow for this session", answers to Claude's questions. */
import { describe, expect, test } from "bun:test";
import { allowForSession, forThisSession, permissionResponse, questionAnswer } from "../../src/client/permission-answers.ts";

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

  test("echoed for this session only: every destination becomes session, nothing else changes", () => {
    const suggestions = [
      { type: "addRules", rules: [{ toolName: "Bash", ruleContent: "npm run *" }], behavior: "allow", destination: "localSettings" },
      { type: "setMode", mode: "acceptEdits", destination: "session" },
      { type: "addDirectories", directories: ["/home/me/notes"], destination: "projectSettings" },
      { type: "somethingNew" },
    ];
    expect(forThisSession(suggestions)).toEqual([
      { type: "addRules", rules: [{ toolName: "Bash", ruleContent: "npm run *" }], behavior: "allow", destination: "session" },
      { type: "setMode", mode: "acceptEdits", destination: "session" },
      { type: "addDirectories", directories: ["/home/me/notes"], destination: "session" },
      { type: "somethingNew" },
    ]);
    expect(suggestions[0]!.destination).toBe("localSettings"); // the request is not changed
  });

  test("the answer: an allow with the updates for this session; none when Claude suggested nothing", () => {
    const request = { suggestions: [{ type: "addRules", rules: [{ toolName: "WebFetch", ruleContent: "domain:example.com" }], destination: "localSettings" }] };
    expect(permissionResponse("r-1", allowForSession(request)!, { sessionId: "s-2" })).toEqual({
      type: "permission.response",
      requestId: "r-1",
      behavior: "allow",
      updatedPermissions: [{ type: "addRules", rules: [{ toolName: "WebFetch", ruleContent: "domain:example.com" }], destination: "session" }],
      sessionId: "s-2",
    });
    expect(allowForSession({})).toBeUndefined();
    expect(allowForSession({ suggestions: [] })).toBeUndefined();
  });
});

describe("permission.response", () => {
  test("allow: input and updates only when given (empty updates left out); no sessionId for the default session", () => {
    expect(permissionResponse("r", { behavior: "allow" }, {})).toEqual({ type: "permission.response", requestId: "r", behavior: "allow" });
    expect(permissionResponse("r", { behavior: "allow", updatedInput: { command: "ls" }, updatedPermissions: [] }, {})).toEqual({
      type: "permission.response",
      requestId: "r",
      behavior: "allow",
      updatedInput: { command: "ls" },
    });
  });

  test("deny: with the reason for Claude when there is one", () => {
    expect(permissionResponse("r", { behavior: "deny", message: "not that file" }, { sessionId: "s" })).toEqual({
      type: "permission.response",
      requestId: "r",
      behavior: "deny",
      message: "not that file",
      sessionId: "s",
    });
    expect(permissionResponse("r", { behavior: "deny" }, {})).toEqual({ type: "permission.response", requestId: "r", behavior: "deny" });
  });

  test("an answer to Claude's questions: the input plus answers, the input itself unchanged", () => {
    const input = { questions: [{ question: "Which color?", options: [{ label: "Blue" }] }] };
    expect(questionAnswer({ input }, { "Which color?": "Blue" })).toEqual({
      behavior: "allow",
      updatedInput: { ...input, answers: { "Which color?": "Blue" } },
    });
    expect(input).not.toHaveProperty("answers");
  });
});
