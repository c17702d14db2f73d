/**
 * The logger interface, and a logger that drops everything. No imports: library code that is
 * bundled for the browser (the client library in the web app) takes its logger type and default
 * from here, so neither consola nor the stderr writer of logger.ts is pulled into the bundle.
 *
 * @example
 * ```ts
 * import { silentLogger, type Logger } from "../log/silent-logger.ts";
 * const log: Logger = options.logger ?? silentLogger;
 * log.child({ clientId: "c1" }).info("connected");   // nothing is written
 * ```
 */

export type LogFields = Record<string, unknown>;

/** A logger bound to a set of context fields. */
export interface Logger {
  error(msg: string, fields?: LogFields): void;
  warn(msg: string, fields?: LogFields): void;
  info(msg: string, fields?: LogFields): void;
  debug(msg: string, fields?: LogFields): void;
  /** A logger whose every line also carries `fields`. */
  child(fields: LogFields): Logger;
}

/** A logger that drops everything; handy as a default in library code and tests. */
export const silentLogger: Logger = {
  error: () => {},
  warn: () => {},
  info: () => {},
  debug: () => {},
  child: () => silentLogger,
};
