/**
 * `claude-relay serve`: resolves the flags, starts the relay, and turns signals into a graceful
 * stop (a second signal exits at once); with TLS, SIGHUP reloads the certificate. Signal handlers
 * are installed before anything starts, so a SIGTERM during start-up still ends in an orderly stop.
 */
import { createLogger } from "../log/logger.ts";
import { startRelay, StartupError, type Relay } from "../relay.ts";
import { resolveServeOptions } from "./serve-options.ts";

/** Grace period for a signal-triggered stop before the process exits anyway. */
const STOP_DEADLINE_MS = 5000;

export async function runServe(flags: Record<string, unknown>): Promise<void> {
  const options = resolveServeOptions(flags, { env: process.env, platform: process.platform, cwd: process.cwd() });
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
    log.error(`${kind}: shutting down`, { error: error instanceof Error ? error.stack ?? error.message : String(error) });
    if (!relay) process.exit(1);
    setTimeout(() => process.exit(1), STOP_DEADLINE_MS).unref();
    void relay.abort(`${kind}: ${error instanceof Error ? error.message : String(error)}`);
  };
  process.on("uncaughtException", onFatal("uncaught exception"));
  process.on("unhandledRejection", onFatal("unhandled promise rejection"));

  try {
    relay = await startRelay(options, { log });
  } catch (error) {
    if (!(error instanceof StartupError)) throw error;
    log.error(error.message);
    process.exit(1);
  }
  if (stopSignal) void relay.stop(stopSignal);
  // With TLS, SIGHUP re-reads the certificate (a renewal needs no restart), as nginx and sshd do.
  if (options.tls) {
    const reloading = relay;
    process.on("SIGHUP", () => {
      log.info("SIGHUP received: reloading the TLS certificate");
      reloading.reloadTls().catch(onFatal("certificate reload failed"));
    });
  }
  process.exit(await relay.closed);
}
