/**
 * Serializes the relay's frames from the typed messages of messages.ts, so every frame the
 * gateway and the session send has the shape the protocol schema (and docs/protocol.schema.json)
 * promises. Session events are written with `type`, `sessionId` and `seq` first: the replay
 * buffer finds a stored frame's seq there without parsing it.
 *
 * @example
 * ```ts
 * encodeServerMessage({ type: "pong", id: "7" });                  // '{"type":"pong","id":"7"}'
 * encodeSessionEvent("6f1c…", 3, { type: "user.prompt", text: "hi", by: "c1" });
 * // '{"type":"user.prompt","sessionId":"6f1c…","seq":3,"text":"hi","by":"c1"}'
 * encodeClaudeEvent("6f1c…", 4, '{"type":"result",…}');
 * // '{"type":"claude.event","sessionId":"6f1c…","seq":4,"event":{"type":"result",…}}'
 * ```
 */
import type { ServerMessage } from "./messages.ts";

/** Any server message that is not a session event (those are numbered: see below). */
export function encodeServerMessage(
  message: ServerMessage<
    | "auth.challenge"
    | "auth.ok"
    | "error"
    | "pong"
    | "replay.gap"
    | "pair.ok"
    | "sessions"
    | "session.created"
    | "session.attached"
    | "session.detached"
    | "session.stopped"
    | "session.configured"
    | "session.capabilities"
    | "session.status"
    | "history"
    | "push.subscribed"
    | "push.unsubscribed"
    | "changes"
    | "diff"
    | "file"
  >,
): string {
  return JSON.stringify(message);
}

/**
 * `auth.ok` with its two largest parts already serialized — the list of sessions (the manager
 * keeps that JSON as what the client was last sent) and the session's capabilities (serialized
 * once per change) — so a login does not serialize them again. The bytes are those of
 * {@link encodeServerMessage} for the same message: `sessions`, then `capabilities`, come last.
 *
 * @example
 * encodeAuthOk({ type: "auth.ok", clientId, sessionId, key, state, lastSeq: 7 }, JSON.stringify(list), capabilitiesJson)
 */
export function encodeAuthOk(
  message: Omit<ServerMessage<"auth.ok">, "sessions" | "capabilities">,
  sessionsJson: string | undefined,
  capabilitiesJson: string | undefined,
): string {
  const head = JSON.stringify(message);
  if (sessionsJson === undefined && capabilitiesJson === undefined) return head;
  return `${head.slice(0, -1)}${sessionsJson === undefined ? "" : `,"sessions":${sessionsJson}`}${capabilitiesJson === undefined ? "" : `,"capabilities":${capabilitiesJson}`}}`;
}

/** A session event numbered `seq` (built by the session as an UnnumberedEvent of messages.ts). */
export function encodeSessionEvent(sessionId: string, seq: number, event: { type: string } & Record<string, unknown>): string {
  const { type, ...fields } = event;
  return JSON.stringify({ type, sessionId, seq, ...fields });
}

/**
 * The hot path: one stream-json line from Claude, already known to be a JSON object, spliced into
 * its `claude.event` envelope verbatim (no parse, no re-serialization).
 */
export function encodeClaudeEvent(sessionId: string, seq: number, line: string): string {
  return `{"type":"claude.event","sessionId":${JSON.stringify(sessionId)},"seq":${seq},"event":${line}}`;
}

/**
 * A `claude.partial` frame: one stream_event line from Claude spliced in verbatim, like
 * {@link encodeClaudeEvent} but without a seq (partials are never numbered or replayed).
 *
 * @example
 * encodePartial("6f1c…", '{"type":"stream_event","event":{…}}');
 * // '{"type":"claude.partial","sessionId":"6f1c…","event":{"type":"stream_event",…}}'
 */
export function encodePartial(sessionId: string, line: string): string {
  return `{"type":"claude.partial","sessionId":${JSON.stringify(sessionId)},"event":${line}}`;
}
