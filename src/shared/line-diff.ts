/**
 * Line diffs for showing what Claude's Edit and Write tools change (pure), one implementation for
 * the web app and the terminal: the common head and tail are kept as context, the middle is aligned
 * by longest common subsequence with removals before additions in each changed run; past `maxCells`
 * (n × m of the middle) it falls back to "all old lines removed, all new lines added" so a huge
 * file cannot stall a phone. `excerpt` cuts a diff to the changes and a little context.
 *
 * @example
 * ```ts
 * lineDiff("a\nb\nc", "a\nB\nc");
 * // [{ op: " ", text: "a" }, { op: "-", text: "b" }, { op: "+", text: "B" }, { op: " ", text: "c" }]
 * excerpt(lineDiff(old, updated), { context: 1, maxLines: 20 });
 * ```
 */

export interface DiffLine {
  op: " " | "-" | "+";
  text: string;
}

/**
 * The lines of `before` and `after` as kept, removed or added. Lines end at `\n` or `\r\n`; a
 * final line break ends the last line rather than starting an empty one.
 *
 * @example
 * lineDiff("", "x").map((line) => line.op + line.text); // ["+x"]
 */
export function lineDiff(before: string, after: string, maxCells = 250_000): DiffLine[] {
  const a = splitLines(before);
  const b = splitLines(after);
  let head = 0;
  while (head < a.length && head < b.length && a[head] === b[head]) head++;
  let tail = 0;
  while (tail < a.length - head && tail < b.length - head && a[a.length - 1 - tail] === b[b.length - 1 - tail]) tail++;
  const same = (lines: string[]): DiffLine[] => lines.map((text) => ({ op: " ", text }));
  const oldMiddle = a.slice(head, a.length - tail);
  const newMiddle = b.slice(head, b.length - tail);
  return [...same(a.slice(0, head)), ...middle(oldMiddle, newMiddle, maxCells), ...same(a.slice(a.length - tail))];
}

/**
 * The changed lines with `context` unchanged lines around each change, at most `maxLines` lines;
 * `omitted` counts the changed lines left out.
 *
 * @example
 * excerpt(lineDiff("", "1\n2\n3"), { context: 1, maxLines: 2 }); // { lines: [+1, +2], omitted: 1 }
 */
export function excerpt(lines: readonly DiffLine[], options: { context: number; maxLines: number }): { lines: DiffLine[]; omitted: number } {
  const keep = new Array<boolean>(lines.length).fill(false);
  lines.forEach((line, index) => {
    if (line.op === " ") return;
    for (let k = Math.max(0, index - options.context); k <= Math.min(lines.length - 1, index + options.context); k++) keep[k] = true;
  });
  const shown: DiffLine[] = [];
  let omitted = 0;
  lines.forEach((line, index) => {
    if (!keep[index]) return;
    if (shown.length < options.maxLines) shown.push(line);
    else if (line.op !== " ") omitted++;
  });
  return { lines: shown, omitted };
}

function splitLines(text: string): string[] {
  if (text === "") return [];
  const lines = text.split(/\r?\n/);
  if (lines.at(-1) === "") lines.pop();
  return lines;
}

function middle(a: string[], b: string[], maxCells: number): DiffLine[] {
  const removed = (text: string): DiffLine => ({ op: "-", text });
  const added = (text: string): DiffLine => ({ op: "+", text });
  if (a.length === 0 || b.length === 0 || a.length * b.length > maxCells) return [...a.map(removed), ...b.map(added)];
  // lcs[i][j]: length of the LCS of a[i..] and b[j..], in one flat array.
  const width = b.length + 1;
  const lcs = new Uint32Array((a.length + 1) * width);
  for (let i = a.length - 1; i >= 0; i--) {
    for (let j = b.length - 1; j >= 0; j--) {
      lcs[i * width + j] = a[i] === b[j] ? lcs[(i + 1) * width + j + 1]! + 1 : Math.max(lcs[(i + 1) * width + j]!, lcs[i * width + j + 1]!);
    }
  }
  const out: DiffLine[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length && j < b.length) {
    if (a[i] === b[j]) {
      out.push({ op: " ", text: a[i]! });
      i++;
      j++;
    } else if (lcs[(i + 1) * width + j]! >= lcs[i * width + j + 1]!) out.push(removed(a[i++]!));
    else out.push(added(b[j++]!));
  }
  return [...out, ...a.slice(i).map(removed), ...b.slice(j).map(added)];
}
