/**
 * Generated hostile frames for the fuzz suite, each with the answer the contract requires.
 *
 * Messages of a known type are derived from the published schemas (`clientMessages` →
 * JSON Schema), so a field added to a message is fuzzed without touching this file: every field
 * gets values of the wrong type or out of bounds, required fields go missing, nested objects are
 * broken inside. Around that: random bytes (binary frames), random text, truncated JSON, deep
 * nesting, huge strings below and above the frame limit, `__proto__`/`constructor`/`prototype`
 * keys and unicode edge cases (lone surrogates, NUL, RTL overrides, emoji).
 *
 * Frames that would be valid and reach Claude (a well-formed `prompt` or `interrupt` after
 * authentication) are never generated after auth; before auth they are, and must be refused with
 * `not_authenticated`.
 *
 * @example
 * ```ts
 * const gen = new FrameGenerator(new Prng(42));
 * const frame = gen.next({ phase: "post", limit: 65536, id: "f1" });
 * socket.send(frame.data); // then expect frame.expect
 * ```
 */

import type { ErrorCode } from "../../src/protocol/errors.ts";
import { type ClientMessageType, clientMessages } from "../../src/protocol/messages.ts";
import type { JsonSchema } from "../../src/protocol/schema.ts";
import type { Prng } from "../support/prng.ts";

export type Phase = "pre" | "post";

/** What the relay must answer to one frame. */
export type Expectation =
  /** One `error` frame with one of `codes`; `id` echoed when given. */
  | { reply: "error"; codes: readonly ErrorCode[]; id?: string }
  /** A `pong` echoing `id` (or, where a parser may refuse the frame, an error with one of `orCodes`). */
  | { reply: "pong"; id?: string; orCodes?: readonly ErrorCode[] }
  /** `message_too_large`, then close 1009. */
  | { reply: "close"; code: 1009 };

export interface GeneratedFrame {
  kind: string;
  data: string | Uint8Array<ArrayBuffer>;
  expect: Expectation;
}

export interface FrameContext {
  phase: Phase;
  /** The frame limit in force (16 KiB before auth, --max-message-bytes after). */
  limit: number;
  /** A fresh id for this frame, used wherever the message carries one. */
  id: string;
}

/** Strings that break naive code: lone surrogates, NUL, controls, RTL overrides, emoji, prototype names. */
export const NASTY_STRINGS: readonly string[] = [
  "",
  " ",
  "\u0000",
  "a\u0000b",
  "\ud800",
  "\udfff",
  "x\ud83d",
  "\ude00y",
  "\u202etxt.exe",
  "\u200f\u200e\u2066\u2069",
  "😀👍🏽🧑‍🚀",
  "\ufeff",
  "\uffff\ufffe",
  "\r\n\t\u000b\u001b[31m",
  "__proto__",
  "constructor",
  "prototype",
  "toString",
  "hasOwnProperty",
  "null",
  "undefined",
  "NaN",
  "-----BEGIN SSH SIGNATURE-----",
  "𝕿𝖊𝖘𝖙",
  "\u0301\u0301\u0301",
];

const PROTO_KEYS = ["__proto__", "constructor", "prototype"] as const;

export class FrameGenerator {
  readonly counts = new Map<string, number>();

  constructor(readonly rng: Prng) {}

  /** The next frame, drawn from every strategy. `oversize` frames close the connection; they are rarer. */
  next(ctx: FrameContext): GeneratedFrame {
    const r = this.rng;
    const strategies: Array<[number, () => GeneratedFrame]> = [
      [30, () => this.schemaViolation(ctx)],
      [6, () => this.missingField(ctx)],
      [6, () => this.validButHarmless(ctx)],
      [8, () => this.unknownType(ctx)],
      [5, () => this.typeNotString(ctx)],
      [8, () => this.randomText(ctx)],
      [5, () => this.jsonNonObject()],
      [8, () => this.truncated(ctx)],
      [6, () => this.binary(ctx)],
      [6, () => this.prototypeKeys(ctx)],
      [4, () => this.deepNesting(ctx)],
      [4, () => this.hugeWithin(ctx)],
      [0.3, () => this.oversize(ctx)],
    ];
    const total = strategies.reduce((sum, [weight]) => sum + weight, 0);
    let pick = r.next() * total;
    let frame: GeneratedFrame | undefined;
    for (const [weight, make] of strategies) {
      pick -= weight;
      if (pick < 0) {
        frame = make();
        break;
      }
    }
    frame ??= this.randomText(ctx);
    // Whatever the strategy meant, a frame over the limit must be refused as too large.
    if (frame.expect.reply !== "close" && byteLength(frame.data) > ctx.limit)
      frame = { kind: `${frame.kind}>limit`, data: frame.data, expect: { reply: "close", code: 1009 } };
    this.counts.set(frame.kind, (this.counts.get(frame.kind) ?? 0) + 1);
    return frame;
  }

