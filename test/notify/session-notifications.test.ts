/** What a notification says about a permission request and a finished turn. */
import { describe, expect, test } from "bun:test";
import { permissionFields, resultFields } from "../../src/notify/session-notifications.ts";

const request = (toolName: string, input: Record<string, unknown>, description?: string) => ({
  requestId: "r1",
  toolName,
  input,
  toolUseId: "toolu_1",
  ...(description && { description }),
});

describe("permissionFields", () => {
  test("the tool and what it acts on: the most telling input field, on one line", () => {
    expect(permissionFields(request("Bash", { command: "npm test\n  -- --watch", description: "Run the tests" }))).toEqual({
      tool: "Bash",
      requestId: "r1",
      detail: "npm test -- --watch",
    });
    expect(permissionFields(request("Write", { file_path: "/src/a.ts", content: "secret body" }))).toEqual({
      tool: "Write",
      requestId: "r1",
      detail: "/src/a.ts",
    });
    expect(permissionFields(request("WebFetch", { url: "https://example.com", prompt: "summarize" })).detail).toBe("https://example.com");
  });

  test("no telling field: Claude's description of the request, else no detail; long ones are cut", () => {
    expect(permissionFields(request("mcp__x__y", { n: 1 }, "Query the tracker")).detail).toBe("Query the tracker");
    expect(permissionFields(request("mcp__x__y", { command: "   " }))).toEqual({ tool: "mcp__x__y", requestId: "r1" });
    const detail = permissionFields(request("Bash", { command: "x".repeat(500) })).detail!;
    expect(Array.from(detail)).toHaveLength(200);
    expect(detail.endsWith("…")).toBe(true);
  });
});

describe("resultFields", () => {
  test("success with Claude's final text, cut", () => {
    expect(resultFields({ type: "result", subtype: "success", is_error: false, result: "Done." })).toEqual({ isError: false, result: "Done." });
    expect(Array.from(resultFields({ type: "result", subtype: "success", result: "y".repeat(900) }).result!)).toHaveLength(500);
  });

  test("an error: is_error, or a subtype other than success; an empty result is left out", () => {
    expect(resultFields({ type: "result", subtype: "success", is_error: true, result: "Invalid API key" })).toEqual({
      isError: true,
      result: "Invalid API key",
    });
    expect(resultFields({ type: "result", subtype: "error_during_execution", result: "" })).toEqual({ isError: true });
  });
});
