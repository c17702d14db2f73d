/**
 * `claude-relay serve`: resolves and checks the flags, starts the relay, says how to connect to
 * it, and turns signals into a graceful stop (a second signal exits at once); SIGHUP reloads the
 * TLS certificate (without TLS it is logged and ignored, never fatal). Signal handlers are
 * installed before anything starts, so a SIGTERM during start-up still ends in an orderly stop.
 *
 * @example
 * ```ts
 * await runServe({ port: "0", cwd: "~/code/app", "--": [] }); // returns only by exiting the process
 * ```
 */
import { networkInterfaces } from "node:os";
import { createLogger, LOG_LEVELS, type Logger } from "../log/logger.ts";
import { type Relay, StartupError, startRelay } from "../relay.ts";
import { selfCommand } from "../shared/self-command.ts";
import { checkStateDir, checkWorkingDirectory } from "./check-paths.ts";
import type { ParsedFlags } from "./command.ts";
import { connectHints, formatConnectHints } from "./connect-hints.ts";
import { resolveServeOptions, type ServeOptions } from "./serve-options.ts";

/** Grace period for a signal-triggered stop before the process exits anyway. */
const STOP_DEADLINE_MS = 5000;

export async function runServe(flags: ParsedFlags): Promise<void> {
  const options = resolveServeOptions(flags, { env: process.env, platform: process.platform, cwd: invocationDir(process.env, process.cwd()) });
  // Before anything is recorded in the state dir or Claude is spawned: a bad directory is a usage error.
  checkWorkingDirectory(options.cwd, flags.cwd !== undefined);
  checkStateDir(options.stateDir, flags.stateDir !== undefined);
  const log = createLogger({ level: options.logLevel, format: options.logFormat });

  let relay: Relay | undefined;
  let stopSignal: NodeJS.Signals | undefined;
  const onSignal = (signal: NodeJS.Signals) => {
    if (stopSignal) {
      log.warn(`second ${signal}: exiting now`);
      process.exit(130);
    }
    stopSignal = signal;
    log.info(`${signal} received: shutting down`);
    setTimeout(() => {
      log.error(`shutdown took longer than ${STOP_DEADLINE_MS} ms; exiting`);
      process.exit(1);
    }, STOP_DEADLINE_MS).unref();
    void relay?.stop(signal);
  };
  process.on("SIGTERM", onSignal);
  process.on("SIGINT", onSignal);
  // Last resort: an error nothing handled means the process state can no longer be trusted.
  // Log it with its stack, close clients with 1011, end Claude's process tree, exit non-zero so
  // launchd/systemd start a fresh relay (which resumes the same session).
  const onFatal = (kind: string) => (error: unknown) => {
    log.error(`${kind}: shutting down`, { error: error instanceof Error ? (error.stack ?? error.message) : String(error) });
    if (!relay) process.exit(1);
    setTimeout(() => process.exit(1), STOP_DEADLINE_MS).unref();
    void relay.abort(`${kind}: ${error instanceof Error ? error.message : String(error)}`);
  };
  process.on("uncaughtException", onFatal("uncaught exception"));
  process.on("unhandledRejection", onFatal("unhandled promise rejection"));
  // SIGHUP re-reads the certificate (a renewal needs no restart), as nginx and sshd do. Handled
  // even without TLS: its default action would end the relay, e.g. on a stray `kill -HUP`.
  process.on("SIGHUP", () => {
    if (!relay) return log.info("SIGHUP received before the relay started: nothing to reload yet");
    log.info(options.tls ? "SIGHUP received: reloading the TLS certificate" : "SIGHUP received");
    relay.reloadTls().catch(onFatal("certificate reload failed"));
  });

  try {
    relay = await startRelay(options, { log });
  } catch (error) {
    if (!(error instanceof StartupError)) throw error;
    log.error(error.message);
    process.exit(1);
  }
  if (stopSignal) void relay.stop(stopSignal);
  else printConnectHints(relay, options, log);
  process.exit(await relay.closed);
}

/**
 * The directory the user started the relay from: under `npm start` (which runs in the checkout)
 * the one npm was invoked from (`INIT_CWD`), so Claude works there and not in claude-relay's own
 * source; else the current directory. Relative paths in the flags are taken from it too, as typed.
 */
function invocationDir(env: NodeJS.ProcessEnv, cwd: string): string {
  return env.npm_lifecycle_event === "start" && env.INIT_CWD ? env.INIT_CWD : cwd;
}

/** The `connect` command lines (as this relay was started) and web app addresses for this relay: free text, or one log line with --log-format json. */
function printConnectHints(relay: Relay, options: ServeOptions, log: Logger): void {
  const program = selfCommand();
  const hints = connectHints({
    program,
    host: options.host,
    port: relay.port,
    secure: relay.tls !== undefined,
    ...(options.publicUrl !== undefined && { publicUrl: options.publicUrl }),
    interfaces: networkInterfaces(),
  });
  if (options.logFormat === "json") {
    log.info("how to connect", {
      commands: hints.commands,
      urls: hints.urls,
      pages: hints.pages,
      remote: hints.remote,
      ...(hints.note && { note: hints.note }),
    });
  } else if (LOG_LEVELS.indexOf(options.logLevel) >= LOG_LEVELS.indexOf("info")) {
    process.stderr.write(formatConnectHints(hints, program));
  }
}
