/**
 * `claude-relay serve`: resolves the flags, starts the relay, and turns signals into a graceful
 * stop (a second signal exits at once). Signal handlers are installed before anything starts, so
 * a SIGTERM during start-up still ends in an orderly stop.
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

  try {
    relay = await startRelay(options, { log });
  } catch (error) {
    if (!(error instanceof StartupError)) throw error;
    log.error(error.message);
    process.exit(1);
  }
  if (stopSignal) void relay.stop(stopSignal);
  process.exit(await relay.closed);
}
