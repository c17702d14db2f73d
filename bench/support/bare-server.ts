#!/usr/bin/env bun
/**
 * The baseline the relay is measured against: a bare `Bun.serve` WebSocket server with no
 * authentication, no session, no replay buffer. Every socket subscribes to one topic on open.
 * With BENCH_BARE_FANOUT=1 it also runs the synthetic Claude and publishes each of its stdout
 * lines, wrapped in the same `claude.event` envelope as the relay's, with
 * `server.publish(topic, frame, false)`.
 *
 * Prints `{"kind":"listening","port":N}`; reads `{"cmd":"prompt","text":"…"}` lines on stdin (sent to
 * the synthetic Claude as a user message).
 *
 * @example
 * ```sh
 * BENCH_BARE_FANOUT=1 SYNTH_TIMESTAMP=1 bun bench/support/bare-server.ts
 * ```
 */
import { join } from "node:path";
import { LineSplitter } from "../../src/claude/line-splitter.ts";

const TOPIC = "session";
const server = Bun.serve({
  hostname: "127.0.0.1",
  port: 0,
  fetch(request, srv) {
    if (srv.upgrade(request, { data: undefined })) return;
    return new Response("websocket only", { status: 426 });
  },
  websocket: {
    open: (ws) => void ws.subscribe(TOPIC),
    message: () => {},
    idleTimeout: 0,
    sendPings: false,
  },
});
console.log(JSON.stringify({ kind: "listening", port: server.port }));

const sessionId = crypto.randomUUID();
const claude = process.env.BENCH_BARE_FANOUT === "1"
  ? Bun.spawn([process.execPath, join(import.meta.dir, "synthetic-claude.ts"), "--session-id", sessionId], { stdin: "pipe", stdout: "pipe", stderr: "inherit" })
  : undefined;

if (claude) {
  void (async () => {
    let seq = 0;
    const splitter = new LineSplitter();
    for await (const chunk of claude.stdout) {
      for (const event of splitter.push(chunk)) {
        if (event.kind !== "line") continue;
        seq++;
        server.publish(TOPIC, `{"type":"claude.event","sessionId":"${sessionId}","seq":${seq},"event":${event.text}}`, false);
      }
    }
  })();
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
      claude.stdin.write(JSON.stringify({ type: "user", message: { role: "user", content: command.text } }) + "\n");
      claude.stdin.flush();
    }
  }
}
stop();
