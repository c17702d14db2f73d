/**
 * A line diff for showing an edit (pure): the common head and tail are kept as context, the
 * middle is aligned by longest common subsequence; past `maxCells` (n × m) it falls back to
 * "all old lines removed, all new lines added" so a huge file cannot stall the page.
 *
 * @example
 * ```ts
 * lineDiff("a\nb\nc", "a\nB\nc");
 * // [{ op: " ", text: "a" }, { op: "-", text: "b" }, { op: "+", text: "B" }, { op: " ", text: "c" }]
 * ```
 */

export interface DiffLine {
  op: " " | "-" | "+";
  text: string;
}

export function lineDiff(before: string, after: string, maxCells = 250_000): DiffLine[] {
  const a = before === "" ? [] : before.split("\n");
  const b = after === "" ? [] : after.split("\n");
  let head = 0;
  while (head < a.length && head < b.length && a[head] === b[head]) head++;
  let tail = 0;
  while (tail < a.length - head && tail < b.length - head && a[a.length - 1 - tail] === b[b.length - 1 - tail]) tail++;
  const same = (lines: string[]): DiffLine[] => lines.map((text) => ({ op: " ", text }));
  const oldMiddle = a.slice(head, a.length - tail);
  const newMiddle = b.slice(head, b.length - tail);
  return [...same(a.slice(0, head)), ...middle(oldMiddle, newMiddle, maxCells), ...same(a.slice(a.length - tail))];
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
