import { describe, expect, test } from "bun:test";
import { classifyClaudeLine, encodeControlError, encodeControlRequest, encodePermissionAnswer, encodePrompt } from "../../src/claude/stream-json.ts";

// Shapes as printed by Claude Code 2.1.197 (docs/claude-stream-json.md).
const canUseTool = {
  type: "control_request",
  request_id: "db0381c6",
  request: {
    subtype: "can_use_tool",
    tool_name: "Write",
    display_name: "Write",
    input: { file_path: "/tmp/a.txt", content: "hello a" },
    description: "a.txt",
    permission_suggestions: [{ type: "setMode", mode: "acceptEdits", destination: "session" }],
    tool_use_id: "toolu_1",
  },
};

describe("classifyClaudeLine", () => {
  test("can_use_tool → permission request", () => {
    expect(classifyClaudeLine(JSON.stringify(canUseTool))).toEqual({
      kind: "permission_request",
      request: {
        requestId: "db0381c6",
        toolName: "Write",
        input: { file_path: "/tmp/a.txt", content: "hello a" },
        toolUseId: "toolu_1",
        description: "a.txt",
        suggestions: [{ type: "setMode", mode: "acceptEdits", destination: "session" }],
      },
    });
  });

  test("permission_suggestions: only objects are kept; none (or none usable) means no suggestions field", () => {
    const suggestions = [{ type: "addRules", rules: [{ toolName: "Bash", ruleContent: "npm run *" }], behavior: "allow", destination: "localSettings" }];
    const withJunk = classifyClaudeLine(
      JSON.stringify({ ...canUseTool, request: { ...canUseTool.request, permission_suggestions: [...suggestions, "junk", 7, null] } }),
    );
    expect(withJunk.kind === "permission_request" && withJunk.request.suggestions).toEqual(suggestions);
    for (const permission_suggestions of [[], "nope", ["junk"]]) {
      const line = classifyClaudeLine(JSON.stringify({ ...canUseTool, request: { ...canUseTool.request, permission_suggestions } }));
      expect(line.kind === "permission_request" && "suggestions" in line.request).toBe(false);
    }
  });

  test("description is omitted when Claude sends none", () => {
    const { description: _, ...request } = canUseTool.request;
    const line = classifyClaudeLine(JSON.stringify({ ...canUseTool, request }));
    expect(line.kind === "permission_request" && "description" in line.request).toBe(false);
  });

  test("control_cancel_request → withdrawn request id", () => {
    expect(classifyClaudeLine('{"type":"control_cancel_request","request_id":"r9"}')).toEqual({
      kind: "permission_cancel",
      requestId: "r9",
    });
  });

  test("control_response success and error are matched by request_id", () => {
    expect(classifyClaudeLine('{"type":"control_response","response":{"subtype":"success","request_id":"relay-2","response":{"mcpServers":[]}}}')).toEqual({
      kind: "control_response",
      requestId: "relay-2",
      ok: true,
      response: { mcpServers: [] },
    });
    expect(
      classifyClaudeLine('{"type":"control_response","response":{"subtype":"error","request_id":"u1","error":"Unsupported control request subtype: bogus"}}'),
    ).toEqual({ kind: "control_response", requestId: "u1", ok: false, error: "Unsupported control request subtype: bogus" });
  });

  test("another control_request subtype needs an answer: unsupported", () => {
    expect(classifyClaudeLine('{"type":"control_request","request_id":"h1","request":{"subtype":"hook_callback"}}')).toEqual({
      kind: "unsupported_control_request",
      requestId: "h1",
      subtype: "hook_callback",
    });
  });

  test("every other line is a session event, verbatim", () => {
    const result = { type: "result", subtype: "success", is_error: false, result: "ok", session_id: "s" };
    expect(classifyClaudeLine(JSON.stringify(result))).toEqual({ kind: "event", event: result });
  });

  test("non-JSON and malformed control lines are invalid, with an excerpt", () => {
    const bad = classifyClaudeLine(`oops ${"x".repeat(500)}`);
    expect(bad.kind).toBe("invalid");
    if (bad.kind === "invalid") {
      expect(bad.reason).toStartWith("not JSON");
      expect(bad.excerpt.length).toBeLessThan(210);
      expect(bad.excerpt).toStartWith("oops x");
    }
    expect(classifyClaudeLine("[1,2]").kind).toBe("invalid");
    expect(classifyClaudeLine('{"no":"type"}').kind).toBe("invalid");
    expect(classifyClaudeLine('{"type":"control_request","request":{"subtype":"can_use_tool"}}').kind).toBe("invalid");
    expect(classifyClaudeLine('{"type":"control_response","response":{}}').kind).toBe("invalid");
    expect(classifyClaudeLine('{"type":"control_cancel_request"}').kind).toBe("invalid");
  });
});

