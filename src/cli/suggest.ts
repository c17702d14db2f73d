/**
 * "Did you mean …?" for a mistyped flag or command: the closest candidate within a small edit
 * distance, comparing case-insensitively and ignoring dashes (so `--maxClients` finds
 * `--max-clients`). Pure.
 *
 * @example
 * ```ts
 * closest("--prot", ["--host", "--port"]); // "--port"
 * closest("--bogus", ["--host", "--port"]); // undefined
 * ```
 */
export function closest(input: string, candidates: readonly string[]): string | undefined {
  const wanted = normalize(input);
  let best: { candidate: string; distance: number } | undefined;
  for (const candidate of candidates) {
    const distance = editDistance(wanted, normalize(candidate));
    if (!best || distance < best.distance) best = { candidate, distance };
  }
  // One edit in four characters, at least one: close enough to be a typo, not a different word.
  return best && best.distance <= Math.max(1, Math.floor(wanted.length / 4)) ? best.candidate : undefined;
}

function normalize(text: string): string {
  return text.toLowerCase().replace(/[^a-z0-9]/g, "");
}

/** Levenshtein distance (insertions, deletions, substitutions; a swap of neighbours counts as one). */
function editDistance(a: string, b: string): number {
  const rows = Array.from({ length: a.length + 1 }, (_, i) => [i, ...Array<number>(b.length).fill(0)]);
  for (let j = 1; j <= b.length; j++) rows[0]![j] = j;
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let d = Math.min(rows[i - 1]![j]! + 1, rows[i]![j - 1]! + 1, rows[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d = Math.min(d, rows[i - 2]![j - 2]! + 1);
      rows[i]![j] = d;
    }
  }
  return rows[a.length]![b.length]!;
}
