/**
 * The terminal client behind `claude-relay connect` (see connect.ts for the command line).
 * Shows the shared session as it happens and reads commands from stdin: plain text is a prompt,
 * `/allow`, `/deny`, `/interrupt`, `/quit`, `/help`. With `--json` every received frame is printed
 * as one JSON line (for scripts) and input lines holding a JSON object are sent as they are.
 *
 * Exit codes: 0 after /quit or end of input, 1 connection failed or lost for good, 2 bad usage,
 * 3 the relay refused the key.
 *
 * @example
 * ```ts
 * const code = await runConnect({ url: "laptop.local:7717", reconnect: true, json: false }, {
 *   input: process.stdin, out: console.log, err: console.error, env: process.env, home: homedir(),
 * });
 * ```
 */
import { existsSync } from "node:fs";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { RelayClient } from "../client/client.ts";
import { RelayClientError } from "../client/errors.ts";
import type { PermissionRequestMessage } from "../client/messages.ts";
import { agentSigner, keyFileSigner, openSigner, SignerError, type ChallengeSigner } from "../client/signer.ts";
import { SshAgentError } from "../client/ssh-agent.ts";
import type { ClientMessage } from "../protocol/messages.ts";
import { isPlainObject } from "../protocol/schema.ts";
import { SessionView } from "./connect-format.ts";
import { expandPath } from "./expand-path.ts";
import { UsageError } from "./usage-error.ts";

export const EXIT_OK = 0;
export const EXIT_FAILURE = 1;
export const EXIT_USAGE = 2;
export const EXIT_AUTH_FAILED = 3;

/** Keys tried, in order, when neither --identity nor an ssh-agent key is there (as ssh does). */
export const DEFAULT_KEY_FILES = ["id_ed25519", "id_ecdsa", "id_rsa"] as const;

export interface ConnectOptions {
  url: string;
  identity?: string;
  reconnect: boolean;
  json: boolean;
}

export interface ConnectIo {
  input: NodeJS.ReadableStream;
  out: (text: string) => void;
  err: (text: string) => void;
  env: Record<string, string | undefined>;
  home: string;
  /** Aborting ends the session like /quit (SIGINT, SIGTERM). */
  signal?: AbortSignal;
}

/**
 * Runs the terminal client until /quit, end of input, `signal`, or a connection failure.
 * Resolves with the exit code.
 *
 * @example
 * const code = await runConnect({ url: "ws://127.0.0.1:7717/ws", reconnect: true, json: false }, io);
 */
export async function runConnect(options: ConnectOptions, io: ConnectIo): Promise<number> {
  let url: string;
  try {
    url = normalizeRelayUrl(options.url);
  } catch (error) {
    io.err(`claude-relay: ${(error as Error).message}`);
    return EXIT_USAGE;
  }
  let signer: ChallengeSigner;
  try {
    signer = await openDefaultSigner(options.identity, io.env, io.home);
  } catch (error) {
    io.err(`claude-relay: ${(error as Error).message}`);
    return EXIT_FAILURE;
  }
  const client = new RelayClient({ signer, reconnect: options.reconnect });
  const view = new SessionView(() => client.clientId);
  const say = options.json ? io.err : io.out;
  wireOutput(client, view, url, options.json, io);

  try {
    await client.connect(url);
  } catch (error) {
    signer.close();
    return reportFailure(error, io);
  }

  const lines = createInterface({ input: io.input, terminal: false });
  const finished = new Promise<number>((done) => {
    const quit = (code: number) => {
      lines.close();
      void client.close().then(() => done(code));
    };
    lines.on("line", (line) => {
      if (handleLine(line, client, options.json, say, io.err) === "quit") quit(EXIT_OK);
    });
    lines.on("close", () => quit(EXIT_OK));
    io.signal?.addEventListener("abort", () => quit(EXIT_OK), { once: true });
    void client.closed.then((info) => {
      if (info.error) done(reportFailure(info.error, io));
    });
  });
  const code = await finished;
  lines.close();
  signer.close();
  return code;
}

function wireOutput(client: RelayClient, view: SessionView, url: string, json: boolean, io: ConnectIo): void {
  if (json) {
    client.on("frame", (frame) => io.out(JSON.stringify(frame)));
    client.on("auth.ok", (ok, { resumed }) => io.err(resumed ? `reconnected to ${url}` : `connected to ${url} as ${ok.key.fingerprint}`));
  } else {
    client.on("auth.ok", (ok, { resumed }) => io.out(view.connected(ok, url, resumed)));
    client.on("event", (event) => {
      const text = view.event(event);
      if (text !== undefined) io.out(text);
    });
    client.on("replay.gap", (gap) => io.out(view.gap(gap)));
    client.on("error", (error) => io.err(`! ${error.code}: ${error.message}`));
    client.on("warning", (warning) => io.err(`warning: ${warning}`));
  }
  client.on("disconnect", (info) => {
    const why = info.error ? `${info.error.code}: ${info.error.message}` : `close ${info.code}${info.reason ? ` ${info.reason}` : ""}`;
    io.err(info.willReconnect ? `! connection lost (${why}); reconnecting in ${((info.delayMs ?? 0) / 1000).toFixed(1)} s (attempt ${info.attempt})` : `! connection lost (${why})`);
  });
}

const HELP = [
  "  text            send a prompt to Claude (start with // to send a line beginning with /)",
  "  /allow [id]     allow a permission request (default: the oldest pending)",
  "  /deny [id] [reason]   deny one (default: the oldest pending), telling Claude why",
  "  /interrupt      interrupt Claude's current turn",
  "  /quit           disconnect and exit",
  "  /help           this list",
].join("\n");