  // ── schema-derived ──────────────────────────────────────────────────────────────────────────

  /** A message of a known type with one field (possibly nested) replaced by a value the schema refuses. */
  schemaViolation(ctx: FrameContext): GeneratedFrame {
    const type = this.rng.pick(MESSAGE_TYPES);
    const schema = messageSchema(type);
    const message = this.validMessage(type, ctx.id);
    const paths = fieldPaths(schema).filter((path) => path.join(".") !== "type" || this.rng.chance(0.2));
    const path = this.rng.pick(paths);
    const fieldSchema = schemaAt(schema, path);
    const wrong = this.rng.pick(wrongValues(fieldSchema));
    setAt(message, path, wrong);
    // a wrong `type` that is still a string is an unknown type
    const codes: ErrorCode[] = path.join(".") === "type" ? ["invalid_message", "unknown_type"] : ["invalid_message"];
    return { kind: `wrong:${type}.${path.join(".")}`, data: JSON.stringify(message), expect: errorFor(codes, message) };
  }

  /** A known type with one required field (at any depth) removed. */
  missingField(ctx: FrameContext): GeneratedFrame {
    const type = this.rng.pick(MESSAGE_TYPES.filter((t) => requiredPaths(messageSchema(t)).length > 1));
    const schema = messageSchema(type);
    const message = this.validMessage(type, ctx.id);
    const path = this.rng.pick(requiredPaths(schema).filter((p) => p.join(".") !== "type"));
    setAt(message, path, undefined);
    return { kind: `missing:${type}.${path.join(".")}`, data: JSON.stringify(message), expect: errorFor(["invalid_message"], message) };
  }

  /**
   * A well-formed message. After auth only those that cannot reach Claude: ping (→ pong),
   * permission.response for a request that does not exist (→ unknown_permission; naming a session
   * that does not exist → unknown_session), auth.response and pair.request (→ invalid_message
   * "already authenticated"). Before auth anything but auth.response and pair.request (each would
   * spend the connection's one attempt) → not_authenticated.
   */
  validButHarmless(ctx: FrameContext): GeneratedFrame {
    const types: readonly ClientMessageType[] =
      ctx.phase === "post"
        ? ["ping", "permission.response", "auth.response", "pair.request"]
        : MESSAGE_TYPES.filter((t) => t !== "auth.response" && t !== "pair.request");
    const type = this.rng.pick(types);
    const message = this.validMessage(type, ctx.id);
    const data = JSON.stringify(message);
    if (ctx.phase === "pre") return { kind: `valid-pre:${type}`, data, expect: errorFor(["not_authenticated"], message) };
    if (type === "ping") return { kind: "valid:ping", data, expect: { reply: "pong", id: message.id as string | undefined } };
    const code: ErrorCode = type !== "permission.response" ? "invalid_message" : message.sessionId !== undefined ? "unknown_session" : "unknown_permission";
    return { kind: `valid:${type}`, data, expect: errorFor([code], message) };
  }

  /** A syntactically valid message from the schema (optional fields included at random). */
  validMessage(type: ClientMessageType, id: string): Record<string, unknown> {
    const message = this.validValue(messageSchema(type)) as Record<string, unknown>;
    if (this.rng.chance(0.85)) message.id = id;
    else delete message.id;
    return message;
  }

