/**
 * Turns one incoming WebSocket frame into a validated client message, or into the contract's
 * error (code, human message, echoed `id`). Never throws.
 *
 * @example
 * ```ts
 * decodeClientFrame('{"type":"ping","id":"7"}'); // { ok: true, message: { type: "ping", id: "7" } }
 * decodeClientFrame('{"type":"nope","id":"7"}');
 * // { ok: false, code: "unknown_type", message: "unknown message type \"nope\"", id: "7", unknownType: "nope" }
 * ```
 */
import type { ErrorCode } from "./errors.ts";
import { type ClientMessage, type ClientMessageType, clientMessages, MAX_ID_LENGTH } from "./messages.ts";
import { isPlainObject } from "./schema.ts";

export type DecodeResult = { ok: true; message: ClientMessage } | { ok: false; code: ErrorCode; message: string; id?: string; unknownType?: string };

const KNOWN_TYPES = Object.keys(clientMessages).join(", ");

/** Decodes a text frame; binary frames are refused because the protocol is JSON text only. */
export function decodeClientFrame(data: string | ArrayBuffer | Uint8Array): DecodeResult {
  if (typeof data !== "string") {
    return { ok: false, code: "invalid_message", message: "binary frames are not accepted; send one JSON object per text frame" };
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(data);
  } catch (error) {
    return { ok: false, code: "invalid_json", message: `frame is not valid JSON: ${(error as Error).message}` };
  }
  if (!isPlainObject(parsed)) {
    return { ok: false, code: "invalid_message", message: 'a message must be a JSON object with a "type" field' };
  }
  const id = echoableId(parsed.id);
  const type = parsed.type;
  if (typeof type !== "string") {
    return withId({ ok: false, code: "invalid_message", message: "type is required and must be a string" }, id);
  }
  if (!Object.hasOwn(clientMessages, type)) {
    return withId(
      {
        ok: false,
        code: "unknown_type",
        message: `unknown message type ${JSON.stringify(type.slice(0, 64))}; expected one of ${KNOWN_TYPES}`,
        unknownType: type.slice(0, 64),
      },
      id,
    );
  }
  const result = clientMessages[type as ClientMessageType].parse(parsed);
  if (!result.ok) return withId({ ok: false, code: "invalid_message", message: `${type}: ${result.error}` }, id);
  return { ok: true, message: result.value as ClientMessage };
}

function echoableId(value: unknown): string | undefined {
  return typeof value === "string" && value.length <= MAX_ID_LENGTH ? value : undefined;
}

function withId<T extends object>(result: T, id: string | undefined): T & { id?: string } {
  return id === undefined ? result : { ...result, id };
}

/** UTF-8 size of a frame, computed only when the cheap bound says it might exceed `limit`. */
export function frameExceeds(data: string | ArrayBuffer | Uint8Array, limit: number): boolean {
  if (typeof data !== "string") return data.byteLength > limit;
  if (data.length * 3 <= limit) return false;
  return Buffer.byteLength(data, "utf8") > limit;
}
