/**
 * `claude-relay serve` flags: their defaults, help texts and validation. Every bad value is
 * reported with the flag's name and what would be accepted.
 *
 * @example
 * ```ts
 * const options = resolveServeOptions({ port: "0", authTimeout: "1.5s" }, { env: process.env, platform: "linux", cwd: "/src" });
 * options.authTimeoutMs; // 1500
 * ```
 */
import { homedir } from "node:os";
import { isAbsolute, join } from "node:path";
import { LOG_LEVELS, type LogFormat, type LogLevel } from "../log/logger.ts";
import { NotifyCommandError, parseNotifyCommand } from "../notify/notify-command.ts";
import type { RelayOptions } from "../relay-options.ts";
import { isLoopback } from "../server/loopback.ts";
import type { TlsSource } from "../tls/certificate.ts";
import type { FlagSpec } from "./command.ts";
import { expandPath } from "./expand-path.ts";
import { parseByteSize, parseDuration } from "./units.ts";
import { UsageError } from "./usage-error.ts";

/** The relay's options plus the CLI's own (how to log, and the exposure check's override). */
export interface ServeOptions extends RelayOptions {
  logLevel: LogLevel;
  logFormat: LogFormat;
  /** A non-loopback --host without TLS was explicitly allowed. */
  allowPlaintext: boolean;
}

export const DEFAULT_PORT = 7717;

export const SERVE_FLAGS: readonly FlagSpec[] = [
  { flag: "--host <host>", help: "Address to listen on (0.0.0.0 or :: to accept other devices, with --tls)", default: "127.0.0.1" },
  { flag: "--port <port>", help: "TCP port; 0 picks a free one", default: String(DEFAULT_PORT) },
  { flag: "--authorized-keys <path>", help: "SSH public keys allowed to connect", default: "~/.ssh/authorized_keys" },
  { flag: "--max-clients <n>", help: "Open WebSockets allowed at once, authenticated or not", default: "32" },
  { flag: "--auth-timeout <duration>", help: "Time a client has to answer the challenge", default: "10s" },
  { flag: "--heartbeat-interval <duration>", help: "WebSocket ping interval", default: "15s" },
  { flag: "--heartbeat-timeout <duration>", help: "Silence after which a client is dropped", default: "45s" },
  { flag: "--claude-bin <path>", help: "Claude Code executable", default: "claude on PATH" },
  { flag: "--cwd <dir>", help: "Working directory for Claude", default: "current directory" },
  { flag: "--claude-timeout <duration>", help: "Unanswered liveness probe after which Claude is killed and restarted", default: "60s" },
  {
    flag: "--max-message-bytes <bytes>",
    help: "Largest frame a client may send once authenticated: room for a prompt with a phone photo or screenshot (base64 adds a third); before authentication 16KiB",
    default: "8MiB",
  },
  { flag: "--max-buffered-bytes <bytes>", help: "Unsent bytes per client before it is cut off as a slow consumer", default: "8MiB" },
  { flag: "--max-pending-per-address <n>", help: "Unauthenticated connections one address may hold", default: "16" },
  { flag: "--max-invalid-frames <n>", help: "Invalid frames a client may send per minute before it is cut off (0: no limit)", default: "1000" },
  { flag: "--replay-events <n>", help: "Session events kept for clients that reconnect", default: "10000" },
  { flag: "--replay-bytes <bytes>", help: "Bytes of session events kept for replay", default: "16MiB" },
  { flag: "--state-dir <dir>", help: "Where the session id and event log live", default: "$XDG_STATE_HOME/claude-relay" },
  { flag: "--new-session", help: "Start a new Claude session instead of resuming the last one" },
  { flag: "--max-sessions <n>", help: "Sessions (Claude processes) at most, the default one included", default: "8" },
  { flag: "--allow-dir <dir>", help: "A directory clients may start sessions in (and below it)", default: "your home directory", repeatable: true },
  {
    flag: "--worktree-dir <dir>",
    help: "Where sessions created with a worktree get it (<dir>/<branch>, made by git worktree add)",
    default: "<repository>/.claude/worktrees",
  },
  {
    flag: "--idle-timeout <duration>",
    help: "A session without a turn this long has its Claude stopped (it starts again, resuming, at the next prompt); 0: never",
    default: "30m",
  },
  {
    flag: "--notify-command <cmd>",
    help: "Run CMD (no shell; words with '…'/\"…\" quoting, or a JSON array) with a JSON line on stdin when Claude asks a permission, a turn ends or a session fails (docs/notifications.md)",
  },
  {
    flag: "--push-subject <url>",
    help: "The contact Web Push services see (VAPID sub): a mailto: or https: URL (docs/notifications.md)",
    default: "the https --public-url, else mailto:claude-relay@localhost",
  },
  {
    flag: "--allow-bypass-permissions",
    help: "Let clients switch a session to permission mode bypassPermissions (every tool runs without asking): Claude is started with --allow-dangerously-skip-permissions, which Claude Code refuses as root",
  },
  { flag: "--log-level <level>", help: `One of ${LOG_LEVELS.join(", ")}`, default: "info" },
  { flag: "--log-format <format>", help: "pretty or json (one JSON object per line)", default: "pretty" },
  { flag: "--tls", help: "Serve https/wss with a self-signed certificate kept in the state dir (start-up prints its fingerprint)" },
  {
    flag: "--tls-ca",
    help: "With --tls: sign the certificate with a local CA limited to this machine's names, for devices to install once from /ca.crt (/ca.mobileconfig on iOS)",
  },
  { flag: "--tls-cert <path>", help: "Serve https/wss with this PEM certificate chain (with --tls-key; re-read on SIGHUP)" },
  { flag: "--tls-key <path>", help: "PEM private key of --tls-cert" },
  { flag: "--allow-plaintext", help: "Allow a non-loopback --host without TLS, on a network that already encrypts (WireGuard, Tailscale)" },
  { flag: "--public-url <url>", help: "The https URL devices use when a proxy (tailscale serve, Caddy) is in front: pairing links use it" },
];

