/**
 * Structured logging on top of consola: one line per call, with context fields.
 *
 * Every line can carry context fields (clientId, remote address, fingerprint, pid …). In `pretty`
 * format they are appended as `key=value`; in `json` format each line is one JSON object, which
 * journald and launchd store as-is (reporters.ts renders both).
 *
 * consola is set up for a server's log rather than a terminal's: its throttling is off (it folded
 * a login storm's "authenticated" lines into one "(repeated N times)" line carrying the first
 * line's fields), and lines go to stderr through the batching line writer (line-writer.ts) instead
 * of one write per line.
 *
 * `info` lines — one per login ("authenticated") — skip consola's per-call log-object building
 * (defaults merged, a closure, its throttle bookkeeping), a large part of what a login's line
 * costs (docs/benchmarks.md): the logger builds the object consola would build and hands it to
 * consola's own reporters, so the output is the same line and consola still owns the reporters.
 *
 * @example
 * ```ts
 * const log = createLogger({ level: "info", format: "json" });
 * const conn = log.child({ clientId: "c1", remote: "127.0.0.1:5000" });
 * conn.warn("unknown message type", { messageType: "foo" });
 * // {"time":"…","level":"warn","msg":"unknown message type","clientId":"c1","remote":"127.0.0.1:5000","messageType":"foo"}
 * ```
 */
import { type ConsolaInstance, createConsola, LogLevels, type LogObject } from "consola/core";
import { stderrLineWriter } from "./line-writer.ts";
import { jsonReporter, prettyReporter } from "./reporters.ts";
import type { LogFields, Logger } from "./silent-logger.ts";

// The interface and the silent logger live apart so that browser code can have them without consola.
export { type LogFields, type Logger, silentLogger } from "./silent-logger.ts";

export type LogLevel = "silent" | "error" | "warn" | "info" | "debug" | "trace";
export type LogFormat = "pretty" | "json";

export const LOG_LEVELS: readonly LogLevel[] = ["silent", "error", "warn", "info", "debug", "trace"];

export interface LoggerOptions {
  level?: LogLevel;
  format?: LogFormat;
  /**
   * Where lines go (one call per line, without newline). Default: stderr, so stdout stays free for
   * command output, in batches of up to 20 ms (line-writer.ts).
   */
  write?: (line: string) => void;
}

/** Our levels in consola's numbers: a line is written when its method's number is at most the level's. */
const CONSOLA_LEVEL: Record<LogLevel, number> = {
  silent: LogLevels.silent,
  error: LogLevels.error,
  warn: LogLevels.warn,
  info: LogLevels.info,
  debug: LogLevels.debug,
  trace: LogLevels.trace,
};

type Method = "error" | "warn" | "info" | "debug";

/** What every logger of one tree shares: the threshold (checked before calling consola) and consola. */
interface Sink {
  readonly level: number;
  readonly consola: ConsolaInstance;
}

/**
 * Creates the root logger. Every call at or above the level makes exactly one line: nothing is
 * merged or throttled, so a storm of similar lines (e.g. one "authenticated" per login) keeps every
 * line and its fields.
 *
 * @example
 * createLogger({ level: "debug", format: "pretty", write: (line) => lines.push(line) }).info("hello", { n: 1 })
 */
export function createLogger(options: LoggerOptions = {}): Logger {
  const level = CONSOLA_LEVEL[options.level ?? "info"];
  const write = options.write ?? defaultWrite();
  const consola = createConsola({
    level,
    reporters: [options.format === "json" ? jsonReporter(write) : prettyReporter(write)],
    // consola repeats-folding: `throttle: 0` skips it (and its per-line serialization); an infinite
    // `throttleMin` keeps it off even if the clock steps back (a negative gap passes `< throttle`).
    throttle: 0,
    throttleMin: Number.POSITIVE_INFINITY,
  });
  return new BoundLogger({ level, consola }, EMPTY);
}

/** What consola's `info` does with throttling off: the same log object, to each of its reporters. */
function report(consola: ConsolaInstance, msg: string, fields: LogFields): void {
  const { options } = consola;
  const obj = { date: new Date(), args: [msg], type: "info", level: LogLevels.info, tag: "", fields } as LogObject;
  for (const reporter of options.reporters) reporter.log(obj, { options });
}

function defaultWrite(): (line: string) => void {
  const writer = stderrLineWriter();
  return (line) => writer.write(line);
}

const EMPTY: LogFields = Object.freeze({});

/**
 * A class, not closures: every connection has a child logger, so its size matters. A line below
 * the level costs one comparison: consola is not called and nothing is merged for it.
 */
class BoundLogger implements Logger {
  readonly #sink: Sink;
  readonly #context: LogFields;

  constructor(sink: Sink, context: LogFields) {
    this.#sink = sink;
    this.#context = context;
  }

  error(msg: string, fields?: LogFields): void {
    if (this.#sink.level >= LogLevels.error) this.#emit("error", msg, fields);
  }
  warn(msg: string, fields?: LogFields): void {
    if (this.#sink.level >= LogLevels.warn) this.#emit("warn", msg, fields);
  }
  info(msg: string, fields?: LogFields): void {
    if (this.#sink.level >= LogLevels.info) this.#emit("info", msg, fields);
  }
  debug(msg: string, fields?: LogFields): void {
    if (this.#sink.level >= LogLevels.debug) this.#emit("debug", msg, fields);
  }
  child(fields: LogFields): Logger {
    return new BoundLogger(this.#sink, this.#context === EMPTY ? fields : { ...this.#context, ...fields });
  }

  #emit(method: Method, msg: string, fields: LogFields | undefined): void {
    const all = fields === undefined ? this.#context : this.#context === EMPTY ? fields : { ...this.#context, ...fields };
    if (method === "info") return report(this.#sink.consola, msg, all);
    // `args`, not `message`: consola takes an empty message for no log object at all.
    this.#sink.consola[method]({ args: [msg], fields: all });
  }
}
