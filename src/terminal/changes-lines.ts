/**
 * What changed in a session's directory, as terminal lines (pure): `/changes` (each file with its
 * status and +/− lines) and `/diff PATH` (git's unified patch, coloured). Paths and patch text come
 * from files Claude or anyone wrote, so control characters are shown as `\xNN`, never sent to the
 * terminal (an escape sequence in a file name could otherwise rewrite the screen or the title).
 *
 * @example
 * ```ts
 * changesLines({ git: true, branch: "main", truncated: false, files: [{ path: "a.ts", status: "modified", additions: 2, deletions: 1 }] }, style);
 * // ["branch main · 1 file changed against HEAD (/diff PATH shows one):", "  modified   a.ts  +2 −1"]
 * patchLines({ patch: "@@ -1 +1 @@\n-a\n+b\n", truncated: false }, style); // ["@@ -1 +1 @@", "-a", "+b"] (coloured)
 * ```
 */
import type { ChangesMessage, DiffMessage } from "../client/messages.ts";
import type { Colour, Style } from "./style.ts";

type ChangedFile = ChangesMessage["files"][number];

const STATUS_COLOUR: Record<ChangedFile["status"], Colour> = {
  added: "green",
  untracked: "green",
  modified: "yellow",
  deleted: "red",
  renamed: "cyan",
};
const STATUS_WIDTH = Math.max(...Object.keys(STATUS_COLOUR).map((status) => status.length)) + 1;

/**
 * `text` with control characters (C0 but tab, DEL, C1) written as `\xNN`: safe to print.
 *
 * @example
 * visible("a\x1b[2Jb"); // "a\\x1b[2Jb"
 */
export function visible(text: string): string {
  return text.replace(/[\x00-\x08\x0a-\x1f\x7f-\x9f]/g, (char) => `\\x${char.charCodeAt(0).toString(16).padStart(2, "0")}`);
}

/**
 * `/changes`: a heading (branch, how many files), then one line per file; not a repository, no
 * change and a cut list each said in words.
 *
 * @example
 * changesLines({ git: false, files: [], truncated: false }, style); // ["not a git repository: there is nothing to compare with"]
 */
export function changesLines(changes: Pick<ChangesMessage, "git" | "branch" | "files" | "truncated">, style: Style): string[] {
  if (!changes.git) return [style.paint("dim", "not a git repository: there is nothing to compare with")];
  const where = changes.branch !== undefined ? `branch ${visible(changes.branch)}` : "HEAD detached";
  if (changes.files.length === 0) return [style.paint("dim", `${where} · no changes against HEAD`)];
  const count = `${changes.files.length}${changes.truncated ? "+" : ""} file${changes.files.length === 1 ? "" : "s"} changed`;
  return [
    style.paint("dim", `${where} · ${count} against HEAD (/diff PATH shows one):`),
    ...changes.files.map((file) => fileLine(file, style)),
    ...(changes.truncated ? [style.paint("yellow", `… more files changed: only the first ${changes.files.length} are listed`)] : []),
  ];
}

function fileLine(file: ChangedFile, style: Style): string {
  const status = style.paint(STATUS_COLOUR[file.status], file.status.padEnd(STATUS_WIDTH));
  const from = file.from !== undefined ? style.paint("dim", ` ← ${visible(file.from)}`) : "";
  const counts = file.binary
    ? style.paint("dim", "binary")
    : `${style.paint("green", `+${file.additions}`)} ${style.paint("red", `${style.unicode ? "−" : "-"}${file.deletions}`)}`;
  return `  ${status}  ${visible(file.path)}${from}  ${counts}`;
}

/**
 * `/diff PATH`: the patch's lines, additions green, removals red, hunk headers cyan, file headers
 * bold; an empty patch and a cut one said in words.
 *
 * @example
 * patchLines({ patch: "", truncated: false }, style); // ["no differences against HEAD"]
 */
export function patchLines(diff: Pick<DiffMessage, "patch" | "truncated">, style: Style): string[] {
  if (diff.patch === "") return [style.paint("dim", "no differences against HEAD")];
  const lines = diff.patch.endsWith("\n") ? diff.patch.slice(0, -1).split("\n") : diff.patch.split("\n");
  return [
    ...lines.map((line) => style.paint(patchColour(line), visible(line))),
    ...(diff.truncated ? [style.paint("yellow", "… the diff is cut here: it is too long to send whole (git diff on that machine shows all of it)")] : []),
  ];
}

/** The colour of one patch line, by its first characters (the kinds `git diff` prints). */
function patchColour(line: string): Colour | readonly Colour[] {
  if (line.startsWith("+++ ") || line.startsWith("--- ") || line.startsWith("diff ")) return "bold";
  if (line.startsWith("@@")) return "cyan";
  if (line.startsWith("+")) return "green";
  if (line.startsWith("-")) return "red";
  if (line.startsWith(" ")) return [];
  return "dim"; // index, mode, rename and "Binary files … differ" lines, "\ No newline at end of file"
}
