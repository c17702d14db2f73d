/**
 * Splits a byte stream into text lines (pure, no I/O).
 *
 * Splitting happens on the `\n` byte, which never occurs inside a multi-byte UTF-8 sequence, so a
 * character cut across two chunks is reassembled before the line is decoded. A trailing `\r` is
 * dropped (CRLF), blank lines are skipped, and a line longer than `maxLineBytes` is discarded and
 * reported as an overflow instead of growing memory without bound.
 *
 * @example
 * ```ts
 * const splitter = new LineSplitter();
 * splitter.push(new TextEncoder().encode('{"a":1}\n{"b"')); // [{ kind: "line", text: '{"a":1}' }]
 * splitter.push(new TextEncoder().encode(":2}\n"));         // [{ kind: "line", text: '{"b":2}' }]
 * ```
 */

/** A complete line, or the report of one that was too long and was dropped. */
export type LineEvent = { kind: "line"; text: string } | { kind: "overflow"; bytes: number };

export interface LineSplitterOptions {
  /** Longest accepted line in bytes (without the newline). Default 64 MiB. */
  maxLineBytes?: number;
}

export const DEFAULT_MAX_LINE_BYTES = 64 * 1024 * 1024;

const NEWLINE = 0x0a;
const CARRIAGE_RETURN = 0x0d;

export class LineSplitter {
  readonly maxLineBytes: number;
  #parts: Uint8Array[] = [];
  #pendingBytes = 0;
  /** Bytes of an over-long line seen so far; its remainder is skipped up to the next newline. */
  #discarding: number | null = null;
  readonly #decoder = new TextDecoder("utf-8");

  constructor(options: LineSplitterOptions = {}) {
    this.maxLineBytes = options.maxLineBytes ?? DEFAULT_MAX_LINE_BYTES;
  }

  /** Feeds a chunk; returns the lines it completed. */
  push(chunk: Uint8Array): LineEvent[] {
    const out: LineEvent[] = [];
    let start = 0;
    while (start < chunk.length) {
      const newline = chunk.indexOf(NEWLINE, start);
      const end = newline === -1 ? chunk.length : newline;
      this.#append(chunk.subarray(start, end));
      if (newline === -1) break;
      this.#finishLine(out);
      start = newline + 1;
    }
    return out;
  }

  /** Flushes a last line that had no trailing newline. */
  end(): LineEvent[] {
    const out: LineEvent[] = [];
    if (this.#pendingBytes > 0 || this.#discarding !== null) this.#finishLine(out);
    return out;
  }

  #append(bytes: Uint8Array): void {
    if (bytes.length === 0) return;
    if (this.#discarding !== null) {
      this.#discarding += bytes.length;
      return;
    }
    if (this.#pendingBytes + bytes.length > this.maxLineBytes) {
      this.#discarding = this.#pendingBytes + bytes.length;
      this.#parts = [];
      this.#pendingBytes = 0;
      return;
    }
    // Copy: the caller may reuse its buffer.
    this.#parts.push(bytes.slice());
    this.#pendingBytes += bytes.length;
  }

  #finishLine(out: LineEvent[]): void {
    if (this.#discarding !== null) {
      out.push({ kind: "overflow", bytes: this.#discarding });
      this.#discarding = null;
      return;
    }
    const bytes = this.#parts.length === 1 ? this.#parts[0]! : concat(this.#parts, this.#pendingBytes);
    this.#parts = [];
    this.#pendingBytes = 0;
    const length = bytes.length > 0 && bytes[bytes.length - 1] === CARRIAGE_RETURN ? bytes.length - 1 : bytes.length;
    const text = this.#decoder.decode(bytes.subarray(0, length));
    if (text.trim().length > 0) out.push({ kind: "line", text });
  }
}

function concat(parts: Uint8Array[], total: number): Uint8Array {
  const joined = new Uint8Array(total);
  let offset = 0;
  for (const part of parts) {
    joined.set(part, offset);
    offset += part.length;
  }
  return joined;
}
