/**
 * The relay's control socket: a Unix socket at `<state dir>/control/relay.sock` (the directory
 * 0700, the socket 0600: only this user can open it) through which `claude-relay pair` asks the
 * running relay for a pairing code and answers its question. A relay started by the service
 * manager is reached the same way. One JSON object per line each way:
 *
 *     pair → relay   {"type":"pair.start","name"?:"phone"}
 *     relay → pair   {"type":"pair.code","code":"…","url":"https://…/#pair=…","expiresAt":"…"}
 *     relay → pair   {"type":"pair.confirm","fingerprint":"SHA256:…","keyType":"…","name":"…","from":"host:port"}
 *     pair → relay   {"type":"pair.answer","accept":true}
 *     relay → pair   {"type":"pair.added","fingerprint":"…","name":"…","added":true,"path":"…"}  or
 *                    {"type":"pair.ended","message":"…"}  or  {"type":"error","message":"…"}
 *
 * @example
 * ```ts
 * const control = await startControlSocket({ stateDir, pairing, log });
 * // …
 * await control?.close();
 * ```
 */
import { chmodSync, mkdirSync, rmSync, statSync } from "node:fs";
import { connect, createServer, type Server, type Socket } from "node:net";
import { dirname, join } from "node:path";
import type { Logger } from "../log/logger.ts";
import type { PairingOperator, PairingProposal, PairingService } from "./pairing-service.ts";

export type ControlRequest = { type: "pair.start"; name?: string } | { type: "pair.answer"; accept: boolean };
export type ControlReply =
  | { type: "pair.code"; code: string; url: string; expiresAt: string }
  | ({ type: "pair.confirm" } & PairingProposal)
  | { type: "pair.added"; fingerprint: string; name: string; added: boolean; path: string }
  | { type: "pair.ended"; message: string }
  | { type: "error"; message: string };

/** Longest line either side sends. */
export const MAX_CONTROL_LINE = 64 * 1024;

/**
 * Where the control socket of the relay using `stateDir` lives.
 *
 * @example
 * controlSocketPath("/home/me/.local/state/claude-relay") // ".../claude-relay/control/relay.sock"
 */
export function controlSocketPath(stateDir: string): string {
  return join(stateDir, "control", "relay.sock");
}

export interface ControlSocket {
  path: string;
  close(): Promise<void>;
}

/**
 * Listens on the control socket. Undefined (with a warning) when it cannot: another relay
 * already answers there, or the directory is not this user's alone.
 *
 * @example
 * const control = await startControlSocket({ stateDir: options.stateDir, pairing, log });
 */
export async function startControlSocket(options: { stateDir: string; pairing: PairingService; log: Logger }): Promise<ControlSocket | undefined> {
  const { log, pairing } = options;
  const path = controlSocketPath(options.stateDir);
  const dir = dirname(path);
  try {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    if (process.getuid && statSync(dir).uid !== process.getuid()) {
      log.warn("pairing is off: the control directory belongs to another user", { dir });
      return undefined;
    }
    chmodSync(dir, 0o700);
    if (await answers(path)) {
      log.warn("pairing is off: another relay using this state dir already answers `claude-relay pair`", { path });
      return undefined;
    }
    rmSync(path, { force: true }); // left behind by a relay that did not stop cleanly
    const server = createServer((socket) => serveConnection(socket, pairing, log));
    await new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen(path, () => resolve());
    });
    chmodSync(path, 0o600);
    log.debug("control socket listening", { path });
    return { path, close: () => closeServer(server, path) };
  } catch (error) {
    log.warn(`pairing is off: cannot open the control socket ${path}: ${(error as Error).message}`);
    return undefined;
  }
}

function serveConnection(socket: Socket, pairing: PairingService, log: Logger): void {
  let code: string | undefined;
  let answer: { resolve(accept: boolean): void; reject(error: Error): void } | undefined;
  const send = (reply: ControlReply) => socket.write(`${JSON.stringify(reply)}\n`);
  const finish = (reply: ControlReply) => {
    code = undefined;
    socket.end(`${JSON.stringify(reply)}\n`);
  };
  const operator: PairingOperator = {
    confirm(proposal) {
      send({ type: "pair.confirm", ...proposal });
      return new Promise((resolve, reject) => (answer = { resolve, reject }));
    },
    paired: (result) => finish({ type: "pair.added", ...result }),
    ended: (message) => finish({ type: "pair.ended", message }),
  };
  readLines(socket, (line) => {
    let request: ControlRequest;
    try {
      request = JSON.parse(line);
    } catch {
      return finish({ type: "error", message: "not JSON" });
    }
    if (request?.type === "pair.start" && code === undefined && (request.name === undefined || typeof request.name === "string")) {
      const opened = pairing.open(operator, request.name === undefined ? {} : { name: request.name });
      code = opened.code;
      return send({ type: "pair.code", code: opened.code, url: opened.url, expiresAt: opened.expiresAt.toISOString() });
    }
    if (request?.type === "pair.answer" && answer && typeof request.accept === "boolean") {
      const pending = answer;
      answer = undefined;
      return pending.resolve(request.accept);
    }
    finish({ type: "error", message: `unexpected ${JSON.stringify(request?.type ?? null)} message` });
  });
  socket.on("error", (error) => log.debug("control connection error", { error: error.message }));
  socket.on("close", () => {
    if (code !== undefined) pairing.close(code);
    answer?.reject(new Error("`claude-relay pair` went away"));
  });
}

/**
 * Calls `onLine` per newline-terminated line; a connection sending an over-long line is dropped.
 *
 * @example
 * readLines(socket, (line) => handle(JSON.parse(line)));
 */
export function readLines(socket: Socket, onLine: (line: string) => void): void {
  let buffered = "";
  socket.setEncoding("utf8");
  socket.on("data", (chunk: string) => {
    buffered += chunk;
    for (let newline = buffered.indexOf("\n"); newline >= 0; newline = buffered.indexOf("\n")) {
      const line = buffered.slice(0, newline);
      buffered = buffered.slice(newline + 1);
      if (line.trim()) onLine(line);
    }
    if (buffered.length > MAX_CONTROL_LINE) socket.destroy();
  });
}

/** True when something accepts connections at `path`. */
function answers(path: string): Promise<boolean> {
  return new Promise((resolve) => {
    const probe = connect(path);
    probe.once("connect", () => {
      probe.destroy();
      resolve(true);
    });
    probe.once("error", () => resolve(false));
  });
}

function closeServer(server: Server, path: string): Promise<void> {
  return new Promise((resolve) => {
    server.close(() => resolve());
    rmSync(path, { force: true });
  });
}
