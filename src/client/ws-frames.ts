/**
 * WebSocket frames as a client writes and reads them (RFC 6455 §5), for the transport that
 * speaks WebSocket over its own TLS socket (tls-transport.ts). Pure: bytes in, frames out.
 *
 * - {@link encodeClientFrame}: one final frame, masked with the given key (a client must mask).
 * - {@link FrameDecoder}: the server's frames from a byte stream cut anywhere, fragmented
 *   messages joined, every protocol violation a {@link FrameError} with the close code to send.
 *
 * @example
 * ```ts
 * const wire = encodeClientFrame(OPCODE.text, new TextEncoder().encode("hi"), crypto.getRandomValues(new Uint8Array(4)));
 * const decoder = new FrameDecoder({ maxMessageBytes: 1 << 20 });
 * for (const frame of decoder.push(chunkFromTheSocket)) if (frame.kind === "text") console.log(frame.text);
 * ```
 */

export const OPCODE = { continuation: 0x0, text: 0x1, binary: 0x2, close: 0x8, ping: 0x9, pong: 0xa } as const;

/** Close codes this side sends for a peer's violation (RFC 6455 §7.4.1). */
export const CLOSE = { normal: 1000, protocolError: 1002, noStatus: 1005, abnormal: 1006, invalidData: 1007, tooBig: 1009 } as const;

/** A whole message or a control frame from the server. */
export type ServerFrame =
  | { kind: "text"; text: string }
  | { kind: "binary"; data: ArrayBuffer }
  | { kind: "ping"; payload: Uint8Array }
  | { kind: "pong" }
  /** `code` 1005 when the close frame carried none. */
  | { kind: "close"; code: number; reason: string };

/** The server broke the protocol; close the connection with `closeCode`. */
export class FrameError extends Error {
  override readonly name = "FrameError";
  constructor(
    readonly closeCode: number,
    message: string,
  ) {
    super(message);
  }
}

/** Control frames carry at most this many payload bytes (§5.5). */
const MAX_CONTROL_PAYLOAD = 125;

/**
 * One final client frame: FIN set, masked with `mask` (4 bytes), any opcode and payload (a test
 * may send what a well-behaved client never would).
 *
 * @example
 * encodeClientFrame(OPCODE.close, new Uint8Array([0x03, 0xe8]), new Uint8Array(4)); // a close 1000 frame
 */
export function encodeClientFrame(opcode: number, payload: Uint8Array, mask: Uint8Array): Uint8Array {
  const length = payload.length;
  const lengthBytes = length < 126 ? 0 : length < 0x10000 ? 2 : 8;
  const frame = new Uint8Array(2 + lengthBytes + 4 + length);
  const view = new DataView(frame.buffer);
  frame[0] = 0x80 | (opcode & 0x0f);
  if (lengthBytes === 0) frame[1] = 0x80 | length;
  else if (lengthBytes === 2) {
    frame[1] = 0x80 | 126;
    view.setUint16(2, length);
  } else {
    frame[1] = 0x80 | 127;
    view.setBigUint64(2, BigInt(length));
  }
  const maskAt = 2 + lengthBytes;
  frame.set(mask.subarray(0, 4), maskAt);
  const payloadAt = maskAt + 4;
  for (let i = 0; i < length; i++) frame[payloadAt + i] = payload[i]! ^ mask[i & 3]!;
  return frame;
}

/**
 * The payload of a close frame: the code (omitted for 1005, which must not be sent) and a reason
 * cut to fit a control frame on a character boundary.
 *
 * @example
 * closePayload(1000, "bye"); // Uint8Array [0x03, 0xe8, 0x62, 0x79, 0x65]
 */
export function closePayload(code: number, reason: string): Uint8Array {
  if (code === CLOSE.noStatus) return new Uint8Array(0);
  const characters = [...reason];
  let bytes = new TextEncoder().encode(reason);
  while (bytes.length > MAX_CONTROL_PAYLOAD - 2) {
    characters.pop();
    bytes = new TextEncoder().encode(characters.join(""));
  }
  const payload = new Uint8Array(2 + bytes.length);
  new DataView(payload.buffer).setUint16(0, code);
  payload.set(bytes, 2);
  return payload;
}

/**
 * The server's frames from a stream of bytes. Keeps partial frames between pushes and joins
 * fragmented messages; a message over `maxMessageBytes` is refused (1009) before it is buffered.
 *
 * @example
 * const decoder = new FrameDecoder({ maxMessageBytes: 64 << 20 });
 * socket.on("data", (chunk) => decoder.push(chunk).forEach(handle));
 */
export class FrameDecoder {
  readonly #maxMessageBytes: number;
  readonly #utf8 = new TextDecoder("utf-8", { fatal: true });
  #chunks: Uint8Array[] = [];
  #buffered = 0;
  /** The data message being assembled from fragments. */
  #message: { opcode: number; parts: Uint8Array[]; bytes: number } | undefined;

  constructor(options: { maxMessageBytes: number }) {
    this.#maxMessageBytes = options.maxMessageBytes;
  }

  /** Bytes received but not yet part of a whole frame. */
  get pending(): number {
    return this.#buffered;
  }

  /**
   * Adds bytes; returns the messages and control frames they complete, in order. Throws
   * {@link FrameError} on a protocol violation (the decoder is then unusable).
   */
  push(chunk: Uint8Array): ServerFrame[] {
    if (chunk.length > 0) {
      this.#chunks.push(chunk);
      this.#buffered += chunk.length;
    }
    const frames: ServerFrame[] = [];
    for (;;) {
      const frame = this.#next();
      if (frame === undefined) return frames;
      if (frame !== null) frames.push(frame);
    }
  }