export interface ResolveContext {
  env: Record<string, string | undefined>;
  platform: NodeJS.Platform;
  cwd: string;
  home?: string;
}

type RawFlags = Record<string, unknown>;

export function resolveServeOptions(raw: RawFlags, context: ResolveContext): ServeOptions {
  const home = context.home ?? homedir();
  const expand = (path: string) => expandPath(path, { home, cwd: context.cwd });
  const heartbeatIntervalMs = duration(raw, "heartbeatInterval", "15s", 1);
  const heartbeatTimeoutMs = duration(raw, "heartbeatTimeout", "45s", 1);
  if (heartbeatTimeoutMs <= heartbeatIntervalMs) {
    throw new UsageError(`--heartbeat-timeout (${heartbeatTimeoutMs} ms) must be longer than --heartbeat-interval (${heartbeatIntervalMs} ms)`);
  }
  const logLevel = text(raw, "logLevel", "info");
  if (!(LOG_LEVELS as readonly string[]).includes(logLevel)) throw new UsageError(`--log-level must be one of ${LOG_LEVELS.join(", ")}, got "${logLevel}"`);
  const logFormat = text(raw, "logFormat", "pretty");
  if (logFormat !== "pretty" && logFormat !== "json") throw new UsageError(`--log-format must be pretty or json, got "${logFormat}"`);
  const cwd = expand(text(raw, "cwd", context.cwd));
  const claudeBin = raw.claudeBin === undefined ? undefined : text(raw, "claudeBin", "");
  const authorizedKeys = raw.authorizedKeys === undefined ? undefined : text(raw, "authorizedKeys", "");
  const stateDir = raw.stateDir === undefined ? defaultStateDir(context.env, context.platform, home) : expand(text(raw, "stateDir", ""));
  const host = text(raw, "host", "127.0.0.1");
  const tls = tlsSource(raw, stateDir, expand);
  const allowPlaintext = raw.allowPlaintext === true;
  if (!tls && !allowPlaintext && !isLoopback(host)) {
    throw new UsageError(
      `--host ${host} without TLS would let anyone on that network read the session and type into it; ` +
        "add --tls (a self-signed certificate), --tls-cert/--tls-key (your own), " +
        "or --allow-plaintext if the network already encrypts (WireGuard, Tailscale)",
    );
  }
  return {
    host,
    port: integer(raw, "port", DEFAULT_PORT, 0, 65535),
    authorizedKeysPath: authorizedKeys === undefined ? join(home, ".ssh", "authorized_keys") : expand(authorizedKeys),
    authorizedKeysExplicit: authorizedKeys !== undefined,
    maxClients: integer(raw, "maxClients", 32, 1, 1_000_000),
    authTimeoutMs: duration(raw, "authTimeout", "10s", 1),
    heartbeatIntervalMs,
    heartbeatTimeoutMs,
    claudeBin: claudeBin === undefined ? undefined : claudeBin.includes("/") ? expand(claudeBin) : claudeBin,
    cwd,
    claudeTimeoutMs: duration(raw, "claudeTimeout", "60s", 100),
    maxMessageBytes: bytes(raw, "maxMessageBytes", "8MiB", 64),
    maxBufferedBytes: bytes(raw, "maxBufferedBytes", "8MiB", 1024),
    maxPendingPerAddress: integer(raw, "maxPendingPerAddress", 16, 1, 1_000_000),
    maxInvalidFrames: integer(raw, "maxInvalidFrames", 1000, 0, 100_000_000),
    replayEvents: integer(raw, "replayEvents", 10_000, 0, 100_000_000),
    replayBytes: bytes(raw, "replayBytes", "16MiB", 0),
    stateDir,
    newSession: raw.newSession === true,
    maxSessions: integer(raw, "maxSessions", 8, 1, 1000),
    allowDirs: raw.allowDir === undefined ? [home] : list(raw, "allowDir").map(expand),
    worktreeDir: raw.worktreeDir === undefined ? undefined : expand(text(raw, "worktreeDir", "")),
    idleTimeoutMs: duration(raw, "idleTimeout", "30m", 0),
    notifyCommand: raw.notifyCommand === undefined ? undefined : notifyCommand(text(raw, "notifyCommand", ""), expand),
    allowBypassPermissions: raw.allowBypassPermissions === true,
    logLevel: logLevel as LogLevel,
    logFormat,
    claudeArgs: Array.isArray(raw["--"]) ? raw["--"].map(String) : [],
    tls,
    allowPlaintext,
    publicUrl: raw.publicUrl === undefined ? undefined : publicUrl(text(raw, "publicUrl", "")),
    pushSubject: raw.pushSubject === undefined ? undefined : pushSubject(text(raw, "pushSubject", "")),
  };
}

