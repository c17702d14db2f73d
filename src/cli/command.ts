/**
 * How a command is declared: its name, arguments, flags, help text and what it runs. The parser
 * (args.ts), the help renderer (help.ts) and the dispatcher (route.ts) all read the same
 * declaration, so a flag added here is parsed, validated as known and shown in `--help` at once.
 *
 * @example
 * ```ts
 * const keys: CommandSpec = {
 *   name: "keys",
 *   summary: "List each authorized_keys line as the relay sees it",
 *   synopsis: "[--authorized-keys PATH]",
 *   flags: [{ flag: "--authorized-keys <path>", help: "Keys file to inspect", default: "~/.ssh/authorized_keys" }],
 *   run: ({ flags }) => console.log(flags.authorizedKeys),
 * };
 * ```
 */

/**
 * One flag: its spelling (`--port <port>` takes a value, `--json` is a switch, `-i, --identity <key>`
 * has a short form), help text and the default shown in `--help`. A switch spelled `--no-…`
 * turns something off; its key is `noReconnect` for `--no-reconnect`.
 */
export interface FlagSpec {
  flag: string;
  help: string;
  default?: string;
  /** May be given more than once; its value is then always an array. */
  repeatable?: boolean;
}

/**
 * Parsed flags, keyed by camelCase name (`--max-clients` → `maxClients`): a string for a flag with
 * a value, `true` for a switch, an array for a repeatable flag and for `"--"` (what followed `--`).
 */
export type ParsedFlags = Record<string, string | true | string[]>;

export interface CommandInput {
  flags: ParsedFlags;
  /** Positional arguments, one per name in `CommandSpec.args`. */
  args: string[];
}

export interface CommandSpec {
  name: string;
  /** One line for the command list. */
  summary: string;
  /** What follows the command's name in the overview, e.g. `URL [--identity KEY] [--json]`. */
  synopsis: string;
  /** Names of the required positional arguments, in order, e.g. `["URL"]`. */
  args?: readonly string[];
  /** What may follow `--` (e.g. "extra args for claude"); absent: nothing may. */
  rest?: string;
  flags: readonly FlagSpec[];
  examples?: readonly string[];
  /** Paragraphs shown after the examples (units, where to read more). */
  notes?: readonly string[];
  run(input: CommandInput): void | Promise<void>;
}

/** A flag spelling taken apart. */
export interface FlagShape {
  /** Long name without dashes, e.g. `max-clients`. */
  long: string;
  /** Single-letter short form without its dash, if any. */
  short?: string;
  /** True for `--name <value>`, false for a switch. */
  takesValue: boolean;
  /** The key in `ParsedFlags`: `maxClients`. */
  key: string;
}

/**
 * Takes a flag spelling apart.
 *
 * @example
 * ```ts
 * flagShape("-i, --identity <key>"); // { long: "identity", short: "i", takesValue: true, key: "identity" }
 * ```
 */
export function flagShape(flag: string): FlagShape {
  const match = /^(?:-([a-zA-Z]), )?--([a-z0-9][a-z0-9-]*)(?: <[^>]+>)?$/.exec(flag);
  if (!match) throw new Error(`bad flag spelling: ${JSON.stringify(flag)}`);
  const long = match[2]!;
  return { long, ...(match[1] && { short: match[1] }), takesValue: flag.endsWith(">"), key: flagKey(long) };
}

/**
 * The `ParsedFlags` key of a long flag name.
 *
 * @example
 * ```ts
 * flagKey("max-clients"); // "maxClients"
 * ```
 */
export function flagKey(long: string): string {
  return long.replace(/-([a-z0-9])/g, (_, c: string) => c.toUpperCase());
}
