import { describe, expect, test } from "bun:test";
import { decodeClientFrame, frameExceeds } from "../../src/protocol/decode.ts";

describe("decodeClientFrame", () => {
  test("accepts every client message type", () => {
    const frames = [
      { type: "auth.response", signature: "-----BEGIN SSH SIGNATURE-----", resume: { sessionId: "s", lastSeq: 0 } },
      { type: "prompt", text: "hello", id: "p1" },
      { type: "permission.response", requestId: "r1", behavior: "allow", updatedInput: { a: 1 } },
      { type: "permission.response", requestId: "r1", behavior: "deny", message: "no" },
      { type: "interrupt" },
      { type: "ping", id: "x" },
    ];
    for (const frame of frames) {
      const result = decodeClientFrame(JSON.stringify(frame));
      expect(result).toEqual({ ok: true, message: frame as never });
    }
  });

  const bad: Array<[string, string | Uint8Array, string, string?]> = [
    ["truncated JSON", '{"type":"ping"', "invalid_json"],
    ["empty frame", "", "invalid_json"],
    ["not JSON at all", "hello", "invalid_json"],
    ["array", "[1,2]", "invalid_message"],
    ["string", '"ping"', "invalid_message"],
    ["null", "null", "invalid_message"],
    ["number", "42", "invalid_message"],
    ["missing type", '{"id":"a"}', "invalid_message", "a"],
    ["numeric type", '{"type":5,"id":"a"}', "invalid_message", "a"],
    ["unknown type", '{"type":"hack","id":"q"}', "unknown_type", "q"],
    ["prompt without text", '{"type":"prompt","id":"1"}', "invalid_message", "1"],
    ["prompt with numeric text", '{"type":"prompt","text":7}', "invalid_message"],
    ["prompt with empty text", '{"type":"prompt","text":""}', "invalid_message"],
    ["bad behavior", '{"type":"permission.response","requestId":"r","behavior":"maybe"}', "invalid_message"],
    ["updatedInput not an object", '{"type":"permission.response","requestId":"r","behavior":"allow","updatedInput":[1]}', "invalid_message"],
    ["requestId missing", '{"type":"permission.response","behavior":"allow"}', "invalid_message"],
    ["negative lastSeq", '{"type":"auth.response","signature":"x","resume":{"sessionId":"s","lastSeq":-1}}', "invalid_message"],
    ["fractional lastSeq", '{"type":"auth.response","signature":"x","resume":{"sessionId":"s","lastSeq":1.5}}', "invalid_message"],
    ["signature not a string", '{"type":"auth.response","signature":{"a":1}}', "invalid_message"],
    ["id not a string", '{"type":"ping","id":12}', "invalid_message"],
    ["binary frame", new Uint8Array([123, 125]), "invalid_message"],
  ];
  for (const [name, frame, code, id] of bad) {
    test(`${name} → ${code}`, () => {
      const result = decodeClientFrame(frame);
      expect(result.ok).toBe(false);
      if (result.ok) return;
      expect(result.code).toBe(code as never);
      expect(result.message.length).toBeGreaterThan(5);
      expect(result.id).toBe(id);
    });
  }

  test("the error names the offending field", () => {
    const result = decodeClientFrame('{"type":"auth.response","signature":"x","resume":{"sessionId":"s","lastSeq":"3"}}');
    expect(result.ok || result.message).toBe("auth.response: resume.lastSeq must be an integer");
  });

  test("__proto__ keys never reach a prototype", () => {
    const result = decodeClientFrame(
      '{"type":"permission.response","requestId":"r","behavior":"allow","__proto__":{"polluted":1},"updatedInput":{"__proto__":{"polluted":2}}}',
    );
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(Object.getPrototypeOf(result.message)).toBe(Object.prototype);
    expect((result.message as Record<string, unknown>).polluted).toBeUndefined();
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    // the tool input travels back out unchanged, as data
    expect(JSON.stringify((result.message as { updatedInput: object }).updatedInput)).toBe('{"__proto__":{"polluted":2}}');
  });

  test("unknown fields are ignored, not copied", () => {
    const result = decodeClientFrame('{"type":"ping","extra":1,"constructor":{"x":1}}');
    expect(result).toEqual({ ok: true, message: { type: "ping" } });
  });

  test("an over-long id is not echoed", () => {
    const result = decodeClientFrame(JSON.stringify({ type: "nope", id: "x".repeat(300) }));
    expect(result.ok || result.id).toBeUndefined();
  });

  test("deeply nested input is answered, not crashed on", () => {
    const deep = "[".repeat(100_000) + "]".repeat(100_000);
    const result = decodeClientFrame(deep);
    expect(result.ok).toBe(false);
  });
});

describe("frameExceeds", () => {
  test("counts UTF-8 bytes, not characters", () => {
    expect(frameExceeds("é".repeat(600), 1000)).toBe(true);
    expect(frameExceeds("e".repeat(600), 1000)).toBe(false);
    expect(frameExceeds(new Uint8Array(1001), 1000)).toBe(true);
  });
});