  validValue(schema: JsonSchema, depth = 0): unknown {
    const r = this.rng;
    if ("const" in schema) return schema.const;
    if (Array.isArray(schema.enum)) return r.pick(schema.enum);
    switch (schema.type) {
      case "string": {
        const min = (schema.minLength as number | undefined) ?? 0;
        const max = Math.min((schema.maxLength as number | undefined) ?? 64, 64);
        let value = r.chance(0.4) ? r.pick(NASTY_STRINGS) : this.unicodeString(r.range(min, max));
        while (value.length < min) value += "x";
        return value.slice(0, (schema.maxLength as number | undefined) ?? value.length);
      }
      case "integer": {
        const min = (schema.minimum as number | undefined) ?? -1000;
        const max = (schema.maximum as number | undefined) ?? 1_000_000;
        return r.chance(0.2) ? min : r.range(min, Math.min(max, min + 1_000_000));
      }
      case "boolean":
        return r.chance(0.5);
      case "array":
        return Array.from({ length: r.int(3) }, () => this.validValue(schema.items as JsonSchema, depth + 1));
      case "object": {
        const properties = schema.properties as Record<string, JsonSchema> | undefined;
        if (!properties) return this.randomJsonObject(depth);
        const required = new Set(schema.required as string[]);
        const out: Record<string, unknown> = {};
        for (const [key, child] of Object.entries(properties)) {
          if (required.has(key) || r.chance(0.5)) out[key] = this.validValue(child, depth + 1);
        }
        return out;
      }
      default:
        return this.randomJson(depth);
    }
  }

  // ── free-form ───────────────────────────────────────────────────────────────────────────────

  unknownType(ctx: FrameContext): GeneratedFrame {
    const r = this.rng;
    const known = r.pick(MESSAGE_TYPES);
    const type = r.pick([
      () => r.pick(NASTY_STRINGS),
      () => known.toUpperCase(),
      () => `${known} `,
      () => ` ${known}`,
      () => `${known}\u0000`,
      () => known.replace(".", "\u2024"),
      () => this.unicodeString(r.range(1, 40)),
      () => "t".repeat(r.range(65, 5000)),
      () => r.pick(["shell", "exec", "auth.ok", "claude.event", "session.state", "error", "pong"]),
    ])();
    if (Object.hasOwn(clientMessages, type)) return this.unknownType(ctx);
    const message = { type, id: ctx.id, text: "would be a prompt", signature: "x" };
    return { kind: "unknown-type", data: JSON.stringify(message), expect: errorFor(["unknown_type"], message) };
  }

  typeNotString(ctx: FrameContext): GeneratedFrame {
    const type = this.rng.pick<unknown>([null, 1, 0, true, false, [], ["prompt"], { prompt: true }, -1.5]);
    const message = { type, id: ctx.id, text: "hello" };
    return { kind: "type-not-string", data: JSON.stringify(message), expect: errorFor(["invalid_message"], message) };
  }

  /** Random unicode text; JSON only by accident, and then never an object with a known type. */
  randomText(_ctx: FrameContext): GeneratedFrame {
    const text = this.rng.chance(0.2) ? this.rng.pick(NASTY_STRINGS) : this.unicodeString(this.rng.range(0, 200));
    return { kind: "random-text", data: text, expect: { reply: "error", codes: ["invalid_json", "invalid_message"] } };
  }

  jsonNonObject(): GeneratedFrame {
    const value = this.rng.pick<() => unknown>([
      () => null,
      () => this.rng.int(1000),
      () => this.rng.pick(NASTY_STRINGS),
      () => [{ type: "prompt", text: "inside an array" }],
      () => true,
      () => [],
    ])();
    return { kind: "json-non-object", data: JSON.stringify(value), expect: { reply: "error", codes: ["invalid_message"] } };
  }

  /** A message cut short: `{…` without its closing brace is never valid JSON. */
  truncated(ctx: FrameContext): GeneratedFrame {
    const text = JSON.stringify(this.validMessage(this.rng.pick(MESSAGE_TYPES), ctx.id));
    return { kind: "truncated-json", data: text.slice(0, this.rng.int(text.length - 1) + 1), expect: { reply: "error", codes: ["invalid_json"] } };
  }

