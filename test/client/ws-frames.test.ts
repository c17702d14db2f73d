/**
 * WebSocket frames (RFC 6455 §5): client frames as written (masked, every length encoding), and
 * the server's frames as decoded from bytes cut anywhere — fragments joined, control frames
 * between fragments, and each protocol violation refused with its close code.
 */
import { describe, expect, test } from "bun:test";
import { CLOSE, closePayload, encodeClientFrame, FrameDecoder, FrameError, OPCODE, type ServerFrame } from "../../src/client/ws-frames.ts";
import { thrown } from "../support/thrown.ts";
import { readClientFrame, serverFrame } from "../support/ws-wire.ts";

const utf8 = (text: string) => new TextEncoder().encode(text);

const decode = (bytes: Uint8Array, maxMessageBytes = 1 << 20) => new FrameDecoder({ maxMessageBytes }).push(bytes);

describe("encodeClientFrame", () => {
  test("final, masked with the given key, for payloads needing each length encoding", () => {
    const mask = new Uint8Array([1, 2, 3, 4]);
    for (const length of [0, 125, 126, 65535, 65536]) {
      const payload = new Uint8Array(length).map((_, i) => i & 255);
      const frame = encodeClientFrame(OPCODE.binary, payload, mask);
      const read = readClientFrame(frame)!;
      expect({ fin: read.fin, opcode: read.opcode, masked: read.masked, length: read.payload.length, size: read.size }).toEqual({
        fin: true,
        opcode: OPCODE.binary,
        masked: true,
        length,
        size: frame.length,
      });
      expect(Buffer.from(read.payload).equals(Buffer.from(payload))).toBe(true);
      expect(frame.length).toBe(length + (length < 126 ? 6 : length < 65536 ? 8 : 14));
    }
    // The bytes on the wire are masked: "hi" XOR 1,2 is not "hi".
    expect([...encodeClientFrame(OPCODE.text, utf8("hi"), mask).subarray(6)]).toEqual([0x68 ^ 1, 0x69 ^ 2]);
  });

  test("closePayload: the code, then the reason cut on a character boundary to fit a control frame; none for 1005", () => {
    expect([...closePayload(1000, "bye")]).toEqual([0x03, 0xe8, 0x62, 0x79, 0x65]);
    const long = closePayload(4000, "é".repeat(100));
    expect(long.length).toBeLessThanOrEqual(125);
    expect(new TextDecoder("utf-8", { fatal: true }).decode(long.subarray(2))).toBe("é".repeat(61));
    expect(closePayload(CLOSE.noStatus, "ignored").length).toBe(0);
  });
});

