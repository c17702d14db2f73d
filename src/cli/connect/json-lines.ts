/**
 * `connect URL --json` without a prompt, for programs driving the session: every frame the relay
 * sends is one JSON line on stdout (for `jq`); input lines holding a JSON object are sent as they
 * are, other lines are prompts or slash commands (/allow, /deny, /interrupt, /quit, /changes, /diff). Connection
 * messages go to stderr. Ends at /quit, end of input or `signal` (exit 0), or when the connection
 * is lost for good.
 *
 * @example
 * ```ts
 * const code = await runJsonLines(client, { input: process.stdin, err: console.error, signal });
 * ```
 */
import { createInterface } from "node:readline";
import type { RelayClient } from "../../client/client.ts";
import type { ClientMessage, PermissionMode } from "../../protocol/messages.ts";
import { isPlainObject } from "../../protocol/schema.ts";
import { sessionLines } from "../../terminal/session-list.ts";
import { makeStyle } from "../../terminal/style.ts";
import { helpText, parseInput, pickRequest } from "./commands.ts";
import { EXIT_OK, exitCodeFor } from "./exit-codes.ts";

export interface JsonLinesIo {
  input: NodeJS.ReadableStream;
  /** One line for stderr. */
  err(line: string): void;
  signal?: AbortSignal;
}

/**
 * Reads input lines until the session ends; resolves with the exit code. The caller prints the
 * frames (wired before connecting, so auth.challenge and auth.ok are printed too).
 *
 * @example
 * const code = await runJsonLines(client, io);
 */
export function runJsonLines(client: RelayClient, io: JsonLinesIo): Promise<number> {
  const lines = createInterface({ input: io.input, terminal: false });
  return new Promise<number>((done) => {
    let finished = false;
    const finish = (code: number) => {
      if (finished) return;
      finished = true;
      lines.close();
      void client.close().then(() => done(code));
    };
    lines.on("line", (line) => {
      if (handleLine(line, client, io.err) === "quit") finish(EXIT_OK);
    });
    lines.on("close", () => finish(EXIT_OK));
    io.signal?.addEventListener("abort", () => finish(EXIT_OK), { once: true });
    void client.closed.then((info) => {
      if (!info.error || finished) return;
      io.err(`claude-relay: ${info.error.message}`);
      finished = true;
      lines.close();
      done(exitCodeFor(info.error));
    });
  });
}

/** Acts on one input line; "quit" ends the session. */
// biome-ignore lint/suspicious/noConfusingVoidType: each case returns the client call it makes (void) so the switch stays one line per input.
function handleLine(line: string, client: RelayClient, err: (line: string) => void): "quit" | void {
  const trimmed = line.trim();
  try {
    if (trimmed.startsWith("{")) return sendJson(trimmed, client, err);
    const action = parseInput(line);
    switch (action.kind) {
      case "empty":
        return;
      case "prompt":
        return client.prompt(action.text);
      case "quit":
        return "quit";
      case "help":
        return err(`${helpText(false)}\n  {"type":…}${" ".repeat(8)}a line holding a JSON object is sent as it is`);
      case "interrupt":
        return client.interrupt();
      case "sessions":
        return err(
          sessionLines(client.sessions, {
            style: makeStyle({ color: false, unicode: true }),
            ...(client.sessionId !== undefined && { current: client.sessionId }),
          }).join("\n"),
        );
      case "switch":
        if (action.args.length !== 1) return err("! /switch takes one session id (or the start of one; /sessions lists them)");
        // Its events follow as JSON lines; the session.attached frame says it worked.
        client.follow(action.args[0]!).catch((error: Error) => err(`! /switch: ${error.message}`));
        return;
      case "mode":
      case "model":
        if (action.args.length !== 1)
          return err(`! /${action.kind} takes one ${action.kind === "mode" ? "mode" : "model"} here; the session.attached frame's capabilities list them`);
        // The session.configured frame (or an error frame) says how it went.
        client.configure(action.kind === "mode" ? { permissionMode: action.args[0] as PermissionMode } : { model: action.args[0]! }).catch(() => {});
        return;
      case "image":
        return err('! /image is for the interactive view: here send {"type":"prompt","text":…,"images":[{"mediaType":"image/png","data":"<base64>"}]}');
      case "changes":
        // The changes frame (or an error frame) is printed as a JSON line like every frame.
        client.changes().catch(() => {});
        return;
      case "diff":
        if (action.path === "") return err("! /diff takes the path of a changed file (the changes frame lists them)");
        client.diff(action.path).catch(() => {});
        return;
      case "new":
        return err(
          '! /new is for the interactive view: here send {"type":"session.create","cwd":"/abs/dir"} and then /switch to the id in session.created, or start with --new DIR',
        );
      case "allow":
      case "deny": {
        const { request, rest, problem } = pickRequest(client.pendingPermissions, action.args);
        if (!request) return err(`! ${problem}`);
        if (action.kind === "allow") {
          if (rest.length > 0) return err("! /allow takes at most a request id");
          return client.allow(request.requestId);
        }
        return client.deny(request.requestId, rest.length > 0 ? rest.join(" ") : undefined);
      }
      case "unknown":
        return err(
          `! unknown command ${action.command}${action.suggestion ? ` (did you mean ${action.suggestion}?)` : ""}; /help lists them (start with // to send it to Claude)`,
        );
    }
  } catch (error) {
    err(`! ${(error as Error).message}`);
  }
}

function sendJson(text: string, client: RelayClient, err: (line: string) => void): void {
  let message: unknown;
  try {
    message = JSON.parse(text);
  } catch (error) {
    return err(`! not valid JSON: ${(error as Error).message}`);
  }
  if (!isPlainObject(message) || typeof message.type !== "string") return err('! a JSON line must be an object with a "type"');
  client.send(message as unknown as ClientMessage);
}