/** Acts on one input line; "quit" ends the session. */
function handleLine(line: string, client: RelayClient, json: boolean, say: (text: string) => void, err: (text: string) => void): "quit" | void {
  const trimmed = line.trim();
  if (trimmed === "") return;
  try {
    if (json && trimmed.startsWith("{")) return sendJson(trimmed, client, err);
    if (!trimmed.startsWith("/")) return sendPrompt(client, line, say);
    if (trimmed.startsWith("//")) return sendPrompt(client, line.trimStart().slice(1), say);
    const [command = "", ...args] = trimmed.split(/\s+/);
    switch (command) {
      case "/quit":
      case "/exit":
        return "quit";
      case "/help":
        return say(HELP);
      case "/interrupt":
        return client.interrupt();
      case "/allow":
      case "/deny": {
        const { request, rest, problem } = pickRequest(client.pendingPermissions, args);
        if (!request) return err(`! ${problem}`);
        if (command === "/allow") {
          if (rest.length > 0) return err("! /allow takes at most a request id");
          return client.allow(request.requestId);
        }
        return client.deny(request.requestId, rest.length > 0 ? rest.join(" ") : undefined);
      }
      default:
        return err(`! unknown command ${command}; /help lists them (start with // to send it to Claude)`);
    }
  } catch (error) {
    err(`! ${(error as Error).message}`);
  }
}

function sendPrompt(client: RelayClient, text: string, say: (text: string) => void): void {
  client.prompt(text);
  if (client.state !== "open") say("(queued until reconnected)");
}

function sendJson(text: string, client: RelayClient, err: (text: string) => void): void {
  let message: unknown;
  try {
    message = JSON.parse(text);
  } catch (error) {
    return err(`! not valid JSON: ${(error as Error).message}`);
  }
  if (!isPlainObject(message) || typeof message.type !== "string") return err('! a JSON line must be an object with a "type"');
  client.send(message as unknown as ClientMessage);
}

/**
 * The request `/allow` or `/deny` means: the one whose id starts with the first argument, or the
 * oldest pending one when the first argument names none (for /deny it then starts the reason).
 *
 * @example
 * pickRequest(client.pendingPermissions, ["db03", "not", "that"]); // { request: <db03…>, rest: ["not", "that"] }
 */
export function pickRequest(
  pending: readonly PermissionRequestMessage[],
  args: readonly string[],
): { request?: PermissionRequestMessage; rest: string[]; problem?: string } {
  if (pending.length === 0) return { rest: [...args], problem: "no permission request is pending" };
  const [first, ...rest] = args;
  if (first !== undefined) {
    const matches = pending.filter((request) => request.requestId.startsWith(first));
    if (matches.length === 1) return { request: matches[0]!, rest };
    if (matches.length > 1) return { rest, problem: `${first} matches ${matches.length} requests; give more of the id` };
  }
  return { request: pending[0]!, rest: [...args] };
}

/**
 * A relay address as users type it → the WebSocket URL: `host:port` → `ws://host:port/ws`,
 * `http(s)://` → `ws(s)://`, an empty path → `/ws`.
 *
 * @example
 * normalizeRelayUrl("laptop.local:7717"); // "ws://laptop.local:7717/ws"
 */
export function normalizeRelayUrl(input: string): string {
  const withScheme = /^[a-z][a-z0-9+.-]*:\/\//i.test(input) ? input : `ws://${input}`;
  let url: URL;
  try {
    url = new URL(withScheme);
  } catch {
    throw new UsageError(`not a relay URL: ${JSON.stringify(input)} (expected e.g. ws://127.0.0.1:7717/ws)`);
  }
  const schemes: Record<string, string> = { "ws:": "ws:", "wss:": "wss:", "http:": "ws:", "https:": "wss:" };
  const scheme = schemes[url.protocol];
  if (!scheme) throw new UsageError(`not a relay URL: ${JSON.stringify(input)} (use ws:// or wss://)`);
  url.protocol = scheme;
  if (url.pathname === "/" || url.pathname === "") url.pathname = "/ws";
  return url.toString();
}

/**
 * The key to sign with: `--identity` (through ssh-agent when it holds it), else the agent's first
 * key, else the first of ~/.ssh/id_ed25519, id_ecdsa, id_rsa that exists.
 *
 * @example
 * const signer = await openDefaultSigner(undefined, process.env, homedir());
 */
export async function openDefaultSigner(identity: string | undefined, env: Record<string, string | undefined>, home: string): Promise<ChallengeSigner> {
  const socketPath = env.SSH_AUTH_SOCK || undefined;
  if (identity !== undefined) return openSigner({ identity: expandPath(identity, { home, cwd: process.cwd() }), socketPath });
  if (socketPath) {
    try {
      return await agentSigner({ socketPath });
    } catch (error) {
      if (!(error instanceof SignerError || error instanceof SshAgentError)) throw error;
    }
  }
  const file = DEFAULT_KEY_FILES.map((name) => join(home, ".ssh", name)).find((path) => existsSync(path));
  if (file) return keyFileSigner(file);
  throw new SignerError(
    `no SSH key to sign with: ${socketPath ? "ssh-agent holds none" : "SSH_AUTH_SOCK is not set"} and there is no ~/.ssh/${DEFAULT_KEY_FILES.join(", ~/.ssh/")}; pass --identity KEY`,
  );
}

function reportFailure(error: unknown, io: ConnectIo): number {
  if (error instanceof RelayClientError && error.code === "auth_failed") {
    io.err(`claude-relay: ${error.message}`);
    return EXIT_AUTH_FAILED;
  }
  io.err(`claude-relay: ${(error as Error).message}`);
  return EXIT_FAILURE;
}
