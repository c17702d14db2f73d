/**
 * Structured logging: one line per call, with context fields.
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
import { stderrLineWriter } from "./line-writer.ts";

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
  /**
   * Where lines go (one call per line, without newline). Default: stderr, so stdout stays free for
   * command output, batched per event-loop turn (line-writer.ts).
   */
  write?: (line: string) => void;
}

type Method = "error" | "warn" | "info" | "debug";

/** Severity rank: a line is written when its method's rank is at most the level's. */
const RANK: Record<LogLevel | Method, number> = { silent: -1, error: 0, warn: 1, info: 2, debug: 3, trace: 4 };

/** What every logger of one tree shares: the threshold and the line writer. */
interface Sink {
  readonly rank: number;
  readonly line: (time: Date, method: Method, msg: string, fields: LogFields) => string;
  readonly write: (line: string) => void;
}

/**
 * Creates the root logger. Every call makes exactly one line: nothing is merged or throttled, so a
 * storm of similar lines (e.g. one "authenticated" per login) keeps every line and its fields.
 *
 * @example
 * createLogger({ level: "debug", format: "pretty", write: (line) => lines.push(line) }).info("hello", { n: 1 })
 */
export function createLogger(options: LoggerOptions = {}): Logger {
  const sink: Sink = {
    rank: RANK[options.level ?? "info"],
    line: options.format === "json" ? jsonLine : prettyLine,
    write: options.write ?? defaultWrite(),
  };
  return new BoundLogger(sink, EMPTY);
}

function defaultWrite(): (line: string) => void {
  const writer = stderrLineWriter();
  return (line) => writer.write(line);
}

const EMPTY: LogFields = Object.freeze({});

/**
 * A class, not closures: every connection has a child logger, so its size matters. A line below
 * the level costs one comparison: nothing is merged or formatted for it.
 */
class BoundLogger implements Logger {
  readonly #sink: Sink;
  readonly #context: LogFields;

  constructor(sink: Sink, context: LogFields) {
    this.#sink = sink;
    this.#context = context;
  }

  error(msg: string, fields?: LogFields): void {
    if (this.#sink.rank >= RANK.error) this.#emit("error", msg, fields);
  }
  warn(msg: string, fields?: LogFields): void {
    if (this.#sink.rank >= RANK.warn) this.#emit("warn", msg, fields);
  }
  info(msg: string, fields?: LogFields): void {
    if (this.#sink.rank >= RANK.info) this.#emit("info", msg, fields);
  }
  debug(msg: string, fields?: LogFields): void {
    if (this.#sink.rank >= RANK.debug) this.#emit("debug", msg, fields);
  }
  child(fields: LogFields): Logger {
    return new BoundLogger(this.#sink, this.#context === EMPTY ? fields : { ...this.#context, ...fields });
  }

  #emit(method: Method, msg: string, fields: LogFields | undefined): void {
    const all = fields === undefined ? this.#context : this.#context === EMPTY ? fields : { ...this.#context, ...fields };
    this.#sink.write(this.#sink.line(new Date(), method, msg, all));
  }
}

function jsonLine(time: Date, method: Method, msg: string, fields: LogFields): string {
  const record: LogFields = { time: time.toISOString(), level: method, msg };
  for (const key in fields) {
    if (key in record) continue;
    const value = fields[key];
    record[key] = value instanceof Error ? { name: value.name, message: value.message } : value;
  }
  return JSON.stringify(record);
}

function prettyLine(time: Date, method: Method, msg: string, fields: LogFields): string {
  let line = `${time.toISOString()} ${method.toUpperCase().padEnd(5)} ${msg}`;
  for (const key in fields) {
    const value = fields[key];
    if (value !== undefined) line += ` ${key}=${formatValue(value)}`;
  }
  return line;
}

function formatValue(value: unknown): string {
  if (value instanceof Error) return JSON.stringify(value.message);
  if (typeof value === "string") return /^[\w.:/@+-]*$/.test(value) && value !== "" ? value : JSON.stringify(value);
  return JSON.stringify(value);
}

/** A logger that drops everything; handy as a default in library code and tests. (Defined last:
 * it needs the class above initialized.) */
export const silentLogger: Logger = createLogger({ level: "silent" });
