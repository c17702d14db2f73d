/**
 * On Deno the relay cannot send pings itself; the adapter sets Deno's `idleTimeout` from
 * `--heartbeat-interval` so Deno does. A raw TCP client that never answers pings shows both
 * halves: a ping frame arrives, then the dead peer is dropped long before the auth timeout.
 */
import { afterAll, beforeAll, expect, test } from "bun:test";
import { randomBytes } from "node:crypto";
import { connect } from "node:net";
import { CLI_PATH, DENO, startRelayProcess, type RelayUnderTest } from "../support/relay-process.ts";

let relay: RelayUnderTest;
beforeAll(async () => {
  relay = await startRelayProcess([DENO, "run", "-A", CLI_PATH]);
}, 30_000);
afterAll(() => relay.stop());

/** Opcodes of the unmasked frames the server sent, and when the connection ended. */
function silentPeer(url: string): Promise<{ opcodes: number[]; endedAfterMs: number }> {
  const { hostname, port, pathname } = new URL(url);
  const socket = connect(Number(port), hostname);
  const started = Date.now();
  const opcodes: number[] = [];
  let buffer: Buffer = Buffer.alloc(0);
  let upgraded = false;
  socket.write(
    `GET ${pathname} HTTP/1.1\r\nHost: ${hostname}:${port}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n` +
      `Sec-WebSocket-Key: ${randomBytes(16).toString("base64")}\r\nSec-WebSocket-Version: 13\r\n\r\n`,
  );
  socket.on("data", (chunk: Buffer) => {
    buffer = Buffer.concat([buffer, chunk]);
    if (!upgraded) {
      const end = buffer.indexOf("\r\n\r\n");
      if (end < 0) return;
      expect(buffer.subarray(0, end).toString()).toStartWith("HTTP/1.1 101");
      buffer = buffer.subarray(end + 4);
      upgraded = true;
    }
    // Server frames are unmasked; the relay's frames here are small (7-bit or 16-bit lengths).
    while (buffer.length >= 2) {
      const short = buffer[1]! & 0x7f;
      const header = short === 126 ? 4 : 2;
      const length = short === 126 ? buffer.readUInt16BE(2) : short;
      if (buffer.length < header + length) break;
      opcodes.push(buffer[0]! & 0x0f);
      buffer = buffer.subarray(header + length);
    }
  });
  return new Promise((resolve) => socket.on("close", () => resolve({ opcodes, endedAfterMs: Date.now() - started })));
}

test("Deno pings a silent client and drops it after about two heartbeat intervals, not at the auth timeout", async () => {
  // startRelayProcess runs with --heartbeat-interval 1s and the default 10 s auth timeout.
  const { opcodes, endedAfterMs } = await silentPeer(relay.url);
  expect(opcodes[0]).toBe(0x1); // auth.challenge
  expect(opcodes).toContain(0x9); // ping
  expect(endedAfterMs).toBeLessThan(8000);
}, 15_000);
