/**
 * Line diffs for showing what Claude's Edit and Write tools change (pure): the changed lines with
 * a little context, as `-`/`+`/` ` lines, cut to a readable length.
 *
 * @example
 * ```ts
 * diffLines("a\nb\nc", "a\nB\nc");
 * // [{ kind: " ", text: "a" }, { kind: "-", text: "b" }, { kind: "+", text: "B" }, { kind: " ", text: "c" }]
 * ```
 */

export interface DiffLine {
  kind: " " | "-" | "+";
  text: string;
}

/** Above this many lines per side the diff is not computed line by line (old out, new in). */
const MAX_DIFF_LINES = 500;

/**
 * The lines of `before` and `after` as removed, added or kept: a longest-common-subsequence diff.
 *
 * @example
 * diffLines("", "x").map((l) => l.kind + l.text); // ["+x"]
 */
export function diffLines(before: string, after: string): DiffLine[] {
  const a = splitLines(before);
  const b = splitLines(after);
  if (a.length > MAX_DIFF_LINES || b.length > MAX_DIFF_LINES) {
    return [...a.map((text) => ({ kind: "-" as const, text })), ...b.map((text) => ({ kind: "+" as const, text }))];
  }
  // lcs[i][j]: length of the longest common subsequence of a[i..] and b[j..].
  const lcs = Array.from({ length: a.length + 1 }, () => new Uint16Array(b.length + 1));
  for (let i = a.length - 1; i >= 0; i--) {
    for (let j = b.length - 1; j >= 0; j--) {
      lcs[i]![j] = a[i] === b[j] ? lcs[i + 1]![j + 1]! + 1 : Math.max(lcs[i + 1]![j]!, lcs[i]![j + 1]!);
    }
  }
  const lines: DiffLine[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length || j < b.length) {
    if (i < a.length && j < b.length && a[i] === b[j]) {
      lines.push({ kind: " ", text: a[i]! });
      i++;
      j++;
    } else if (j < b.length && (i === a.length || lcs[i]![j + 1]! >= lcs[i + 1]![j]!)) {
      lines.push({ kind: "+", text: b[j++]! });
    } else {
      lines.push({ kind: "-", text: a[i++]! });
    }
  }
  // Removals before additions within each changed run reads best.
  return groupChanges(lines);
}

/**
 * The changed lines with `context` unchanged lines around each change, at most `maxLines` lines;
 * `omitted` counts the changed lines left out.
 *
 * @example
 * excerpt(diffLines(old, updated), { context: 1, maxLines: 20 });
 */
export function excerpt(lines: readonly DiffLine[], options: { context: number; maxLines: number }): { lines: DiffLine[]; omitted: number } {
  const keep = new Array<boolean>(lines.length).fill(false);
  lines.forEach((line, index) => {
    if (line.kind === " ") return;
    for (let k = Math.max(0, index - options.context); k <= Math.min(lines.length - 1, index + options.context); k++) keep[k] = true;
  });
  const shown: DiffLine[] = [];
  let omitted = 0;
  lines.forEach((line, index) => {
    if (!keep[index]) return;
    if (shown.length < options.maxLines) shown.push(line);
    else if (line.kind !== " ") omitted++;
  });
  return { lines: shown, omitted };
}

function splitLines(text: string): string[] {
  if (text === "") return [];
  const lines = text.split(/\r?\n/);
  if (lines.at(-1) === "") lines.pop();
  return lines;
}

function groupChanges(lines: DiffLine[]): DiffLine[] {
  const out: DiffLine[] = [];
  let run: DiffLine[] = [];
  const flush = () => {
    out.push(...run.filter((line) => line.kind === "-"), ...run.filter((line) => line.kind === "+"));
    run = [];
  };
  for (const line of lines) {
    if (line.kind === " ") {
      flush();
      out.push(line);
    } else run.push(line);
  }
  flush();
  return out;
}
