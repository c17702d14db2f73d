/**
 * A deliberately misbehaving WebSocket peer over a raw TCP socket: it performs the upgrade and
 * can send frames, but answers nothing by itself (no pongs) and can stop reading altogether, like
 * a phone that went to sleep or a client stuck behind a dead network.
 *
 * @example
 * ```ts
 * const peer = await RawPeer.connect(url);
 * const challenge = await peer.nextText();     // auth.challenge
 * peer.stopReading();                          // the kernel buffers fill, the relay must shed it
 * await peer.closed;
 * ```
 */
import { randomBytes } from "node:crypto";
import { connect, type Socket } from "node:net";

export class RawPeer {
  readonly closed: Promise<void>;
  /** Control frames seen (opcode 0x9 ping, 0x8 close). */
  readonly controlFrames: number[] = [];
  /** The status code of the close frame the relay sent, once one arrived. */
  closeCode: number | undefined;
  #buffer = Buffer.alloc(0);
  #texts: string[] = [];
  #wake: (() => void) | undefined;
  #upgraded = false;

  private constructor(readonly socket: Socket) {
    this.closed = new Promise((resolve) => socket.on("close", () => (resolve(), this.#wake?.())));
    socket.on("error", () => {});
    socket.on("data", (chunk: Buffer) => {
      this.#buffer = Buffer.concat([this.#buffer, chunk]);
      this.#parse();
      this.#wake?.();
    });
  }

  static async connect(url: string): Promise<RawPeer> {
    const { hostname, port, pathname } = new URL(url);
    const socket = connect(Number(port), hostname);
    const peer = new RawPeer(socket);
    await new Promise<void>((resolve, reject) => (socket.once("connect", resolve), socket.once("error", reject)));
    const key = randomBytes(16).toString("base64");
    socket.write(
      `GET ${pathname} HTTP/1.1\r\nHost: ${hostname}:${port}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: ${key}\r\nSec-WebSocket-Version: 13\r\n\r\n`,
    );
    await peer.#until(() => peer.#upgraded, "upgrade");
    return peer;
  }

  /** The next text frame's payload. */
  async nextText(timeoutMs = 5000): Promise<string> {
    await this.#until(() => this.#texts.length > 0, "text frame", timeoutMs);
    return this.#texts.shift()!;
  }

  /** Sends one masked text frame, as a client must. */
  sendText(text: string): void {
    this.socket.write(encodeClientFrame(0x1, Buffer.from(text)));
  }

  /** Sends one masked frame of any opcode with any payload (e.g. a text frame that is not UTF-8). */
  sendFrame(opcode: number, payload: Uint8Array): void {
    this.socket.write(encodeClientFrame(opcode, payload));
  }

  /** Stops reading: the relay's writes pile up in the kernel and then in its own buffer. */
  stopReading(): void {
    this.socket.pause();
  }

  destroy(): void {
    this.socket.destroy();
  }

  #parse(): void {
    if (!this.#upgraded) {
      const end = this.#buffer.indexOf("\r\n\r\n");
      if (end < 0) return;
      if (!this.#buffer.subarray(0, end).toString().startsWith("HTTP/1.1 101")) throw new Error(`upgrade refused: ${this.#buffer.toString()}`);
      this.#upgraded = true;
      this.#buffer = this.#buffer.subarray(end + 4);
    }
    while (this.#buffer.length >= 2) {
      const opcode = this.#buffer[0]! & 0x0f;
      let length = this.#buffer[1]! & 0x7f;
      let offset = 2;
      if (length === 126) {
        if (this.#buffer.length < 4) return;
        length = this.#buffer.readUInt16BE(2);
        offset = 4;
      } else if (length === 127) {
        if (this.#buffer.length < 10) return;
        length = Number(this.#buffer.readBigUInt64BE(2));
        offset = 10;
      }
      if (this.#buffer.length < offset + length) return;
      const payload = this.#buffer.subarray(offset, offset + length);
      this.#buffer = this.#buffer.subarray(offset + length);
      if (opcode === 0x1) this.#texts.push(payload.toString());
      else this.controlFrames.push(opcode);
      if (opcode === 0x8 && payload.length >= 2) this.closeCode = payload.readUInt16BE(0);
    }
  }

  async #until(condition: () => boolean, what: string, timeoutMs = 5000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!condition()) {
      if (this.socket.destroyed) throw new Error(`socket closed while waiting for ${what}`);
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
      await new Promise<void>((resolve) => {
        this.#wake = resolve;
        setTimeout(resolve, 50);
      });
    }
  }
}

/** One final, masked client frame (RFC 6455 §5.2); write a prefix of it to stop mid-frame. */
export function encodeClientFrame(opcode: number, payload: Uint8Array): Buffer {
  const mask = randomBytes(4);
  const length = payload.length;
  const first = 0x80 | opcode;
  const header =
    length < 126
      ? Buffer.from([first, 0x80 | length])
      : length < 65536
        ? Buffer.from([first, 0x80 | 126, length >> 8, length & 255])
        : Buffer.concat([Buffer.from([first, 0x80 | 127]), bigEndian64(length)]);
  const masked = Buffer.from(payload.map((byte, i) => byte ^ mask[i % 4]!));
  return Buffer.concat([header, mask, masked]);
}

function bigEndian64(value: number): Buffer {
  const buffer = Buffer.alloc(8);
  buffer.writeBigUInt64BE(BigInt(value));
  return buffer;
}
