/**
 * Parses one command's arguments against its declared flags. Pure. What it guarantees:
 *
 * - values stay the strings the user typed (`--cwd 010` is the directory `010`, not 10);
 * - a value that looks like a negative number is a value (`--max-clients -1` reaches the
 *   range check instead of being taken for a flag `-1`);
 * - every error names the flag as the user typed it (`--bogus-flag`, not `--bogusFlag`) and says
 *   what would be accepted: the closest flag, else the command's flags;
 * - `--name value` and `--name=value`; a flag given twice is refused unless it is declared
 *   repeatable (then its values come as an array); everything after `--` is kept in `flags["--"]`.
 *
 * @example
 * ```ts
 * parseCommandLine(["--port", "0", "--", "--model", "opus"], serveCommand);
 * // { flags: { port: "0", "--": ["--model", "opus"] }, args: [] }
 * ```
 */
import { type CommandInput, type CommandSpec, type FlagShape, flagShape, type ParsedFlags } from "./command.ts";
import { closest } from "./suggest.ts";
import { UsageError } from "./usage-error.ts";

/** `-1`, `-0.5`, `-.5`, `-2s`: a value, never a flag. */
const NEGATIVE_NUMBER = /^-\.?\d/;

/** One command's arguments to its flags and positional args (named apart from node:util's `parseArgs`, whose rules differ). */
export function parseCommandLine(argv: readonly string[], command: CommandSpec): CommandInput {
  const shapes = command.flags.map((spec) => ({ spec, shape: flagShape(spec.flag) }));
  const byLong = new Map(shapes.map((entry) => [entry.shape.long, entry]));
  const byShort = new Map(shapes.filter((entry) => entry.shape.short).map((entry) => [entry.shape.short!, entry]));
  const flags: ParsedFlags = {};
  const args: string[] = [];
  let rest: string[] = [];

  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === "--") {
      rest = argv.slice(i + 1);
      break;
    }
    if (!arg.startsWith("-") || arg === "-" || NEGATIVE_NUMBER.test(arg)) {
      args.push(arg);
      continue;
    }
    const equals = arg.indexOf("=");
    const typed = equals === -1 ? arg : arg.slice(0, equals);
    const inline = equals === -1 ? undefined : arg.slice(equals + 1);
    const entry = typed.startsWith("--") ? byLong.get(typed.slice(2)) : byShort.get(typed.slice(1));
    if (!entry)
      throw unknownFlag(
        typed,
        command,
        shapes.map((s) => s.shape),
      );
    const { shape, spec } = entry;
    if (!shape.takesValue) {
      if (inline !== undefined) throw new UsageError(`${typed} is a switch and takes no value, got "${inline}"`);
      flags[shape.key] = true;
      continue;
    }
    const needsValue = () => new UsageError(`${typed} needs a value: ${spec.flag}${spec.default ? ` (default: ${spec.default})` : ""}`);
    let value = inline;
    if (value === undefined) {
      const next = argv[i + 1];
      if (next === undefined || next === "--" || (next.startsWith("-") && next !== "-" && !NEGATIVE_NUMBER.test(next))) throw needsValue();
      value = next;
      i++;
    }
    if (value.trim() === "") throw needsValue(); // `--identity=` or `--cwd ""`: no flag of ours means anything by nothing
    const previous = flags[shape.key];
    if (previous === undefined) flags[shape.key] = spec.repeatable ? [value] : value;
    else if (Array.isArray(previous)) previous.push(value);
    else throw new UsageError(`${typed} was given twice ("${previous}" and "${value}"); give it once`);
  }

  checkPositionals(command, args, rest);
  flags["--"] = rest;
  return { flags, args };
}

function checkPositionals(command: CommandSpec, args: string[], rest: string[]): void {
  const expected = command.args ?? [];
  const usage = `claude-relay ${command.name} ${command.synopsis}`;
  if (args.length < expected.length) throw new UsageError(`${command.name} needs ${expected.slice(args.length).join(" ")}: ${usage}`);
  if (args.length > expected.length) {
    const extra = args
      .slice(expected.length)
      .map((arg) => JSON.stringify(arg))
      .join(" ");
    const takes = expected.length === 0 ? "no arguments" : `only ${expected.join(" ")}`;
    throw new UsageError(`${command.name} takes ${takes}, got ${extra}${command.rest ? `; ${command.rest} go after --` : ""}: ${usage}`);
  }
  if (rest.length > 0 && !command.rest)
    throw new UsageError(`${command.name} takes nothing after --, got ${rest.map((arg) => JSON.stringify(arg)).join(" ")}: ${usage}`);
}

function unknownFlag(typed: string, command: CommandSpec, shapes: FlagShape[]): UsageError {
  const known = [...shapes.map((shape) => `--${shape.long}`), "--help"];
  const guess = closest(typed, known);
  const accepted = guess ? `did you mean ${guess}?` : `${command.name} takes ${known.join(", ")}`;
  return new UsageError(`unknown flag ${typed} for ${command.name}: ${accepted} (claude-relay ${command.name} --help explains each)`);
}