  binary(ctx: FrameContext): GeneratedFrame {
    const r = this.rng;
    const bytes = r.chance(0.3)
      ? new TextEncoder().encode(JSON.stringify({ type: "ping", id: ctx.id })) // valid JSON, but binary
      : r.bytes(r.range(0, 300));
    return { kind: "binary", data: bytes as Uint8Array<ArrayBuffer>, expect: { reply: "error", codes: ["invalid_message"] } };
  }

  /**
   * Prototype keys where a careless decoder would let them change the message: a `type` or
   * `text` hidden in `__proto__`/`constructor.prototype` must not count, and nothing may pollute
   * Object.prototype (the suite checks that too).
   */
  prototypeKeys(ctx: FrameContext): GeneratedFrame {
    const id = JSON.stringify(ctx.id);
    const key = this.rng.pick(PROTO_KEYS);
    const variants: Array<[string, Expectation]> = [
      [`{"__proto__":{"type":"prompt","text":"pwned"},"id":${id}}`, { reply: "error", codes: ["invalid_message"], id: ctx.id }],
      [`{"constructor":{"prototype":{"type":"prompt","text":"pwned"}},"id":${id}}`, { reply: "error", codes: ["invalid_message"], id: ctx.id }],
      [`{"type":"prompt","__proto__":{"text":"pwned"},"id":${id}}`, { reply: "error", codes: ["invalid_message"], id: ctx.id }],
      [`{"type":"prompt","text":{"__proto__":"pwned"},"id":${id}}`, { reply: "error", codes: ["invalid_message"], id: ctx.id }],
      [`{"type":${JSON.stringify(key)},"id":${id}}`, { reply: "error", codes: ["unknown_type"], id: ctx.id }],
      [
        `{"type":"auth.response","signature":"sig","resume":{"__proto__":{"lastSeq":1},"sessionId":"s"},"id":${id}}`,
        { reply: "error", codes: ["invalid_message"], id: ctx.id },
      ],
      [
        `{"type":"ping","${key}":{"polluted":true,"prototype":{"polluted":true}},"id":${id}}`,
        ctx.phase === "pre" ? { reply: "error", codes: ["not_authenticated"], id: ctx.id } : { reply: "pong", id: ctx.id },
      ],
      [
        `{"type":"permission.response","requestId":"${key}","behavior":"allow","updatedInput":{"__proto__":{"polluted":true},"constructor":{"prototype":{"polluted":true}}},"id":${id}}`,
        { reply: "error", codes: [ctx.phase === "pre" ? "not_authenticated" : "unknown_permission"], id: ctx.id },
      ],
      [`{"type":"permission.response","requestId":"r","behavior":"__proto__","id":${id}}`, { reply: "error", codes: ["invalid_message"], id: ctx.id }],
    ];
    const [data, expect] = this.rng.pick(variants);
    return { kind: "prototype-keys", data, expect };
  }

  /** Deeply nested arrays/objects inside a field, up to what fits the frame limit. */
  deepNesting(ctx: FrameContext): GeneratedFrame {
    const depth = this.rng.range(100, Math.floor((ctx.limit - 200) / 6));
    const nested = this.rng.chance(0.5) ? "[".repeat(depth) + "]".repeat(depth) : `${'{"a":'.repeat(depth)}1${"}".repeat(depth)}`;
    // In an ignored field of a ping (valid if the parser copes), or as a prompt's text (never valid).
    if (this.rng.chance(0.5)) {
      const expect: Expectation = ctx.phase === "pre" ? { reply: "error", codes: ["not_authenticated", "invalid_json"] } : { reply: "pong" };
      return { kind: "deep-nesting", data: `{"type":"ping","id":${JSON.stringify(ctx.id)},"x":${nested}}`, expect: deepExpect(expect, ctx.id) };
    }
    return {
      kind: "deep-nesting",
      data: `{"type":"prompt","id":${JSON.stringify(ctx.id)},"text":${nested}}`,
      expect: deepExpect({ reply: "error", codes: ["invalid_message"] }, ctx.id),
    };
  }

