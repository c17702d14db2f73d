// What Claude's lines say about its credentials; the shapes are the real CLI's (docs/claude-stream-json.md).
import { expect, test } from "bun:test";
import { credentialsAtStart, credentialsSignal } from "../../src/claude/credentials.ts";

const notLoggedIn = {
  type: "assistant",
  message: { model: "<synthetic>", role: "assistant", content: [{ type: "text", text: "Not logged in · Please run /login" }] },
  session_id: "s",
  error: "authentication_failed",
};
const invalidKey = {
  ...notLoggedIn,
  message: { ...notLoggedIn.message, content: [{ type: "text", text: "Invalid API key · Fix external API key" }] },
  request_id: "req_x",
};

test("initialize's account: no login and no key is not_logged_in; a key or a token is fine; other providers are not judged", () => {
  expect(credentialsAtStart({ commands: [], account: { tokenSource: "none", apiProvider: "firstParty" } })).toMatchObject({ reason: "not_logged_in" });
  expect(credentialsAtStart({ account: { tokenSource: "none", apiKeySource: "ANTHROPIC_API_KEY", apiProvider: "firstParty" } })).toBe("ok");
  expect(credentialsAtStart({ account: { tokenSource: "claude.ai", apiProvider: "firstParty" } })).toBe("ok");
  expect(credentialsAtStart({ account: { tokenSource: "none", apiProvider: "bedrock" } })).toBeUndefined();
  expect(credentialsAtStart({ commands: [] })).toBeUndefined();
  expect(credentialsAtStart(undefined)).toBeUndefined();
});

test("turn lines: Claude's authentication errors, its 401 retries, and a successful result", () => {
  const problem = credentialsSignal(notLoggedIn);
  expect(problem).toMatchObject({ reason: "not_logged_in" });
  expect(problem !== "ok" && problem?.message).toContain("run `claude` once");
  expect(credentialsSignal(invalidKey)).toMatchObject({ reason: "rejected" });
  expect(credentialsSignal({ type: "system", subtype: "api_retry", attempt: 1, error_status: 401, error: "authentication_failed" })).toMatchObject({
    reason: "rejected",
  });
  expect(credentialsSignal({ type: "result", subtype: "success", is_error: false })).toBe("ok");
});

test("everything else says nothing: ordinary lines, other errors, failed or interrupted turns", () => {
  expect(credentialsSignal({ type: "assistant", message: { content: [{ type: "text", text: "Not logged in, says the user" }] } })).toBeUndefined();
  expect(credentialsSignal({ type: "system", subtype: "api_retry", error_status: 529, error: "overloaded" })).toBeUndefined();
  expect(credentialsSignal({ type: "system", subtype: "init" })).toBeUndefined();
  expect(credentialsSignal({ type: "result", subtype: "success", is_error: true })).toBeUndefined();
  expect(credentialsSignal({ type: "result", subtype: "error_during_execution", is_error: true })).toBeUndefined();
  expect(credentialsSignal({ type: "assistant", error: "authentication_failed" })).toMatchObject({ reason: "rejected" });
});
