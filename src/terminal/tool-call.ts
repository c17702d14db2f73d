/**
 * Claude's tool calls in brief (pure): the Bash command, the file a Read/Write/Edit touches (relative
 * to Claude's working directory), the pattern a search looks for, and for Edit/Write what changes,
 * as a coloured diff. Used for the transcript, the spinner and permission questions.
 *
 * @example
 * ```ts
 * toolLabel("Bash", { command: "npm test" });                  // "Bash: npm test"
 * toolLines("Edit", { file_path: "/w/a.ts", old_string: "x", new_string: "y" }, { cwd: "/w", style });
 * // ["⏺ Edit a.ts", "  - x", "  + y"]  (coloured)
 * ```
 */
import { type DiffLine, excerpt, lineDiff } from "../shared/line-diff.ts";
import type { Style } from "./style.ts";

export interface ToolView {
  /** Claude's working directory: paths under it are shown relative. */
  cwd?: string;
  style: Style;
  /** Diff lines shown at most (default 20). */
  maxDiffLines?: number;
}

type Input = Record<string, unknown>;

/**
 * One line naming the call: tool and its main argument, cut to `max` characters.
 *
 * @example
 * toolLabel("Read", { file_path: "/w/src/a.ts" }, "/w"); // "Read src/a.ts"
 */
export function toolLabel(name: string, input: unknown, cwd?: string, max = 100): string {
  return oneLine(`${name}${subject(name, isInput(input) ? input : {}, cwd)}`, max);
}

/**
 * The call as transcript lines: the label, then for Edit, MultiEdit and Write the change as a diff.
 *
 * @example
 * toolLines("Write", { file_path: "/w/n.txt", content: "hi\n" }, { cwd: "/w", style }); // ["⏺ Write n.txt (1 line)", "  + hi"]
 */
export function toolLines(name: string, input: unknown, view: ToolView): string[] {
  const { style } = view;
  const fields = isInput(input) ? input : {};
  const diff = changeOf(name, fields);
  const size = name === "Write" && typeof fields.content === "string" ? ` (${plural(countLines(fields.content), "line")})` : "";
  const head = `${style.paint("cyan", style.symbols.tool)} ${style.paint("bold", name)}${subject(name, fields, view.cwd)}${size}`;
  if (!diff) return [oneLine(head, 200)];
  const { lines, omitted } = excerpt(diff, { context: 1, maxLines: view.maxDiffLines ?? 20 });
  return [
    oneLine(head, 200),
    ...lines.map((line) => `  ${paintDiff(line, style)}`),
    ...(omitted > 0 ? [style.paint("dim", `  … ${plural(omitted, "more changed line")}`)] : []),
  ];
}

/**
 * A tool input in one short line: `key: value` pairs, long or multi-line strings cut.
 *
 * @example
 * summarizeInput({ file_path: "/a.txt", content: "hello\nworld" }); // 'file_path: /a.txt, content: "hello\nworld"'
 */
export function summarizeInput(input: unknown, maxLength = 160): string {
  if (!isInput(input)) return oneLine(JSON.stringify(input) ?? "", maxLength);
  const pairs = Object.entries(input).map(([key, value]) => {
    const shown = typeof value === "string" && !/[\s",]/.test(value) ? value : JSON.stringify(value);
    return `${key}: ${oneLine(shown ?? "", 60)}`;
  });
  return oneLine(pairs.join(", "), maxLength);
}

/**
 * `text` on one line (line breaks shown as ⏎), at most `max` characters.
 *
 * @example
 * oneLine("a\nb", 10); // "a ⏎ b"
 */
export function oneLine(text: string, max: number): string {
  const flat = text.replace(/\s*\n\s*/g, " ⏎ ");
  return flat.length <= max ? flat : `${flat.slice(0, Math.max(0, max - 1))}…`;
}

/** What the call is about, with its separator: " src/a.ts", ": npm test", " "*.ts"". */
function subject(name: string, input: Input, cwd: string | undefined): string {
  const path = (value: unknown) => (typeof value === "string" ? ` ${relativeTo(cwd, value)}` : "");
  const text = (value: unknown) => (typeof value === "string" && value.trim() !== "" ? value : undefined);
  switch (name) {
    case "Bash":
      return text(input.command) ? `: ${input.command as string}` : "";
    case "Read":
    case "Write":
    case "Edit":
    case "MultiEdit":
    case "NotebookEdit":
      return path(input.file_path ?? input.notebook_path);
    case "Glob":
    case "Grep":
      return text(input.pattern) ? ` ${JSON.stringify(input.pattern)}${typeof input.path === "string" ? ` in ${relativeTo(cwd, input.path)}` : ""}` : "";
    case "WebFetch":
      return text(input.url) ? ` ${input.url as string}` : "";
    case "WebSearch":
      return text(input.query) ? ` ${JSON.stringify(input.query)}` : "";
    case "Task":
    case "Agent":
      return text(input.description) ? `: ${input.description as string}` : "";
    case "TodoWrite":
      return Array.isArray(input.todos) ? ` (${plural(input.todos.length, "item")})` : "";
    default: {
      const summary = summarizeInput(input, 80);
      return summary === "" ? "" : ` ${summary}`;
    }
  }
}

/** What an Edit, MultiEdit or Write does to the file, as diff lines. */
function changeOf(name: string, input: Input): DiffLine[] | undefined {
  if (name === "Write" && typeof input.content === "string") return lineDiff("", input.content);
  if (name === "Edit" && typeof input.old_string === "string" && typeof input.new_string === "string") return lineDiff(input.old_string, input.new_string);
  if (name === "MultiEdit" && Array.isArray(input.edits)) {
    return input.edits.flatMap((edit: unknown) =>
      isInput(edit) && typeof edit.old_string === "string" && typeof edit.new_string === "string" ? lineDiff(edit.old_string, edit.new_string) : [],
    );
  }
  return undefined;
}

function paintDiff(line: DiffLine, style: Style): string {
  const text = `${line.op} ${line.text}`;
  return line.op === "+" ? style.paint("green", text) : line.op === "-" ? style.paint("red", text) : style.paint("dim", text);
}

function relativeTo(cwd: string | undefined, path: string): string {
  if (!cwd) return path;
  const base = cwd.endsWith("/") ? cwd : `${cwd}/`;
  return path.startsWith(base) && path.length > base.length ? path.slice(base.length) : path;
}

function countLines(text: string): number {
  if (text === "") return 0;
  return text.split("\n").length - (text.endsWith("\n") ? 1 : 0);
}

function plural(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? "" : "s"}`;
}

function isInput(value: unknown): value is Input {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
