/**
 * WebSocket frames written and read by hand for tests, independently of src/: what a server
 * sends (unmasked, or masked to misbehave) and what a client sent (unmasked here).
 *
 * @example
 * ```ts
 * socket.write(serverFrame(0x1, new TextEncoder().encode("hi")));
 * const { opcode, payload } = readClientFrame(bytesFromTheClient);
 * ```
 */

/** A server frame; `fin: false` for a fragment, `rsv` bits, or `mask` to send what a server must not. */
export function serverFrame(opcode: number, payload: Uint8Array, options: { fin?: boolean; rsv?: number; mask?: Uint8Array } = {}): Uint8Array {
  const { fin = true, rsv = 0, mask } = options;
  const head = [(fin ? 0x80 : 0) | rsv | opcode];
  const maskBit = mask ? 0x80 : 0;
  if (payload.length < 126) head.push(maskBit | payload.length);
  else if (payload.length < 65536) head.push(maskBit | 126, payload.length >> 8, payload.length & 255);
  else head.push(maskBit | 127, ...Array.from({ length: 8 }, (_, i) => Number((BigInt(payload.length) >> BigInt(8 * (7 - i))) & 255n)));
  const body = mask ? payload.map((byte, i) => byte ^ mask[i % 4]!) : payload;
  return new Uint8Array([...head, ...(mask ?? []), ...body]);
}

/** The first client frame in `bytes`: its header fields, unmasked payload, and its size on the wire (undefined: incomplete). */
export function readClientFrame(bytes: Uint8Array): { fin: boolean; opcode: number; masked: boolean; payload: Uint8Array; size: number } | undefined {
  if (bytes.length < 2) return undefined;
  let length = bytes[1]! & 0x7f;
  let at = 2;
  if (length === 126) {
    if (bytes.length < 4) return undefined;
    length = (bytes[2]! << 8) | bytes[3]!;
    at = 4;
  } else if (length === 127) {
    if (bytes.length < 10) return undefined;
    length = Number(new DataView(bytes.buffer, bytes.byteOffset).getBigUint64(2));
    at = 10;
  }
  const masked = (bytes[1]! & 0x80) !== 0;
  const mask = masked ? bytes.subarray(at, at + 4) : new Uint8Array(4);
  const start = at + (masked ? 4 : 0);
  if (bytes.length < start + length) return undefined;
  const payload = bytes.subarray(start, start + length).map((byte, i) => byte ^ mask[i % 4]!);
  return { fin: (bytes[0]! & 0x80) !== 0, opcode: bytes[0]! & 0x0f, masked, payload, size: start + length };
}