function tlsSource(raw: RawFlags, stateDir: string, expand: (path: string) => string): TlsSource | undefined {
  const cert = raw.tlsCert === undefined ? undefined : expand(text(raw, "tlsCert", ""));
  const key = raw.tlsKey === undefined ? undefined : expand(text(raw, "tlsKey", ""));
  if (raw.tls !== undefined && raw.tls !== true && raw.tls !== false)
    throw new UsageError("--tls takes no value; for your own certificate use --tls-cert PATH --tls-key PATH");
  if (raw.tls === true && (cert || key)) throw new UsageError("use either --tls (a self-signed certificate) or --tls-cert/--tls-key (your own), not both");
  if (cert && key) return { kind: "files", certPath: cert, keyPath: key };
  if (cert || key) throw new UsageError(`--${cert ? "tls-cert" : "tls-key"} needs --${cert ? "tls-key" : "tls-cert"} too`);
  if (raw.tlsCa !== undefined && raw.tlsCa !== true && raw.tlsCa !== false) throw new UsageError("--tls-ca takes no value");
  if (raw.tlsCa === true && raw.tls !== true) throw new UsageError("--tls-ca goes with --tls: serve --tls --tls-ca");
  if (raw.tls === true && raw.tlsCa === true) return { kind: "local-ca", stateDir };
  return raw.tls === true ? { kind: "self-signed", stateDir } : undefined;
}

