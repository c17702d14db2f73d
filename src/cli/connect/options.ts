/**
 * `claude-relay connect`'s flags as options, and which of its three ways to run they ask for
 * (pure; every mistake is a UsageError that says what would be accepted):
 *
 * - **one-shot**: `--prompt TEXT`, or a prompt piped in on stdin (stdin not a terminal, no
 *   `--json`): one turn, Claude's answer on stdout, exit code for scripts;
 * - **JSON lines**: `--json` without a prompt: every frame as a JSON line, input lines sent;
 * - **interactive**: a terminal on stdin: the live view with an input line.
 *
 * @example
 * ```ts
 * const options = connectOptions({ prompt: "hi", allow: "Write,Edit", "--": [] }, ["127.0.0.1:7717"]);
 * chooseMode(options, { stdinIsTTY: false }); // "one-shot"
 * ```
 */
import { parseFingerprint } from "../../client/relay-identity.ts";
import type { ParsedFlags } from "../command.ts";
import { UsageError } from "../usage-error.ts";
import { normalizeRelayUrl } from "./url.ts";

/** What an unattended turn may do with Claude's permission requests. */
export type PolicyChoice = { kind: "deny" } | { kind: "all" } | { kind: "tools"; tools: string[] };

export interface ConnectOptions {
  /** The relay's WebSocket URL (normalized). */
  url: string;
  identity?: string;
  reconnect: boolean;
  json: boolean;
  /** `--prompt`: one turn with this text. */
  prompt?: string;
  policy: PolicyChoice;
  /** `--history N`, when given. */
  history?: number;
  /** `--fingerprint`: the only relay certificate accepted (`SHA256:…`); the known-relays file is then left alone. */
  fingerprint?: string;
  /** `--session ID`: the session to join (its id or the unambiguous start of it) instead of the default one. */
  session?: string;
  /** `--new DIR`: start a session in DIR (as typed; made absolute by session-dir.ts) and join it. */
  newSession?: string;
}

export type ConnectMode = "one-shot" | "json-lines" | "interactive";

/** Turns of history shown at most (a session's replay buffer holds at most 10 000 events anyway). */
const MAX_HISTORY = 1000;

/** A tool name as Claude Code spells them: Write, Bash, mcp__server__tool, NotebookEdit … */
const TOOL_NAME = /^[A-Za-z][A-Za-z0-9_.:-]*$/;

/**
 * The options from parsed flags and the URL argument.
 *
 * @example
 * connectOptions({ yes: true, "--": [] }, ["ws://127.0.0.1:7717/ws"]).policy; // { kind: "all" }
 */
export function connectOptions(flags: ParsedFlags, args: readonly string[]): ConnectOptions {
  const text = (key: string) => (typeof flags[key] === "string" ? (flags[key] as string) : undefined);
  if (flags.yes === true && text("allow") !== undefined) {
    throw new UsageError("--yes allows every tool and --allow only some: give one of them");
  }
  const allow = text("allow");
  const policy: PolicyChoice = flags.yes === true ? { kind: "all" } : allow !== undefined ? { kind: "tools", tools: parseToolList(allow) } : { kind: "deny" };
  const history = text("history");
  const identity = text("identity");
  const prompt = text("prompt");
  const url = normalizeRelayUrl(args[0]!);
  const fingerprint = text("fingerprint");
  const session = text("session");
  const newSession = text("new");
  if (session !== undefined && newSession !== undefined) throw new UsageError("--session joins a session that runs and --new starts one: give one of them");
  if (session !== undefined && session.trim() === "") throw new UsageError("--session needs a session id (or the start of one, as /sessions shows them)");
  if (newSession !== undefined && newSession.trim() === "") throw new UsageError("--new needs the directory to start Claude in, e.g. --new /home/me/code/api");
  return {
    url,
    ...(identity !== undefined && { identity }),
    reconnect: flags.noReconnect !== true,
    json: flags.json === true,
    ...(prompt !== undefined && { prompt }),
    policy,
    ...(history !== undefined && { history: parseHistory(history) }),
    ...(fingerprint !== undefined && { fingerprint: parsePin(fingerprint, url) }),
    ...(session !== undefined && { session: session.trim() }),
    ...(newSession !== undefined && { newSession }),
  };
}

/**
 * The way to run: one-shot, JSON lines or interactive. Flags that mean nothing in that way are
 * refused rather than ignored.
 *
 * @example
 * chooseMode(connectOptions({ "--": [] }, ["h:1"]), { stdinIsTTY: true }); // "interactive"
 */
export function chooseMode(options: ConnectOptions, terminal: { stdinIsTTY: boolean }): ConnectMode {
  const mode: ConnectMode = options.prompt !== undefined ? "one-shot" : options.json ? "json-lines" : terminal.stdinIsTTY ? "interactive" : "one-shot";
  if (mode !== "one-shot" && options.policy.kind !== "deny") {
    const flag = options.policy.kind === "all" ? "--yes" : "--allow";
    throw new UsageError(
      `${flag} is for one-shot turns (--prompt TEXT, or a prompt piped in on stdin)${mode === "interactive" ? "; here, answer each request with y or n" : ""}`,
    );
  }
  if (mode !== "interactive" && options.history !== undefined) {
    throw new UsageError(`--history is for the interactive view (a terminal on stdin, no --prompt, no --json)`);
  }
  return mode;
}

/**
 * `--allow Write,Edit` → ["Write", "Edit"].
 *
 * @example
 * parseToolList("Write, Edit"); // ["Write", "Edit"]
 */
export function parseToolList(list: string): string[] {
  const tools = list.split(",").map((tool) => tool.trim());
  const bad = tools.find((tool) => !TOOL_NAME.test(tool));
  if (bad !== undefined) {
    throw new UsageError(
      bad === ""
        ? `--allow needs tool names separated by commas, e.g. --allow Write,Edit; got "${list}"`
        : `--allow: "${bad}" is not a tool name (tools are named like Write, Edit, Bash, mcp__server__tool)`,
    );
  }
  return [...new Set(tools)];
}

function parseHistory(value: string): number {
  if (!/^\d+$/.test(value) || Number(value) > MAX_HISTORY) {
    throw new UsageError(`--history must be a whole number of turns from 0 to ${MAX_HISTORY}, got "${value}"`);
  }
  return Number(value);
}

/** `--fingerprint` as `SHA256:…`: for a wss:// URL only (a ws:// relay has no certificate to pin). */
function parsePin(value: string, url: string): string {
  const fingerprint = parseFingerprint(value);
  if (!fingerprint) {
    throw new UsageError(
      `--fingerprint must be a certificate fingerprint as the relay prints it at start-up (SHA256: and 43 base64 characters) or the colon-separated hex a browser shows, got "${value}"`,
    );
  }
  if (!url.startsWith("wss:"))
    throw new UsageError(`--fingerprint pins the certificate of a wss:// relay, but ${url} is plain ws:// (no certificate): use wss://`);
  return fingerprint;
}
