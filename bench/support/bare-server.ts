#!/usr/bin/env bun
/**
 * The baseline the relay is measured against: a bare `Bun.serve` WebSocket server with no
 * authentication, no session, no replay buffer. Every socket subscribes to one topic on open.
 * With BENCH_BARE_FANOUT=1 it also runs the synthetic Claude and publishes each of its stdout
 * lines, wrapped in the same `claude.event` envelope as the relay's, with
 * `server.publish(topic, frame, false)`.
 *
 * With BENCH_BARE_AUTH=<an ssh-ed25519 authorized_keys line> it is instead the floor for login
 * handshakes: each socket gets an `auth.challenge` with a fresh 32-byte nonce, and its
 * `auth.response` is checked with nothing but what any SSHSIG login needs — JSON.parse, strict
 * base64 of the armor, the signed-data hash (sha512) and the same native ed25519 verify as the
 * relay (node:crypto, KeyObject imported once) — then answered `{"type":"auth.ok"}`. No key
 * lookup, no options, no expiry, no logging, no session.
 *
 * With BENCH_BARE_TLS_DIR=<a directory with cert.pem and key.pem> it serves wss:// with that
 * certificate (the relay's own, for a floor over TLS).
 *
 * With BENCH_BARE_PARTIAL=1 the synthetic Claude runs with `--include-partial-messages` and its
 * `stream_event` lines are published in the relay's `claude.partial` envelope (no seq).
 *
 * Prints `{"kind":"listening","port":N}`; reads `{"cmd":"prompt","text":"…"}` lines on stdin (sent to
 * the synthetic Claude as a user message).
 *
 * @example
 * ```sh
 * BENCH_BARE_FANOUT=1 SYNTH_TIMESTAMP=1 bun bench/support/bare-server.ts
 * ```
 */
import { createPublicKey, hash, type KeyObject, randomBytes, verify } from "node:crypto";
import { join } from "node:path";
import { LineSplitter } from "../../src/claude/line-splitter.ts";

const TOPIC = "session";
const authKey = process.env.BENCH_BARE_AUTH ? ed25519KeyObject(process.env.BENCH_BARE_AUTH) : undefined;
/** The signed data up to H(message): "SSHSIG" · string "claude-relay" · string "" · string "sha512" · uint32 64. Self-contained, so the floor does not move with the relay's code. */
const SIGNED_DATA_PREFIX = Buffer.from("5353485349470000000c636c617564652d72656c61790000000000000006736861353132" + "00000040", "hex");

interface SocketData {
  challenge: string;
}

const tlsDir = process.env.BENCH_BARE_TLS_DIR;
const server = Bun.serve({
  hostname: "127.0.0.1",
  port: 0,
  ...(tlsDir && { tls: { cert: Bun.file(join(tlsDir, "cert.pem")), key: Bun.file(join(tlsDir, "key.pem")) } }),
  fetch(request, srv) {
    if (srv.upgrade(request, { data: { challenge: "" } })) return;
    return new Response("websocket only", { status: 426 });
  },
  websocket: {
    open: (ws: import("bun").ServerWebSocket<SocketData>) => {
      if (!authKey) return void ws.subscribe(TOPIC);
      ws.data.challenge = `claude-relay-auth v1\nnonce: ${randomBytes(32).toString("base64url")}`;
      ws.send(JSON.stringify({ type: "auth.challenge", protocol: 1, namespace: "claude-relay", challenge: ws.data.challenge, expiresInMs: 10_000 }));
    },
    message: (ws: import("bun").ServerWebSocket<SocketData>, message) => {
      if (!authKey) return;
      const ok = verifyLogin(ws.data.challenge, message as string, authKey);
      if (ok) ws.send('{"type":"auth.ok"}');
      else ws.close(4401, "auth_failed");
    },
    idleTimeout: 0,
    sendPings: false,
  },
});
console.log(JSON.stringify({ kind: "listening", port: server.port }));

const sessionId = crypto.randomUUID();
const claude =
  process.env.BENCH_BARE_FANOUT === "1"
    ? Bun.spawn(
        [
          process.execPath,
          join(import.meta.dir, "synthetic-claude.ts"),
          "--session-id",
          sessionId,
          ...(process.env.BENCH_BARE_PARTIAL === "1" ? ["--include-partial-messages"] : []),
        ],
        {
          stdin: "pipe",
          stdout: "pipe",
          stderr: "inherit",
        },
      )
    : undefined;

if (claude) {
  void (async () => {
    let seq = 0;
    const splitter = new LineSplitter();
    for await (const chunk of claude.stdout) {
      for (const event of splitter.push(chunk)) {
        if (event.kind !== "line") continue;
        if (event.text.startsWith('{"type":"stream_event"')) {
          server.publish(TOPIC, `{"type":"claude.partial","sessionId":"${sessionId}","event":${event.text}}`, false);
          continue;
        }
        seq++;
        server.publish(TOPIC, `{"type":"claude.event","sessionId":"${sessionId}","seq":${seq},"event":${event.text}}`, false);
      }
    }
  })();
}

/** The ed25519 KeyObject of an `ssh-ed25519 AAAA… comment` line (blob: string type · string 32-byte key). */
function ed25519KeyObject(line: string): KeyObject {
  const blob = Buffer.from(line.split(" ")[1]!, "base64");
  return createPublicKey({ key: { kty: "OKP", crv: "Ed25519", x: blob.subarray(blob.length - 32).toString("base64url") }, format: "jwk" });
}

/** An ed25519 SSHSIG ends with the signature blob string("ssh-ed25519") · string(64-byte signature). */
function verifyLogin(challenge: string, frame: string, key: KeyObject): boolean {
  const { signature } = JSON.parse(frame) as { signature: string };
  const body = signature.replace(/-----[A-Z ]+-----|\s/g, "");
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(body)) return false;
  const blob = Buffer.from(body, "base64");
  const data = Buffer.concat([SIGNED_DATA_PREFIX, hash("sha512", challenge, "buffer")]);
  return verify(null, data, key, blob.subarray(blob.length - 64));
}

const stop = () => {
  claude?.kill("SIGKILL");
  void server.stop(true);
  process.exit(0);
};
process.on("SIGTERM", stop);
process.on("SIGINT", stop);

const commands = new LineSplitter();
for await (const chunk of process.stdin as AsyncIterable<Uint8Array>) {
  for (const event of commands.push(chunk)) {
    if (event.kind !== "line") continue;
    const command = JSON.parse(event.text) as { cmd: string; text?: string };
    if (command.cmd === "prompt" && claude) {
      claude.stdin.write(`${JSON.stringify({ type: "user", message: { role: "user", content: command.text } })}\n`);
      claude.stdin.flush();
    }
  }
}
stop();
