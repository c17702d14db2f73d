/**
 * Error codes and WebSocket close codes of the contract (v1, and the v2 additions).
 *
 * @example
 * ```ts
 * errorFrame("unknown_type", "unknown message type \"foo\"", "42");
 * // '{"type":"error","code":"unknown_type","message":"unknown message type \"foo\"","id":"42"}'
 * ```
 */
import { encodeServerMessage } from "./encode.ts";

export const ERROR_CODES = [
  "invalid_json",
  "invalid_message",
  "unknown_type",
  "not_authenticated",
  "auth_failed",
  "auth_timeout",
  "message_too_large",
  "unknown_permission",
  "server_full",
  "claude_unavailable",
  "rate_limited",
  "slow_consumer",
  "shutting_down",
  "internal",
  "pair_failed",
  "invalid_session_dir",
  "too_many_sessions",
  "unknown_session",
  "invalid_path",
  "worktree_dirty",
  "unknown_task",
] as const;

export type ErrorCode = (typeof ERROR_CODES)[number];

export const CLOSE_CODES = {
  shutdown: 1001,
  tooLarge: 1009,
  internal: 1011,
  tryAgainLater: 1013,
  authFailed: 4401,
  authTimeout: 4408,
} as const;

export type CloseCode = (typeof CLOSE_CODES)[keyof typeof CLOSE_CODES];

/** The serialized `error` message sent to one client. */
export function errorFrame(code: ErrorCode, message: string, id?: string): string {
  return encodeServerMessage(id === undefined ? { type: "error", code, message } : { type: "error", code, message, id });
}
