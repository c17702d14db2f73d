/**
 * consola reporters that render each log object as one line of text and hand it to `write`: JSON
 * lines (one object per line, as journald and launchd store it) or pretty (`time LEVEL msg
 * key=value …`). consola's own reporters are not used: they print the fields as an object dump and
 * write to the stream once per line, where the relay batches (line-writer.ts).
 *
 * The logger passes its context fields as `fields` on the log object (logger.ts).
 *
 * @example
 * ```ts
 * const consola = createConsola({ reporters: [jsonReporter((line) => lines.push(line))] });
 * consola.warn({ args: ["unknown message type"], fields: { messageType: "foo" } });
 * // {"time":"…","level":"warn","msg":"unknown message type","messageType":"foo"}
 * ```
 */
import type { ConsolaReporter, LogObject } from "consola/core";
import type { LogFields } from "./silent-logger.ts";

/**
 * A reporter writing one JSON object per line: time, level, msg, then the fields (which cannot
 * replace those three; errors become `{ name, message }`, undefined fields are left out).
 *
 * @example
 * jsonReporter((line) => process.stdout.write(line + "\n"))
 */
export function jsonReporter(write: (line: string) => void): ConsolaReporter {
  return { log: (obj) => write(jsonLine(obj)) };
}

/**
 * A reporter writing `time LEVEL msg key=value …`, quoting values that need it.
 *
 * @example
 * prettyReporter((line) => process.stderr.write(line + "\n"))
 */
export function prettyReporter(write: (line: string) => void): ConsolaReporter {
  return { log: (obj) => write(prettyLine(obj)) };
}

function fieldsOf(obj: LogObject): LogFields {
  return (obj as unknown as { fields?: LogFields }).fields ?? {};
}

function jsonLine(obj: LogObject): string {
  const record: LogFields = { time: obj.date.toISOString(), level: obj.type === "log" ? "info" : obj.type, msg: obj.args.join(" ") };
  const fields = fieldsOf(obj);
  for (const key in fields) {
    if (key in record) continue;
    const value = fields[key];
    record[key] = value instanceof Error ? { name: value.name, message: value.message } : value;
  }
  return JSON.stringify(record);
}

function prettyLine(obj: LogObject): string {
  let line = `${obj.date.toISOString()} ${obj.type.toUpperCase().padEnd(5)} ${obj.args.join(" ")}`;
  const fields = fieldsOf(obj);
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
