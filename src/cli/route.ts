/**
 * Decides what a command line asks for (pure): text to print (the overview, a command's help,
 * the version) or a command to run with its parsed arguments. Anything it cannot make sense of
 * is a UsageError saying what would be accepted.
 *
 * @example
 * ```ts
 * const next = route(process.argv.slice(2), COMMANDS, overview);
 * if (next.kind === "print") process.stdout.write(next.text);
 * else await next.command.run(next.input);
 * ```
 */
import { parseCommandLine } from "./args.ts";
import type { CommandInput, CommandSpec } from "./command.ts";
import { commandHelp, type Overview, overviewHelp } from "./help.ts";
import { closest } from "./suggest.ts";
import { UsageError } from "./usage-error.ts";

export type Route = { kind: "print"; text: string } | { kind: "run"; command: CommandSpec; input: CommandInput };

const HELP = new Set(["-h", "--help"]);
const VERSION = new Set(["-v", "--version"]);

export function route(argv: readonly string[], commands: readonly CommandSpec[], overview: Overview): Route {
  const [first, ...rest] = argv;
  if (first === undefined || HELP.has(first)) return { kind: "print", text: overviewHelp(commands, overview) };
  if (VERSION.has(first)) return { kind: "print", text: `claude-relay ${overview.version}\n` };
  if (first === "help") {
    if (rest.length > 1) throw new UsageError(`help takes one command name, got ${rest.map((arg) => JSON.stringify(arg)).join(" ")}`);
    return { kind: "print", text: rest[0] === undefined ? overviewHelp(commands, overview) : commandHelp(find(rest[0], commands)) };
  }
  if (first.startsWith("-")) {
    throw new UsageError(`${first} before a command: the command comes first (claude-relay COMMAND [flags]); commands: ${names(commands)}`);
  }
  const command = find(first, commands);
  const flagsPart = rest.includes("--") ? rest.slice(0, rest.indexOf("--")) : rest;
  if (flagsPart.some((arg) => HELP.has(arg))) return { kind: "print", text: commandHelp(command) };
  return { kind: "run", command, input: parseCommandLine(rest, command) };
}

function find(name: string, commands: readonly CommandSpec[]): CommandSpec {
  const command = commands.find((candidate) => candidate.name === name);
  if (command) return command;
  const guess = closest(name, [...commands.map((candidate) => candidate.name), "help"]);
  throw new UsageError(`unknown command "${name}"${guess ? `; did you mean ${guess}?` : ""} (commands: ${names(commands)}; claude-relay --help)`);
}

function names(commands: readonly CommandSpec[]): string {
  return [...commands.map((command) => command.name), "help"].join(", ");
}
