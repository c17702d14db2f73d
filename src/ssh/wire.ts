/**
 * SSH wire encoding (RFC 4251 §5): uint32, string, mpint, with strict bounds checks.
 *
 * Every length field read from untrusted input is checked against the bytes that are actually left
 * before anything is sliced, so truncated or oversized input fails with a {@link WireError} and never
 * allocates more than the input itself.
 *
 * @example
 * ```ts
 * const reader = new WireReader(blob);
 * const type = reader.readString();      // "ssh-ed25519"
 * const key = reader.readBytes();        // 32 raw bytes
 * reader.expectEnd();
 * ```
 */

/** Malformed SSH wire data: a length past the end, trailing bytes, a non-UTF-8 name. */
export class WireError extends Error {
  override readonly name = "WireError";
}

const utf8 = new TextDecoder("utf-8", { fatal: true });
const utf8Encoder = new TextEncoder();

/** Sequential, bounds-checked reader over one SSH wire buffer. */
export class WireReader {
  #offset = 0;

  readonly #bytes: Uint8Array;

  constructor(bytes: Uint8Array) {
    this.#bytes = bytes;
  }

  /** Bytes not yet read. */
  get remaining(): number {
    return this.#bytes.length - this.#offset;
  }

  readUint32(): number {
    if (this.remaining < 4) throw new WireError("truncated uint32");
    const b = this.#bytes;
    const o = this.#offset;
    this.#offset += 4;
    return ((b[o]! << 24) | (b[o + 1]! << 16) | (b[o + 2]! << 8) | b[o + 3]!) >>> 0;
  }

  readByte(): number {
    if (this.remaining < 1) throw new WireError("truncated byte");
    return this.#bytes[this.#offset++]!;
  }

  /** Reads `length` raw bytes (no length prefix). */
  readRaw(length: number): Uint8Array {
    if (length > this.remaining) throw new WireError(`truncated field: need ${length} bytes, have ${this.remaining}`);
    const out = this.#bytes.subarray(this.#offset, this.#offset + length);
    this.#offset += length;
    return out;
  }

  /** Reads a length-prefixed `string` as bytes (a view, not a copy). */
  readBytes(): Uint8Array {
    return this.readRaw(this.readUint32());
  }

  /** Reads a length-prefixed `string` that must be valid UTF-8. */
  readString(): string {
    const raw = this.readBytes();
    try {
      return utf8.decode(raw);
    } catch {
      throw new WireError("string field is not valid UTF-8");
    }
  }

  /** Reads an `mpint` and returns its magnitude without sign/padding zero bytes; negative values are rejected. */
  readMpintMagnitude(): Uint8Array {
    const raw = this.readBytes();
    if (raw.length > 0 && (raw[0]! & 0x80) !== 0) throw new WireError("negative mpint");
    let start = 0;
    while (start < raw.length && raw[start] === 0) start++;
    return raw.subarray(start);
  }

  /** Throws unless every byte has been consumed. */
  expectEnd(what = "structure"): void {
    if (this.remaining !== 0) throw new WireError(`${this.remaining} trailing bytes after ${what}`);
  }
}

/** Encodes SSH wire fields into one buffer. */
export class WireWriter {
  readonly #parts: Uint8Array[] = [];

  uint32(value: number): this {
    const b = new Uint8Array(4);
    new DataView(b.buffer).setUint32(0, value >>> 0);
    this.#parts.push(b);
    return this;
  }

  byte(value: number): this {
    this.#parts.push(Uint8Array.of(value & 0xff));
    return this;
  }

  /** Appends bytes without a length prefix. */
  raw(bytes: Uint8Array | string): this {
    this.#parts.push(typeof bytes === "string" ? utf8Encoder.encode(bytes) : bytes);
    return this;
  }

  /** Appends a length-prefixed `string`. */
  string(value: Uint8Array | string): this {
    const bytes = typeof value === "string" ? utf8Encoder.encode(value) : value;
    return this.uint32(bytes.length).raw(bytes);
  }

  /** Appends an unsigned big-endian magnitude as an `mpint` (adds a zero byte when the top bit is set). */
  mpint(magnitude: Uint8Array): this {
    let start = 0;
    while (start < magnitude.length && magnitude[start] === 0) start++;
    const trimmed = magnitude.subarray(start);
    if (trimmed.length > 0 && (trimmed[0]! & 0x80) !== 0) {
      const padded = new Uint8Array(trimmed.length + 1);
      padded.set(trimmed, 1);
      return this.string(padded);
    }
    return this.string(trimmed);
  }

  toBytes(): Uint8Array {
    const total = this.#parts.reduce((n, p) => n + p.length, 0);
    const out = new Uint8Array(total);
    let o = 0;
    for (const p of this.#parts) {
      out.set(p, o);
      o += p.length;
    }
    return out;
  }
}

/** Left-pads a big-endian magnitude to `size` bytes; throws when it does not fit. */
export function leftPad(magnitude: Uint8Array, size: number): Uint8Array {
  if (magnitude.length > size) throw new WireError(`integer of ${magnitude.length} bytes exceeds ${size}`);
  const out = new Uint8Array(size);
  out.set(magnitude, size - magnitude.length);
  return out;
}

/** Byte-for-byte equality. */
export function bytesEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}
