import { describe, expect, test } from "bun:test";
import { type LineEvent, LineSplitter } from "../../src/claude/line-splitter.ts";

const bytes = (text: string) => new TextEncoder().encode(text);
const lines = (events: LineEvent[]) => events.map((e) => (e.kind === "line" ? e.text : `<overflow ${e.bytes}>`));

/** Feeds `input` split at every given byte offset and collects everything. */
function feed(input: Uint8Array, cuts: number[], splitter = new LineSplitter()): string[] {
  const out: LineEvent[] = [];
  let start = 0;
  for (const cut of [...cuts, input.length]) {
    out.push(...splitter.push(input.subarray(start, cut)));
    start = cut;
  }
  out.push(...splitter.end());
  return lines(out);
}

describe("LineSplitter", () => {
  test("splits lines within one chunk", () => {
    expect(feed(bytes('{"a":1}\n{"b":2}\n'), [])).toEqual(['{"a":1}', '{"b":2}']);
  });

  test("joins a line cut at every possible position", () => {
    const input = bytes('{"type":"assistant","text":"hello"}\n{"type":"result"}\n');
    for (let cut = 0; cut <= input.length; cut++) {
      expect(feed(input, [cut])).toEqual(['{"type":"assistant","text":"hello"}', '{"type":"result"}']);
    }
  });

  test("reassembles multi-byte UTF-8 characters cut inside", () => {
    const text = '{"t":"é€😀"}';
    const input = bytes(`${text}\n`);
    // Every cut inside é (2 bytes), € (3 bytes) and 😀 (4 bytes), and one-byte chunks.
    for (let cut = 1; cut < input.length; cut++) expect(feed(input, [cut])).toEqual([text]);
    expect(
      feed(
        input,
        Array.from({ length: input.length - 1 }, (_, i) => i + 1),
      ),
    ).toEqual([text]);
  });

  test("strips CR of CRLF and skips blank and whitespace-only lines", () => {
    expect(feed(bytes("a\r\n\r\n\n   \nb\r\n"), [2])).toEqual(["a", "b"]);
  });

  test("keeps a CR that is not at the end of the line", () => {
    expect(feed(bytes("a\rb\n"), [])).toEqual(["a\rb"]);
  });

  test("flushes a last line without newline on end()", () => {
    expect(feed(bytes("x\ny"), [])).toEqual(["x", "y"]);
  });

  test("accepts a long line delivered in many chunks", () => {
    const long = `{"content":"${"x".repeat(3 * 1024 * 1024)}"}`;
    const input = bytes(`${long}\n{"next":true}\n`);
    const cuts = Array.from({ length: Math.floor(input.length / 65536) }, (_, i) => (i + 1) * 65536);
    const out = feed(input, cuts);
    expect(out.length).toBe(2);
    expect(out[0]!.length).toBe(long.length);
    expect(out[1]).toBe('{"next":true}');
  });

  test("reports a line over the limit as overflow and recovers at the next line", () => {
    const splitter = new LineSplitter({ maxLineBytes: 10 });
    expect(feed(bytes("short\n0123456789ABCDEF\nafter\n"), [8, 14], splitter)).toEqual(["short", "<overflow 16>", "after"]);
  });

  test("a line exactly at the limit is accepted", () => {
    expect(feed(bytes("0123456789\n"), [], new LineSplitter({ maxLineBytes: 10 }))).toEqual(["0123456789"]);
  });

  test("does not keep a reference to the caller's buffer", () => {
    const splitter = new LineSplitter();
    const buffer = bytes("abc");
    splitter.push(buffer);
    buffer.fill(0x7a);
    expect(lines(splitter.push(bytes("\n")))).toEqual(["abc"]);
  });
});