describe("encoders", () => {
  const parse = (line: string) => {
    expect(line.endsWith("\n")).toBe(true);
    expect(line.indexOf("\n")).toBe(line.length - 1);
    return JSON.parse(line);
  };

  test("prompt is a user message on one line, even with newlines in the text", () => {
    expect(parse(encodePrompt("line1\nline2"))).toEqual({ type: "user", message: { role: "user", content: "line1\nline2" } });
  });

  test("a prompt with images: a text block, then one base64 image block each, in order", () => {
    const images = [
      { mediaType: "image/png" as const, data: "iVBORw0KGgo=" },
      { mediaType: "image/jpeg" as const, data: "/9j/4AAQ" },
    ];
    expect(parse(encodePrompt("what is this?", images)).message).toEqual({
      role: "user",
      content: [
        { type: "text", text: "what is this?" },
        { type: "image", source: { type: "base64", media_type: "image/png", data: "iVBORw0KGgo=" } },
        { type: "image", source: { type: "base64", media_type: "image/jpeg", data: "/9j/4AAQ" } },
      ],
    });
    expect(parse(encodePrompt("plain", [])).message.content).toBe("plain");
  });

  test("control requests, with their fields beside the subtype (which a field cannot override)", () => {
    expect(parse(encodeControlRequest("relay-1", "interrupt"))).toEqual({
      type: "control_request",
      request_id: "relay-1",
      request: { subtype: "interrupt" },
    });
    expect(parse(encodeControlRequest("relay-2", "set_permission_mode", { mode: "plan" })).request).toEqual({ subtype: "set_permission_mode", mode: "plan" });
    expect(parse(encodeControlRequest("relay-3", "set_model", { model: "haiku", subtype: "interrupt" })).request).toEqual({
      subtype: "set_model",
      model: "haiku",
    });
  });

  test("allow carries updatedPermissions beside updatedInput; deny never does", () => {
    const request = { requestId: "r1", input: { file_path: "/a" } };
    const updatedPermissions = [{ type: "setMode", mode: "acceptEdits", destination: "session" }];
    expect(parse(encodePermissionAnswer(request, { behavior: "allow", updatedPermissions })).response.response).toEqual({
      behavior: "allow",
      updatedInput: request.input,
      updatedPermissions,
    });
    expect(parse(encodePermissionAnswer(request, { behavior: "deny", updatedPermissions })).response.response).toEqual({
      behavior: "deny",
      message: "Denied by the user.",
    });
  });

  test("allow passes the original input unless updatedInput is given", () => {
    const request = { requestId: "r1", input: { file_path: "/a", content: "x" } };
    expect(parse(encodePermissionAnswer(request, { behavior: "allow" }))).toEqual({
      type: "control_response",
      response: { subtype: "success", request_id: "r1", response: { behavior: "allow", updatedInput: request.input } },
    });
    expect(parse(encodePermissionAnswer(request, { behavior: "allow", updatedInput: { file_path: "/b" } })).response.response).toEqual({
      behavior: "allow",
      updatedInput: { file_path: "/b" },
    });
  });

  test("deny carries the message (a default when none)", () => {
    const request = { requestId: "r1", input: {} };
    expect(parse(encodePermissionAnswer(request, { behavior: "deny", message: "no" })).response.response).toEqual({
      behavior: "deny",
      message: "no",
    });
    expect(parse(encodePermissionAnswer(request, { behavior: "deny" })).response.response.message).toBeString();
  });

  test("control error answer", () => {
    expect(parse(encodeControlError("h1", "nope"))).toEqual({
      type: "control_response",
      response: { subtype: "error", request_id: "h1", error: "nope" },
    });
  });
});
