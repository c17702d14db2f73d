/**
 * What the relay sends, as the client sees it: every server message type is inferred from the
 * schemas in src/protocol/messages.ts (no hand-written copies of message shapes), and
 * {@link decodeServerFrame} turns one incoming frame into a validated message (pure).
 *
 * Validation checks a frame against its schema, but the client keeps the frame as the relay sent
 * it, so fields from a newer relay (protocol extensions) reach listeners and `--json` intact.
 *
 * @example
 * ```ts
 * const decoded = decodeServerFrame('{"type":"pong","id":"7"}');
 * if (decoded.kind === "message" && decoded.message.type === "pong") console.log(decoded.message.id);
 * ```
 */
import { SESSION_EVENT_TYPES, type ServerMessage, type ServerMessageType, type SessionEvent, serverMessages } from "../protocol/messages.ts";
import { isPlainObject } from "../protocol/schema.ts";

export type { ImageMediaType, PermissionMode, SessionCapabilities, SessionInfo } from "../protocol/messages.ts";
export type { ServerMessage, ServerMessageType };
/** A server message of type `K`, as validated by the protocol schemas (extension fields kept). */
export type ServerMessageOf<K extends ServerMessageType> = ServerMessage<K>;

export type AuthChallengeMessage = ServerMessageOf<"auth.challenge">;
export type AuthOkMessage = ServerMessageOf<"auth.ok">;
export type ErrorMessage = ServerMessageOf<"error">;
export type PongMessage = ServerMessageOf<"pong">;
export type ClaudeEventMessage = ServerMessageOf<"claude.event">;
export type UserPromptMessage = ServerMessageOf<"user.prompt">;
export type PermissionRequestMessage = ServerMessageOf<"permission.request">;
export type PermissionResolvedMessage = ServerMessageOf<"permission.resolved">;
export type SessionStateMessage = ServerMessageOf<"session.state">;
export type SessionsMessage = ServerMessageOf<"sessions">;
export type SessionCreatedMessage = ServerMessageOf<"session.created">;
export type SessionAttachedMessage = ServerMessageOf<"session.attached">;
export type SessionDetachedMessage = ServerMessageOf<"session.detached">;
export type SessionStoppedMessage = ServerMessageOf<"session.stopped">;
export type SessionConfiguredMessage = ServerMessageOf<"session.configured">;
export type SessionCapabilitiesMessage = ServerMessageOf<"session.capabilities">;
export type HistoryMessage = ServerMessageOf<"history">;
/** v3 live view: Claude's message as it is written, and a session's status. */
export type ClaudePartialMessage = ServerMessageOf<"claude.partial">;
export type SessionStatusMessage = ServerMessageOf<"session.status">;
/** v3 review answers: `changes.get`, `changes.diff`, `file.read`. */
export type ChangesMessage = ServerMessageOf<"changes">;
export type DiffMessage = ServerMessageOf<"diff">;
export type FileMessage = ServerMessageOf<"file">;
/** `reason: "detected"` marks a gap the client noticed itself (seqs jumped without an announced gap). */
export type ReplayGapMessage = Omit<ServerMessageOf<"replay.gap">, "reason"> & { reason?: ServerMessageOf<"replay.gap">["reason"] | "detected" };
/** The messages that carry a session's `seq`. */
export type SessionEventMessage = SessionEvent;

const SESSION_EVENT_TYPE_SET = new Set<string>(SESSION_EVENT_TYPES);

/**
 * Whether `message` is a session event (numbered by `seq`).
 *
 * @example
 * isSessionEvent({ type: "pong" }); // false
 */
export function isSessionEvent(message: ServerMessage): message is SessionEventMessage {
  return SESSION_EVENT_TYPE_SET.has(message.type);
}

export type DecodedFrame =
  /** A known message that matches its schema. */
  | { kind: "message"; message: ServerMessage }
  /** A well-formed frame of a type this client does not know (e.g. from a newer relay). */
  | { kind: "unknown"; type: string; frame: Record<string, unknown> }
  /** Not usable: why, in words. */
  | { kind: "invalid"; problem: string };

/**
 * Decodes one frame from the relay. Never throws.
 *
 * @example
 * decodeServerFrame("[1]"); // { kind: "invalid", problem: "the relay sent a frame without a type" }
 */
export function decodeServerFrame(data: string | ArrayBuffer): DecodedFrame {
  let frame: unknown;
  try {
    frame = JSON.parse(typeof data === "string" ? data : new TextDecoder().decode(data));
  } catch {
    return { kind: "invalid", problem: "the relay sent a frame that is not JSON" };
  }
  if (!isPlainObject(frame) || typeof frame.type !== "string") return { kind: "invalid", problem: "the relay sent a frame without a type" };
  const type = frame.type;
  if (!Object.hasOwn(serverMessages, type)) return { kind: "unknown", type, frame };
  const checked = serverMessages[type as ServerMessageType].parse(frame);
  if (!checked.ok) return { kind: "invalid", problem: `the relay sent an invalid ${type}: ${checked.error}` };
  return { kind: "message", message: frame as unknown as ServerMessage };
}
