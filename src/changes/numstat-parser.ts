/**
 * Parses `git diff --numstat -z` (pure): lines added and deleted per path. A record is
 * `added<TAB>deleted<TAB>path<NUL>`, or for a rename `added<TAB>deleted<TAB><NUL>from<NUL>to<NUL>`;
 * a binary file has `-` for both counts. Paths are verbatim (no quoting with `-z`).
 *
 * @example
 * ```ts
 * parseNumstat("3\t1\ta b.txt\0-\t-\tlogo.png\0");
 * // Map { "a b.txt" => { additions: 3, deletions: 1 }, "logo.png" => { additions: 0, deletions: 0, binary: true } }
 * ```
 */

export interface LineCounts {
  additions: number;
  deletions: number;
  /** git could not count lines: the file is binary (both counts are then 0). */
  binary?: true;
}

/** The counts by path (a rename's by its new path). */
export function parseNumstat(output: string): Map<string, LineCounts> {
  const counts = new Map<string, LineCounts>();
  const records = output.split("\0");
  for (let i = 0; i < records.length; i++) {
    const match = /^(-|\d+)\t(-|\d+)\t(.*)$/s.exec(records[i]!);
    if (!match) continue;
    const [, added, deleted, inline] = match as unknown as [string, string, string, string];
    let path = inline;
    if (inline === "") {
      // a rename: the old path, then the new one, are the next two records
      path = records[i + 2] ?? "";
      i += 2;
    }
    if (path === "") continue;
    counts.set(
      path,
      added === "-" || deleted === "-" ? { additions: 0, deletions: 0, binary: true } : { additions: Number(added), deletions: Number(deleted) },
    );
  }
  return counts;
}
