/**
 * Structured logging on top of consola.
 *
 * Every line can carry context fields (clientId, remote address, fingerprint, pid …). In `pretty`
 * format they are appended as `key=value`; in `json` format each line is one JSON object, which
 * journald and launchd store as-is.
 *
 * @example
 * ```ts
 * const log = createLogger({ level: "info", format: "json" });
 * const conn = log.child({ clientId: "c1", remote: "127.0.0.1:5000" });
 * conn.warn("unknown message type", { messageType: "foo" });
 * // {"time":"…","level":"warn","msg":"unknown message type","clientId":"c1","remote":"127.0.0.1:5000","messageType":"foo"}
 * ```
 */
import { createConsola, type ConsolaInstance, type LogObject } from "consola";

export type LogLevel = "silent" | "error" | "warn" | "info" | "debug" | "trace";
export type LogFormat = "pretty" | "json";
export type LogFields = Record<string, unknown>;

export const LOG_LEVELS: readonly LogLevel[] = ["silent", "error", "warn", "info", "debug", "trace"];

/** A logger bound to a set of context fields. */
export interface Logger {
  error(msg: string, fields?: LogFields): void;
  warn(msg: string, fields?: LogFields): void;
  info(msg: string, fields?: LogFields): void;
  debug(msg: string, fields?: LogFields): void;
  /** A logger whose every line also carries `fields`. */
  child(fields: LogFields): Logger;
}

export interface LoggerOptions {
  level?: LogLevel;
  format?: LogFormat;
  /** Where lines go; stderr by default so stdout stays free for command output. */
  write?: (line: string) => void;
}

const CONSOLA_LEVEL: Record<LogLevel, number> = {
  silent: -999,
  error: 0,
  warn: 1,
  info: 3,
  debug: 4,
  trace: 5,
};

type Method = "error" | "warn" | "info" | "debug";

/** Creates the root logger. */
export function createLogger(options: LoggerOptions = {}): Logger {
  const format = options.format ?? "pretty";
  const write = options.write ?? ((line: string) => process.stderr.write(line + "\n"));
  const consola = createConsola({
    level: CONSOLA_LEVEL[options.level ?? "info"],
    reporters: [{ log: (obj) => write(format === "json" ? jsonLine(obj) : prettyLine(obj)) }],
  });
  return bind(consola, {});
}

function bind(consola: ConsolaInstance, context: LogFields): Logger {
  return new BoundLogger(consola, context);
}

/** A class, not closures: every connection has a child logger, so its size matters. */
class BoundLogger implements Logger {
  readonly #consola: ConsolaInstance;
  readonly #context: LogFields;

  constructor(consola: ConsolaInstance, context: LogFields) {
    this.#consola = consola;
    this.#context = context;
  }

  error(msg: string, fields?: LogFields): void {
    this.#emit("error", msg, fields);
  }
  warn(msg: string, fields?: LogFields): void {
    this.#emit("warn", msg, fields);
  }
  info(msg: string, fields?: LogFields): void {
    this.#emit("info", msg, fields);
  }
  debug(msg: string, fields?: LogFields): void {
    this.#emit("debug", msg, fields);
  }
  child(fields: LogFields): Logger {
    return new BoundLogger(this.#consola, { ...this.#context, ...fields });
  }

  #emit(method: Method, msg: string, fields: LogFields | undefined): void {
    this.#consola[method]({ message: msg, fields: fields ? { ...this.#context, ...fields } : this.#context });
  }
}

function fieldsOf(obj: LogObject): LogFields {
  return ((obj as unknown as { fields?: LogFields }).fields ?? {}) as LogFields;
}

function messageOf(obj: LogObject): string {
  return String((obj as unknown as { message?: unknown }).message ?? obj.args.join(" "));
}

function jsonLine(obj: LogObject): string {
  const record: LogFields = { time: obj.date.toISOString(), level: obj.type === "log" ? "info" : obj.type, msg: messageOf(obj) };
  for (const [key, value] of Object.entries(fieldsOf(obj))) {
    if (key in record) continue;
    record[key] = value instanceof Error ? { name: value.name, message: value.message } : value;
  }
  return JSON.stringify(record);
}

function prettyLine(obj: LogObject): string {
  const pairs = Object.entries(fieldsOf(obj))
    .filter(([, value]) => value !== undefined)
    .map(([key, value]) => `${key}=${formatValue(value)}`);
  const level = obj.type.toUpperCase().padEnd(5);
  return [obj.date.toISOString(), level, messageOf(obj), ...pairs].join(" ");
}

function formatValue(value: unknown): string {
  if (value instanceof Error) return JSON.stringify(value.message);
  if (typeof value === "string") return /^[\w.:/@+-]*$/.test(value) && value !== "" ? value : JSON.stringify(value);
  return JSON.stringify(value);
}

/**
 * A logger that drops everything; handy as a default in library code and tests. A plain object,
 * not a consola instance, so library code bundled for the browser (the client) does not pull
 * consola in.
 */
export const silentLogger: Logger = {
  error: () => {},
  warn: () => {},
  info: () => {},
  debug: () => {},
  child: () => silentLogger,
};