describe("FrameDecoder", () => {
  test("text, binary, ping, pong and close frames", () => {
    const bytes = new Uint8Array([
      ...serverFrame(OPCODE.text, utf8("héllo")),
      ...serverFrame(OPCODE.binary, new Uint8Array([1, 2, 3])),
      ...serverFrame(OPCODE.ping, utf8("p")),
      ...serverFrame(OPCODE.pong, utf8("q")),
      ...serverFrame(OPCODE.close, closePayload(4401, "auth failed")),
      ...serverFrame(OPCODE.close, new Uint8Array()),
    ]);
    const frames = decode(bytes);
    expect(frames.map((frame) => (frame.kind === "binary" ? { kind: "binary", data: [...new Uint8Array(frame.data)] } : frame))).toEqual([
      { kind: "text", text: "héllo" },
      { kind: "binary", data: [1, 2, 3] },
      { kind: "ping", payload: utf8("p") },
      { kind: "pong" },
      { kind: "close", code: 4401, reason: "auth failed" },
      { kind: "close", code: 1005, reason: "" },
    ]);
  });

  test("bytes cut anywhere (one at a time) give the same frames; 16- and 64-bit lengths", () => {
    const big = "x".repeat(70_000);
    const bytes = new Uint8Array([
      ...serverFrame(OPCODE.text, utf8("a".repeat(300))),
      ...serverFrame(OPCODE.text, utf8(big)),
      ...serverFrame(OPCODE.text, utf8("€")),
    ]);
    const decoder = new FrameDecoder({ maxMessageBytes: 1 << 20 });
    const frames: ServerFrame[] = [];
    for (let i = 0; i < bytes.length; i += 7) frames.push(...decoder.push(bytes.subarray(i, i + 7)));
    expect(frames).toEqual([
      { kind: "text", text: "a".repeat(300) },
      { kind: "text", text: big },
      { kind: "text", text: "€" },
    ]);
    expect(decoder.pending).toBe(0);
  });

  test("a fragmented message is joined, with a ping between its fragments delivered at once", () => {
    const euro = utf8("€");
    const frames = decode(
      new Uint8Array([
        ...serverFrame(OPCODE.text, new Uint8Array([...utf8("one "), euro[0]!]), { fin: false }),
        ...serverFrame(OPCODE.ping, new Uint8Array()),
        ...serverFrame(OPCODE.continuation, euro.subarray(1), { fin: false }),
        ...serverFrame(OPCODE.continuation, utf8(" two")),
      ]),
    );
    expect(frames).toEqual([
      { kind: "ping", payload: new Uint8Array() },
      { kind: "text", text: "one € two" },
    ]);
  });

  test("protocol violations: each a FrameError with the close code to send", () => {
    const cases: Array<[Uint8Array, number, string]> = [
      [serverFrame(OPCODE.text, utf8("x"), { mask: new Uint8Array([1, 2, 3, 4]) }), CLOSE.protocolError, "masked frame"],
      [serverFrame(OPCODE.text, utf8("x"), { rsv: 0x40 }), CLOSE.protocolError, "reserved bits"],
      [serverFrame(0x3, utf8("x")), CLOSE.protocolError, "unknown opcode 3"],
      [serverFrame(OPCODE.ping, utf8("x"), { fin: false }), CLOSE.protocolError, "fragmented or oversized control frame"],
      [serverFrame(OPCODE.ping, new Uint8Array(126)), CLOSE.protocolError, "fragmented or oversized control frame"],
      [serverFrame(OPCODE.continuation, utf8("x")), CLOSE.protocolError, "no message to continue"],
      [
        new Uint8Array([...serverFrame(OPCODE.text, utf8("a"), { fin: false }), ...serverFrame(OPCODE.text, utf8("b"))]),
        CLOSE.protocolError,
        "before finishing",
      ],
      [serverFrame(OPCODE.text, new Uint8Array([0xff, 0xfe])), CLOSE.invalidData, "text message that is not UTF-8"],
      [serverFrame(OPCODE.close, new Uint8Array([0x03])), CLOSE.protocolError, "one-byte payload"],
      [serverFrame(OPCODE.close, closePayload(1006, "")), CLOSE.protocolError, "invalid close code 1006"],
      [serverFrame(OPCODE.close, new Uint8Array([0x03, 0xe8, 0xff])), CLOSE.invalidData, "close reason that is not UTF-8"],
    ];
    for (const [bytes, closeCode, words] of cases) {
      const error = thrown(() => decode(bytes));
      expect(error).toBeInstanceOf(FrameError);
      expect([(error as FrameError).closeCode, error.message]).toEqual([closeCode, expect.stringContaining(words)]);
    }
  });

  test("a message over the limit is refused (1009) from its header, before its payload arrives; fragments count together", () => {
    const header = serverFrame(OPCODE.binary, new Uint8Array(2000)).subarray(0, 4);
    expect((thrown(() => decode(header, 1000)) as FrameError).closeCode).toBe(CLOSE.tooBig);
    const fragments = new Uint8Array([
      ...serverFrame(OPCODE.text, utf8("a".repeat(600)), { fin: false }),
      ...serverFrame(OPCODE.continuation, utf8("b".repeat(600))),
    ]);
    expect(thrown(() => decode(fragments, 1000)).message).toBe("the relay sent a message over 1000 bytes");
    expect(decode(fragments, 1200)).toEqual([{ kind: "text", text: "a".repeat(600) + "b".repeat(600) }]);
  });
});
