/**
 * Claude Code's stream-json protocol, pure: classifies lines Claude prints and encodes the lines
 * the relay writes. Observed behaviour is documented in docs/claude-stream-json.md.
 *
 * @example
 * ```ts
 * const line = classifyClaudeLine('{"type":"control_cancel_request","request_id":"r1"}');
 * // { kind: "permission_cancel", requestId: "r1" }
 * encodePrompt("hi"); // '{"type":"user","message":{"role":"user","content":"hi"}}\n'
 * encodeControlRequest("relay-7", "set_permission_mode", { mode: "plan" });
 * // '{"type":"control_request","request_id":"relay-7","request":{"subtype":"set_permission_mode","mode":"plan"}}\n'
 * ```
 */
import type { PromptImage } from "../protocol/message-parts.ts";
import { isPlainObject } from "../protocol/schema.ts";

type JsonObject = Record<string, unknown>;

/** A `can_use_tool` request from Claude, in the relay's shape. */
export interface PermissionRequest {
  requestId: string;
  toolName: string;
  input: JsonObject;
  toolUseId: string;
  description?: string;
  /**
   * Claude's `permission_suggestions`: permission updates (a rule, a directory, a mode) that, sent
   * back with an allow, spare the user the same question again.
   */
  suggestions?: JsonObject[];
}

/** A user's answer to a permission request. */
export interface PermissionAnswer {
  behavior: "allow" | "deny";
  /** Shown to Claude when denying. */
  message?: string;
  /** Replaces the tool input when allowing; the original input is used otherwise. */
  updatedInput?: JsonObject;
  /** Permission updates to apply with an allow (typically Claude's own suggestions, echoed back). */
  updatedPermissions?: JsonObject[];
}

/** What one stdout line from Claude means to the relay. */
export type ClaudeLine =
  | { kind: "permission_request"; request: PermissionRequest }
  | { kind: "permission_cancel"; requestId: string }
  | { kind: "control_response"; requestId: string; ok: true; response: unknown }
  | { kind: "control_response"; requestId: string; ok: false; error: string }
  /** A control_request the relay does not implement (Claude waits for an answer: send an error). */
  | { kind: "unsupported_control_request"; requestId: string; subtype: string }
  | { kind: "event"; event: JsonObject }
  | { kind: "invalid"; reason: string; excerpt: string };

const EXCERPT_CHARS = 200;

/** Parses and classifies one line of Claude's stdout. */
export function classifyClaudeLine(line: string): ClaudeLine {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch (error) {
    return { kind: "invalid", reason: `not JSON: ${(error as Error).message}`, excerpt: excerpt(line) };
  }
  if (!isPlainObject(value) || typeof value.type !== "string") {
    return { kind: "invalid", reason: "not a JSON object with a string type", excerpt: excerpt(line) };
  }
  return classifyClaudeMessage(value, line);
}

/** Classifies a parsed line (`line`, its text, is only used for error excerpts). */
function classifyClaudeMessage(message: JsonObject, line: string): ClaudeLine {
  const invalid = (reason: string): ClaudeLine => ({ kind: "invalid", reason, excerpt: excerpt(line) });
  switch (message.type) {
    case "control_request": {
      const requestId = message.request_id;
      const request = message.request;
      if (typeof requestId !== "string" || !isPlainObject(request)) return invalid("control_request without request_id/request");
      if (request.subtype !== "can_use_tool") {
        return { kind: "unsupported_control_request", requestId, subtype: String(request.subtype) };
      }
      if (typeof request.tool_name !== "string") return invalid("can_use_tool without tool_name");
      const permission: PermissionRequest = {
        requestId,
        toolName: request.tool_name,
        input: isPlainObject(request.input) ? request.input : {},
        toolUseId: typeof request.tool_use_id === "string" ? request.tool_use_id : "",
      };
      if (typeof request.description === "string") permission.description = request.description;
      if (Array.isArray(request.permission_suggestions)) {
        const suggestions = request.permission_suggestions.filter(isPlainObject);
        if (suggestions.length > 0) permission.suggestions = suggestions;
      }
      return { kind: "permission_request", request: permission };
    }
    case "control_cancel_request": {
      if (typeof message.request_id !== "string") return invalid("control_cancel_request without request_id");
      return { kind: "permission_cancel", requestId: message.request_id };
    }
    case "control_response": {
      const response = message.response;
      if (!isPlainObject(response) || typeof response.request_id !== "string") {
        return invalid("control_response without response.request_id");
      }
      if (response.subtype === "success") {
        return { kind: "control_response", requestId: response.request_id, ok: true, response: response.response };
      }
      return {
        kind: "control_response",
        requestId: response.request_id,
        ok: false,
        error: typeof response.error === "string" ? response.error : "unknown error",
      };
    }
    default:
      return { kind: "event", event: message };
  }
}

/**
 * A user message: plain text, or with images a text block followed by one base64 image block each
 * (the Messages API's content blocks, which Claude passes on as they are). Every encoder returns
 * one complete line, newline included.
 */
export function encodePrompt(text: string, images: readonly PromptImage[] = []): string {
  const content =
    images.length === 0
      ? text
      : [{ type: "text", text }, ...images.map((image) => ({ type: "image", source: { type: "base64", media_type: image.mediaType, data: image.data } }))];
  return line({ type: "user", message: { role: "user", content } });
}

/**
 * A control_request from the relay to Claude (`initialize`, `interrupt`, `mcp_status`,
 * `set_permission_mode` with `mode`, `set_model` with `model` …); `fields` go beside `subtype`.
 */
export function encodeControlRequest(requestId: string, subtype: string, fields: JsonObject = {}): string {
  return line({ type: "control_request", request_id: requestId, request: { ...fields, subtype } });
}

/**
 * The answer to a `can_use_tool` request. Claude requires `updatedInput` on allow, so the
 * original input is sent unless the user edited it; `updatedPermissions` ("allow for this
 * session": rules, directories or a mode) goes beside it.
 */
export function encodePermissionAnswer(request: Pick<PermissionRequest, "requestId" | "input">, answer: PermissionAnswer): string {
  const decision =
    answer.behavior === "allow"
      ? {
          behavior: "allow",
          updatedInput: answer.updatedInput ?? request.input,
          ...(answer.updatedPermissions && { updatedPermissions: answer.updatedPermissions }),
        }
      : { behavior: "deny", message: answer.message ?? "Denied by the user." };
  return line({ type: "control_response", response: { subtype: "success", request_id: request.requestId, response: decision } });
}

/** An error answer to a control_request from Claude that the relay does not support. */
export function encodeControlError(requestId: string, error: string): string {
  return line({ type: "control_response", response: { subtype: "error", request_id: requestId, error } });
}

function line(value: unknown): string {
  return `${JSON.stringify(value)}\n`;
}

function excerpt(text: string): string {
  return text.length > EXCERPT_CHARS ? `${text.slice(0, EXCERPT_CHARS)}…` : text;
}
