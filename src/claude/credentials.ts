/**
 * Whether Claude Code can authenticate to the Anthropic API, read from what it prints (pure).
 * Observed shapes (docs/claude-stream-json.md, "Without credentials"):
 * - `initialize`'s answer has `account: {tokenSource, apiKeySource?, apiProvider}`; with no
 *   login and no key it is `{"tokenSource":"none","apiProvider":"firstParty"}`.
 * - A turn without credentials ends at once with an assistant line carrying
 *   `"error":"authentication_failed"` and the text "Not logged in · Please run /login".
 * - A key the API refuses (HTTP 401) shows first as `system`/`api_retry` lines with
 *   `"error":"authentication_failed","error_status":401` (Claude retries for minutes), and finally
 *   as the same assistant error with "Invalid API key · Fix external API key".
 * - A turn that works ends with a `result` whose `is_error` is false.
 *
 * @example
 * ```ts
 * credentialsSignal({ type: "assistant", error: "authentication_failed", message: { content: [{ type: "text", text: "Not logged in · Please run /login" }] } });
 * // { reason: "not_logged_in", message: "Claude Code is not logged in: …" }
 * credentialsSignal({ type: "result", is_error: false }); // "ok"
 * ```
 */
import type { ClaudeAuthProblemReason } from "../protocol/messages.ts";
import { isPlainObject } from "../protocol/schema.ts";

/** Claude cannot authenticate, and what the user should do about it. */
export interface ClaudeAuthProblem {
  reason: ClaudeAuthProblemReason;
  /** One sentence for people: what is wrong and how to fix it. */
  message: string;
}

const NOT_LOGGED_IN: ClaudeAuthProblem = {
  reason: "not_logged_in",
  message:
    "Claude Code is not logged in: run `claude` once on the relay's machine (as the user the relay runs as) and log in, " +
    "or set ANTHROPIC_API_KEY in the relay's environment; then restart the relay",
};

const REJECTED: ClaudeAuthProblem = {
  reason: "rejected",
  message:
    "the Anthropic API refused Claude Code's credentials (HTTP 401): check ANTHROPIC_API_KEY, or log in again by running `claude` " +
    "on the relay's machine; then restart the relay",
};

/**
 * From the answer to `initialize`: the problem when Claude has nothing to authenticate with,
 * "ok" when it has a login or a key, undefined when the answer does not say (older CLIs, or a
 * provider such as Bedrock whose credentials Claude does not report).
 */
export function credentialsAtStart(initializeResponse: unknown): ClaudeAuthProblem | "ok" | undefined {
  const account = isPlainObject(initializeResponse) ? initializeResponse.account : undefined;
  if (!isPlainObject(account) || account.apiProvider !== "firstParty") return undefined;
  const has = (source: unknown) => typeof source === "string" && source !== "" && source !== "none";
  return has(account.tokenSource) || has(account.apiKeySource) ? "ok" : NOT_LOGGED_IN;
}

/** What one stream-json event says about credentials: a problem, "ok" (a turn succeeded), or nothing. */
export function credentialsSignal(event: Record<string, unknown>): ClaudeAuthProblem | "ok" | undefined {
  switch (event.type) {
    case "assistant":
      if (event.error !== "authentication_failed") return undefined;
      return /not logged in/i.test(assistantText(event)) ? NOT_LOGGED_IN : REJECTED;
    case "system":
      return event.subtype === "api_retry" && event.error === "authentication_failed" ? REJECTED : undefined;
    case "result":
      return event.is_error === false ? "ok" : undefined;
    default:
      return undefined;
  }
}

function assistantText(event: Record<string, unknown>): string {
  const content = isPlainObject(event.message) ? event.message.content : undefined;
  if (!Array.isArray(content)) return "";
  return content.map((block) => (isPlainObject(block) && typeof block.text === "string" ? block.text : "")).join(" ");
}