/** The argv of --notify-command; a program given as a path (with "/" or "~") is made absolute. */
function notifyCommand(value: string, expand: (path: string) => string): string[] {
  let argv: string[];
  try {
    argv = parseNotifyCommand(value);
  } catch (error) {
    if (error instanceof NotifyCommandError) throw new UsageError(error.message);
    throw error;
  }
  const [program, ...args] = argv as [string, ...string[]];
  return [program.includes("/") || program.startsWith("~") ? expand(program) : program, ...args];
}

/** --push-subject: a mailto: or https: URL, as push services require of the VAPID `sub`. */
function pushSubject(value: string): string {
  if (!/^(mailto:\S+@\S+|https:\/\/\S+)$/.test(value)) {
    throw new UsageError(`--push-subject must be a mailto: address or an https: URL, such as mailto:me@example.com, got "${value}"`);
  }
  return value;
}

function publicUrl(value: string): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new UsageError(`--public-url must be a URL such as https://laptop.tail1234.ts.net, got "${value}"`);
  }
  if (url.protocol !== "https:" && url.protocol !== "http:") throw new UsageError(`--public-url must be an https:// (or http://) URL, got "${value}"`);
  if (url.search || url.hash || url.username || url.password) throw new UsageError(`--public-url takes no query, fragment or credentials, got "${value}"`);
  return url.href.replace(/\/$/, "");
}

/** `$XDG_STATE_HOME/claude-relay`, `~/.local/state/claude-relay`, or Application Support on macOS. */
export function defaultStateDir(env: Record<string, string | undefined>, platform: NodeJS.Platform, home: string): string {
  if (platform === "darwin") return join(home, "Library", "Application Support", "claude-relay");
  const xdg = env.XDG_STATE_HOME;
  return join(xdg && isAbsolute(xdg) ? xdg : join(home, ".local", "state"), "claude-relay");
}

function flagName(key: string): string {
  return `--${key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`;
}

function text(raw: RawFlags, key: string, fallback: string): string {
  const value = raw[key];
  if (value === undefined) return fallback;
  if (Array.isArray(value)) throw new UsageError(`${flagName(key)} was given more than once`);
  if (typeof value === "boolean" || String(value).trim() === "") throw new UsageError(`${flagName(key)} needs a value`);
  return String(value);
}

/** A repeatable flag: one value or several (the parser gives an array; install's callers may pass one string). */
function list(raw: RawFlags, key: string): string[] {
  const values = Array.isArray(raw[key]) ? (raw[key] as unknown[]) : [raw[key]];
  return values.map((value) => text({ [key]: value }, key, ""));
}

function integer(raw: RawFlags, key: string, fallback: number, min: number, max: number): number {
  if (raw[key] === undefined) return fallback;
  const value = text(raw, key, "");
  const n = /^\d+$/.test(value) ? Number(value) : NaN;
  if (!Number.isSafeInteger(n) || n < min || n > max) throw new UsageError(`${flagName(key)} must be a whole number from ${min} to ${max}, got "${value}"`);
  return n;
}

function duration(raw: RawFlags, key: string, fallback: string, minMs: number): number {
  const value = text(raw, key, fallback);
  const ms = parseDuration(value);
  if (ms === undefined || ms < minMs) {
    throw new UsageError(`${flagName(key)} must be a duration such as 1500 (ms), 1.5s or 2m${minMs > 1 ? ` of at least ${minMs} ms` : ""}, got "${value}"`);
  }
  return ms;
}

function bytes(raw: RawFlags, key: string, fallback: string, min: number): number {
  const value = text(raw, key, fallback);
  const n = parseByteSize(value);
  if (n === undefined || n < min)
    throw new UsageError(`${flagName(key)} must be a size such as 1048576, 512KiB or 1MiB${min ? ` (at least ${min} bytes)` : ""}, got "${value}"`);
  return n;
}