  /** A frame just under the limit: a huge string in a field that makes the message invalid anyway. */
  hugeWithin(ctx: FrameContext): GeneratedFrame {
    const r = this.rng;
    const room = ctx.limit - 200;
    const huge = r.pick(["x", "é", "😀", "\ud800", "\u0000"]).repeat(Math.floor(room / 12));
    const variants: Array<[Record<string, unknown>, ErrorCode]> = [
      [{ type: "prompt", text: 42, id: ctx.id, pad: huge }, "invalid_message"],
      [{ type: huge, id: ctx.id }, "unknown_type"],
      [{ type: "permission.response", requestId: huge, behavior: "allow", id: ctx.id }, "invalid_message"],
      [{ type: "ping", id: huge }, "invalid_message"],
    ];
    const [message, code] = r.pick(variants);
    // A 257+ character id makes the message invalid and is not echoed.
    const idOk = typeof message.id === "string" && message.id.length <= 256;
    return { kind: "huge-within-limit", data: JSON.stringify(message), expect: { reply: "error", codes: [code], ...(idOk && { id: message.id as string }) } };
  }

  /** Over the limit, by a little or a lot, text or binary: message_too_large and close 1009. */
  oversize(ctx: FrameContext): GeneratedFrame {
    // up to past the WebSocket layer's own payload cap (--max-message-bytes plus a quarter, at least 64 KiB), which closes 1009 by itself
    const length = ctx.limit + this.rng.pick([1, 2, 100, ctx.limit, 300_000]);
    if (this.rng.chance(0.25)) return { kind: "oversize", data: new Uint8Array(length), expect: { reply: "close", code: 1009 } };
    const filler = this.rng.chance(0.5) ? "x" : "é"; // 2 bytes in UTF-8: the limit is in bytes, not characters
    const head = `{"type":"prompt","id":${JSON.stringify(ctx.id)},"text":"`;
    const count = Math.ceil((length - head.length - 2) / Buffer.byteLength(filler));
    return { kind: "oversize", data: `${head}${filler.repeat(count)}"}`, expect: { reply: "close", code: 1009 } };
  }

  // ── values ──────────────────────────────────────────────────────────────────────────────────

  unicodeString(length: number): string {
    const r = this.rng;
    let out = "";
    while (out.length < length) {
      out += r.pick<() => string>([
        () => String.fromCharCode(r.range(0x20, 0x7e)),
        () => String.fromCharCode(r.range(0x20, 0x7e)),
        () => String.fromCharCode(r.range(0, 0x1f)),
        () => String.fromCharCode(r.range(0xd800, 0xdfff)), // lone surrogate
        () => String.fromCodePoint(r.range(0x1f300, 0x1faff)), // emoji
        () => r.pick(["\u202e", "\u200f", "\u2066", "\u0000", "\ufeff", '"', "\\", "{", "}", "[", "]", ":", ","]),
        () => String.fromCharCode(r.range(0x80, 0xffff)),
      ])();
    }
    return out;
  }

  randomJson(depth = 0): unknown {
    const r = this.rng;
    if (depth > 3) return r.int(10);
    return r.pick<() => unknown>([
      () => null,
      () => r.chance(0.5),
      () => r.range(-1e6, 1e6) / r.range(1, 7),
      () => this.unicodeString(r.int(20)),
      () => Array.from({ length: r.int(4) }, () => this.randomJson(depth + 1)),
      () => this.randomJsonObject(depth + 1),
    ])();
  }

  randomJsonObject(depth = 0): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    for (let i = this.rng.int(4); i > 0; i--) {
      const key = this.rng.chance(0.3) ? this.rng.pick(NASTY_STRINGS) : this.unicodeString(this.rng.range(1, 8));
      // defineProperty, so a "__proto__" key becomes an own property that JSON.stringify writes out
      Object.defineProperty(out, key, { value: this.randomJson(depth + 1), enumerable: true, writable: true, configurable: true });
    }
    return out;
  }
}

const byteLength = (data: string | Uint8Array): number => (typeof data === "string" ? Buffer.byteLength(data) : data.length);