  /** The next frame: a ServerFrame, null for a fragment that completes nothing yet, undefined when more bytes are needed. */
  #next(): ServerFrame | null | undefined {
    if (this.#buffered < 2) return undefined;
    const head = this.#peek(Math.min(this.#buffered, 10));
    const fin = (head[0]! & 0x80) !== 0;
    const rsv = head[0]! & 0x70;
    const opcode = head[0]! & 0x0f;
    const masked = (head[1]! & 0x80) !== 0;
    let length = head[1]! & 0x7f;
    let headerBytes = 2;
    if (rsv !== 0) throw new FrameError(CLOSE.protocolError, "the relay set reserved bits without an extension being agreed");
    if (masked) throw new FrameError(CLOSE.protocolError, "the relay sent a masked frame (servers must not mask)");
    const control = opcode >= 0x8;
    if (![0x0, 0x1, 0x2, 0x8, 0x9, 0xa].includes(opcode)) throw new FrameError(CLOSE.protocolError, `the relay sent a frame with the unknown opcode ${opcode}`);
    if (control && (!fin || length > MAX_CONTROL_PAYLOAD)) throw new FrameError(CLOSE.protocolError, "the relay sent a fragmented or oversized control frame");
    if (length === 126) {
      if (head.length < 4) return undefined;
      length = (head[2]! << 8) | head[3]!;
      headerBytes = 4;
    } else if (length === 127) {
      if (head.length < 10) return undefined;
      const big = new DataView(head.buffer, head.byteOffset, head.byteLength).getBigUint64(2);
      if (big > BigInt(Number.MAX_SAFE_INTEGER)) throw new FrameError(CLOSE.tooBig, "the relay sent a frame longer than 2^53 bytes");
      length = Number(big);
      headerBytes = 10;
    }
    if (!control) {
      const soFar = opcode === OPCODE.continuation ? (this.#message?.bytes ?? 0) : 0;
      if (soFar + length > this.#maxMessageBytes) {
        throw new FrameError(CLOSE.tooBig, `the relay sent a message over ${this.#maxMessageBytes} bytes`);
      }
    }
    if (this.#buffered < headerBytes + length) return undefined;
    this.#take(headerBytes);
    const payload = this.#take(length);
    if (control) return this.#control(opcode, payload);
    return this.#data(opcode, fin, payload);
  }

  #control(opcode: number, payload: Uint8Array): ServerFrame {
    if (opcode === OPCODE.ping) return { kind: "ping", payload };
    if (opcode === OPCODE.pong) return { kind: "pong" };
    if (payload.length === 0) return { kind: "close", code: CLOSE.noStatus, reason: "" };
    if (payload.length === 1) throw new FrameError(CLOSE.protocolError, "the relay sent a close frame with a one-byte payload");
    const code = (payload[0]! << 8) | payload[1]!;
    if (!validCloseCode(code)) throw new FrameError(CLOSE.protocolError, `the relay sent the invalid close code ${code}`);
    return { kind: "close", code, reason: this.#text(payload.subarray(2), "close reason") };
  }

  #data(opcode: number, fin: boolean, payload: Uint8Array): ServerFrame | null {
    if (opcode === OPCODE.continuation) {
      if (!this.#message) throw new FrameError(CLOSE.protocolError, "the relay sent a continuation frame with no message to continue");
    } else {
      if (this.#message) throw new FrameError(CLOSE.protocolError, "the relay started a new message before finishing the fragmented one");
      this.#message = { opcode, parts: [], bytes: 0 };
    }
    const message = this.#message;
    message.parts.push(payload);
    message.bytes += payload.length;
    if (!fin) return null;
    this.#message = undefined;
    const whole = concat(message.parts, message.bytes);
    if (message.opcode === OPCODE.text) return { kind: "text", text: this.#text(whole, "text message") };
    return { kind: "binary", data: whole.buffer.slice(whole.byteOffset, whole.byteOffset + whole.byteLength) as ArrayBuffer };
  }

  #text(bytes: Uint8Array, what: string): string {
    try {
      return this.#utf8.decode(bytes);
    } catch {
      throw new FrameError(CLOSE.invalidData, `the relay sent a ${what} that is not UTF-8`);
    }
  }

  /** The first `n` buffered bytes, without consuming them (n ≤ what is buffered). */
  #peek(n: number): Uint8Array {
    const first = this.#chunks[0]!;
    if (first.length >= n) return first.subarray(0, n);
    const out = new Uint8Array(n);
    let at = 0;
    for (const chunk of this.#chunks) {
      const part = chunk.subarray(0, n - at);
      out.set(part, at);
      at += part.length;
      if (at === n) break;
    }
    return out;
  }

  /** Consumes the first `n` buffered bytes (n ≤ what is buffered). */
  #take(n: number): Uint8Array {
    if (n === 0) return new Uint8Array(0);
    const out = this.#chunks[0]!.length >= n ? this.#chunks[0]!.subarray(0, n) : this.#peek(n);
    let left = n;
    while (left > 0) {
      const chunk = this.#chunks[0]!;
      if (chunk.length <= left) {
        this.#chunks.shift();
        left -= chunk.length;
      } else {
        this.#chunks[0] = chunk.subarray(left);
        left = 0;
      }
    }
    this.#buffered -= n;
    return out;
  }
}

/** Codes a close frame may carry (§7.4): 1000–1003, 1007–1014 (not 1005, 1006), 3000–4999. */
function validCloseCode(code: number): boolean {
  return (code >= 1000 && code <= 1003) || (code >= 1007 && code <= 1014) || (code >= 3000 && code <= 4999);
}

function concat(parts: Uint8Array[], length: number): Uint8Array {
  if (parts.length === 1) return parts[0]!;
  const out = new Uint8Array(length);
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.length;
  }
  return out;
}
