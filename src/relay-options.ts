/**
 * Everything a relay is started with (`startRelay`), in resolved form: durations in ms, sizes in
 * bytes, paths absolute. The CLI parses `serve` flags into it (src/cli/serve-options.ts); tests
 * and embedders may build it directly.
 *
 * @example
 * ```ts
 * const options: RelayOptions = { ...resolveServeOptions({ port: "0" }, ctx), maxClients: 4 };
 * const relay = await startRelay(options, { log });
 * ```
 */
import type { TlsSource } from "./tls/certificate.ts";

export interface RelayOptions {
  host: string;
  port: number;
  authorizedKeysPath: string;
  /** True when the user named the file: then an unreadable file is fatal. */
  authorizedKeysExplicit: boolean;
  maxClients: number;
  authTimeoutMs: number;
  heartbeatIntervalMs: number;
  heartbeatTimeoutMs: number;
  claudeBin: string | undefined;
  cwd: string;
  claudeTimeoutMs: number;
  maxMessageBytes: number;
  maxBufferedBytes: number;
  maxPendingPerAddress: number;
  maxInvalidFrames: number;
  replayEvents: number;
  replayBytes: number;
  stateDir: string;
  newSession: boolean;
  /** Sessions at most, the default one included (`--max-sessions`). */
  maxSessions: number;
  /** Absolute directories session.create may start sessions in (`--allow-dir`, repeatable). */
  allowDirs: string[];
  /** Where session.create's worktrees go (`--worktree-dir`); absent: `<repository>/.claude/worktrees`. */
  worktreeDir?: string | undefined;
  /** A session `ready` this long has its Claude stopped (`--idle-timeout`); 0: never. */
  idleTimeoutMs: number;
  /** `--notify-command` as argv (program resolved), run on permission requests, finished turns, failed sessions. */
  notifyCommand: string[] | undefined;
  /** Clients may choose permission mode bypassPermissions (`--allow-bypass-permissions`): Claude is started so that it can switch to it. */
  allowBypassPermissions: boolean;
  claudeArgs: string[];
  /** Serve https/wss: the user's certificate files or the self-signed one in the state dir. */
  tls: TlsSource | undefined;
  /** The VAPID `sub` of Web Push (`--push-subject`, mailto: or https:); default: see defaultPushSubject. */
  pushSubject?: string | undefined;
  /** The URL devices use when a proxy is in front (`--public-url`, no trailing slash): pairing links and the Origin check use it. */
  publicUrl: string | undefined;
}