const MESSAGE_TYPES = Object.keys(clientMessages) as ClientMessageType[];

export function messageSchema(type: ClientMessageType): JsonSchema {
  return clientMessages[type].toJsonSchema();
}

/** Every field path of an object schema, nested objects' fields included. */
export function fieldPaths(schema: JsonSchema, prefix: string[] = []): string[][] {
  const properties = (schema.properties ?? {}) as Record<string, JsonSchema>;
  return Object.entries(properties).flatMap(([key, child]) => {
    const path = [...prefix, key];
    return child.type === "object" && child.properties ? [path, ...fieldPaths(child, path)] : [path];
  });
}

/** Required field paths, descending only into required objects. */
export function requiredPaths(schema: JsonSchema, prefix: string[] = []): string[][] {
  const properties = (schema.properties ?? {}) as Record<string, JsonSchema>;
  const required = (schema.required ?? []) as string[];
  return required.flatMap((key) => {
    const child = properties[key]!;
    const path = [...prefix, key];
    return child.type === "object" && child.properties ? [path, ...requiredPaths(child, path)] : [path];
  });
}

function schemaAt(schema: JsonSchema, path: string[]): JsonSchema {
  return path.reduce((node, key) => (node.properties as Record<string, JsonSchema>)[key]!, schema);
}

/** Values the field's schema must refuse (wrong type, out of bounds, not the constant). */
export function wrongValues(schema: JsonSchema): unknown[] {
  const notString = [null, 0, 1.5, true, [], {}, ["x"], { x: 1 }];
  if ("const" in schema) {
    const value = schema.const;
    return typeof value === "string"
      ? [...notString, value.toUpperCase(), `${value} `, `${value}\u0000`, "", "\ud800"]
      : [String(value), null, (value as number) + 1];
  }
  if (Array.isArray(schema.enum)) return [...notString, "", ...schema.enum.map((v) => String(v).toUpperCase()), "cancelled", "__proto__"];
  switch (schema.type) {
    case "string": {
      const out: unknown[] = [...notString];
      if (((schema.minLength as number | undefined) ?? 0) > 0) out.push("");
      if (schema.maxLength !== undefined)
        out.push("y".repeat((schema.maxLength as number) + 1), "😀".repeat(Math.ceil(((schema.maxLength as number) + 1) / 2)));
      return out;
    }
    case "integer": {
      const out: unknown[] = [null, "1", 1.5, true, [], {}, 2 ** 53, -(2 ** 53), 1e21];
      if (schema.minimum !== undefined) out.push((schema.minimum as number) - 1);
      if (schema.maximum !== undefined) out.push((schema.maximum as number) + 1);
      return out;
    }
    case "object":
      return [null, 0, "{}", [], [{}], true];
    case "array":
      return [null, 0, "[]", {}, true];
    case "boolean":
      return [null, 0, 1, "true", "false", [], {}];
    default:
      throw new Error(`no wrong values for a field that accepts anything: ${JSON.stringify(schema)}`);
  }
}

function setAt(target: Record<string, unknown>, path: string[], value: unknown): void {
  let node = target;
  for (const key of path.slice(0, -1)) {
    if (typeof node[key] !== "object" || node[key] === null) node[key] = {};
    node = node[key] as Record<string, unknown>;
  }
  const last = path.at(-1)!;
  if (value === undefined) delete node[last];
  else node[last] = value;
}

/** The error for an invalid message; its `id` is echoed when it is a string of at most 256 characters. */
function errorFor(codes: ErrorCode[], message: Record<string, unknown>): Expectation {
  const id = message.id;
  return { reply: "error", codes, ...(typeof id === "string" && id.length <= 256 && { id }) };
}

/** A parser may refuse extreme nesting as invalid JSON; otherwise the message's own answer. */
function deepExpect(expect: Expectation, id: string): Expectation {
  if (expect.reply === "pong") return { reply: "pong", id, orCodes: ["invalid_json"] };
  if (expect.reply === "error") return { reply: "error", codes: [...expect.codes, "invalid_json"] };
  return expect;
}
