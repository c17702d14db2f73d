/**
 * The help texts, rendered from the command declarations (pure): the overview (`claude-relay
 * --help`, `claude-relay help`) with one synopsis line per command, and each command's own help
 * (`claude-relay help serve`, `claude-relay serve --help`) with all of its flags.
 *
 * @example
 * ```ts
 * process.stdout.write(commandHelp(serveCommand));
 * process.stdout.write(overviewHelp(COMMANDS, { version: "0.1.0", description: "…", notes: [] }));
 * ```
 */
import type { CommandSpec, FlagSpec } from "./command.ts";

/** Lines are wrapped to this many columns (a terminal's usual 80 would split most flag lines). */
const WIDTH = 100;

const HELP_FLAG: FlagSpec = { flag: "-h, --help", help: "Show this help" };

export interface Overview {
  version: string;
  description: string;
  /** Paragraphs at the end (units, how access works). */
  notes: readonly string[];
}

/** One command's help: usage, every flag with its default, examples, notes. */
export function commandHelp(command: CommandSpec): string {
  const usage = [command.name, ...(command.args ?? []), ...(command.flags.length > 0 ? ["[flags]"] : []), ...(command.rest ? [`[-- ${command.rest}]`] : [])];
  const sections = [
    `claude-relay ${command.name}: ${command.summary}`,
    `Usage:\n  claude-relay ${usage.join(" ")}`,
    `Flags:\n${flagTable([...command.flags, HELP_FLAG])}`,
    ...(command.examples?.length ? [`Examples:\n${command.examples.map((example) => `  ${example}`).join("\n")}`] : []),
    ...(command.notes ?? []).map((note) => wrap(note, 0)),
  ];
  return `${sections.join("\n\n")}\n`;
}

/** The overview: what the tool is, each command's synopsis and summary, global flags, notes. */
export function overviewHelp(commands: readonly CommandSpec[], overview: Overview): string {
  const list = commands.map((command) => `${`  claude-relay ${command.name} ${command.synopsis}`.trimEnd()}\n${wrap(command.summary, 6)}`);
  const sections = [
    `claude-relay ${overview.version}: ${overview.description}`,
    "Usage:\n  claude-relay COMMAND [flags]",
    `Commands:\n${list.join("\n")}\n  claude-relay help [COMMAND]\n${wrap("Show this overview, or a command's flags (the same as claude-relay COMMAND --help)", 6)}`,
    `Flags:\n${flagTable([HELP_FLAG, { flag: "-v, --version", help: "Print the version" }])}`,
    ...overview.notes.map((note) => wrap(note, 0)),
  ];
  return `${sections.join("\n\n")}\n`;
}

/** Flags in two columns; long-only flags line up under the long part of `-i, --identity`. */
function flagTable(flags: readonly FlagSpec[]): string {
  const hasShort = flags.some((spec) => spec.flag.startsWith("-") && !spec.flag.startsWith("--"));
  const names = flags.map((spec) => (hasShort && spec.flag.startsWith("--") ? `    ${spec.flag}` : spec.flag));
  const column = Math.max(...names.map((name) => name.length)) + 4;
  return flags
    .map((spec, i) => {
      // A no-break space keeps "(default:" and the value's first word on one line.
      const help = spec.repeatable ? `${spec.help}; repeatable` : spec.help;
      const text = spec.default === undefined ? help : `${help} (default:\u00a0${spec.default})`;
      return wrap(`${`  ${names[i]}`.padEnd(column)}${text}`, column).replace(/\u00a0/g, " ");
    })
    .join("\n");
}

/** Word-wraps `text` to WIDTH columns; continuation lines are indented by `indent` spaces. */
function wrap(text: string, indent: number): string {
  const lines: string[] = [];
  let line = indent > 0 && !text.startsWith(" ") ? " ".repeat(indent) : "";
  for (const word of text.split(/(?<=\S) (?=\S)/)) {
    if (line.trim() !== "" && line.length + 1 + word.length > WIDTH) {
      lines.push(line);
      line = " ".repeat(indent) + word;
    } else {
      line = line.trim() === "" ? line + word : `${line} ${word}`;
    }
  }
  lines.push(line);
  return lines.join("\n");
}
