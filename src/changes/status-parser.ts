/**
 * Parses `git status --porcelain=v2 -z --branch` (pure). With `-z` every record ends in a NUL and
 * paths come verbatim (spaces, quotes, newlines, any UTF-8), so the fixed fields are split off by
 * count and the rest of the record is the path; a rename's original path is the next record.
 *
 * Each entry is mapped to what the working tree shows against HEAD, as the contract's `changes`
 * lists it: added, modified, deleted, renamed or untracked. Ignored files (`!`) are skipped.
 *
 * @example
 * ```ts
 * parseStatus("# branch.head main\0001 .M N... 100644 100644 100644 ab ab a b.txt\0? new file\0");
 * // { branch: "main", unborn: false, entries: [{ path: "a b.txt", status: "modified" }, { path: "new file", status: "untracked" }] }
 * ```
 */

export type ChangeStatus = "added" | "modified" | "deleted" | "renamed" | "untracked";

export interface StatusEntry {
  path: string;
  status: ChangeStatus;
  /** A rename's (or copy's) path in HEAD. */
  from?: string;
}

export interface ParsedStatus {
  /** The checked-out branch; absent when HEAD is detached. */
  branch?: string;
  /** The repository has no commit yet (`branch.oid (initial)`). */
  unborn: boolean;
  entries: StatusEntry[];
}

/** Fields before the path in an ordinary (`1`), rename (`2`) and unmerged (`u`) record. */
const FIELDS_BEFORE_PATH = { "1": 8, "2": 9, u: 10 } as const;

export function parseStatus(output: string): ParsedStatus {
  const records = output.split("\0");
  const parsed: ParsedStatus = { unborn: false, entries: [] };
  for (let i = 0; i < records.length; i++) {
    const record = records[i]!;
    const kind = record[0];
    if (kind === "#") {
      header(record, parsed);
    } else if (kind === "?") {
      parsed.entries.push({ path: record.slice(2), status: "untracked" });
    } else if (kind === "1" || kind === "2" || kind === "u") {
      const path = afterFields(record, FIELDS_BEFORE_PATH[kind]);
      if (path === undefined) continue;
      const xy = record.slice(2, 4);
      if (kind === "2") {
        const from = records[++i] ?? "";
        // the 9th field is `R<score>` or `C<score>`: a copy is a new file as far as HEAD is concerned
        const copied = record.split(" ", 9)[8]?.startsWith("C");
        parsed.entries.push(copied ? { path, status: "added" } : { path, status: "renamed", from });
        continue;
      }
      const status = kind === "u" ? "modified" : ordinaryStatus(xy);
      if (status) parsed.entries.push({ path, status });
    }
  }
  return parsed;
}

function header(record: string, parsed: ParsedStatus): void {
  if (record === "# branch.oid (initial)") parsed.unborn = true;
  const head = /^# branch\.head (.+)$/s.exec(record)?.[1];
  if (head !== undefined && head !== "(detached)") parsed.branch = head;
}

/** What `XY` (index vs HEAD, worktree vs index) amounts to against HEAD; undefined when nothing changed overall. */
function ordinaryStatus(xy: string): ChangeStatus | undefined {
  const [index, worktree] = [xy[0], xy[1]];
  if (index === "A") return worktree === "D" ? undefined : "added";
  if (index === "D" || worktree === "D") return "deleted";
  if (worktree === "A") return "added"; // intent to add (`git add -N`)
  return "modified";
}

/** The rest of `record` after `count` space-separated fields, or undefined when it has fewer. */
function afterFields(record: string, count: number): string | undefined {
  let at = 0;
  for (let field = 0; field < count; field++) {
    at = record.indexOf(" ", at);
    if (at < 0) return undefined;
    at++;
  }
  return record.slice(at);
}
