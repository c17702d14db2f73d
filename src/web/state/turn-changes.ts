/**
 * Which turns may have changed files, and which files they changed (pure): the page asks the relay
 * for the session's changes after each turn that used a tool and arrived live (not replayed), and
 * links that turn to the Changes view as "3 files changed". A file counts when the turn's Write,
 * Edit, MultiEdit or NotebookEdit named it, or when it changed since the list the page saw last
 * (so Bash's changes count too once the page has a list to compare with).
 *
 * @example
 * ```ts
 * liveTurns(conversation.items, replayEnd, (key) => handled.has(key));
 * // [{ turnKey: "r-57", usedTools: true, touched: ["/home/me/app/a.ts"] }]
 * changedByTurn(before, after, ["a.ts"]); // ["a.ts", "b.ts"]: a.ts touched, b.ts changed since `before`
 * ```
 */
import type { ChangesMessage } from "../../client/client.ts";
import type { Item } from "./conversation.ts";

/** The tools that write files, and the input field naming the file. */
const EDIT_TOOLS: Record<string, string> = { Write: "file_path", Edit: "file_path", MultiEdit: "file_path", NotebookEdit: "notebook_path" };

export interface LiveTurn {
  /** The key of the turn's end item (where the link goes). */
  turnKey: string;
  /** Whether the turn used a tool (a turn without any changed nothing). */
  usedTools: boolean;
  /** The files the turn's edit tools named, as Claude gave them (absolute, usually). */
  touched: string[];
}

/**
 * The turns that ended live (after `replayEnd`) and are not `handled` yet, oldest first. Scans back
 * from the end only as far as the replay or the last handled turn, so it costs what is new, not
 * the conversation's length.
 *
 * @example
 * liveTurns([tool, turnEnd], 0, () => false); // [{ turnKey: turnEnd.key, usedTools: true, touched: [...] }]
 */
export function liveTurns(items: readonly Item[], replayEnd: number, handled: (turnKey: string) => boolean): LiveTurn[] {
  let start = items.length;
  while (start > 0) {
    const item = items[start - 1]!;
    if (item.seq <= replayEnd || (item.kind === "turn" && handled(item.key))) break;
    start--;
  }
  const turns: LiveTurn[] = [];
  let tools = 0;
  let touched: string[] = [];
  for (const item of items.slice(start)) {
    if (item.kind === "tool") {
      tools++;
      const field = EDIT_TOOLS[item.name];
      const path = field && item.input[field];
      if (typeof path === "string" && path !== "" && !touched.includes(path)) touched.push(path);
    } else if (item.kind === "turn") {
      turns.push({ turnKey: item.key, usedTools: tools > 0, touched });
      tools = 0;
      touched = [];
    }
  }
  return turns;
}

/**
 * `path` relative to the session directory `cwd` as the changes list names files: an absolute
 * path inside it loses the prefix, one outside it is undefined, a relative one stays.
 *
 * @example
 * relativeToSession("/w/app", "/w/app/src/a.ts"); // "src/a.ts"
 */
export function relativeToSession(cwd: string, path: string): string | undefined {
  if (!path.startsWith("/")) return path.replace(/^\.\//, "");
  const base = cwd.endsWith("/") ? cwd : `${cwd}/`;
  return path.startsWith(base) ? path.slice(base.length) : undefined;
}

const signature = (file: ChangesMessage["files"][number]) => `${file.status}\u0000${file.from ?? ""}\u0000${file.additions}\u0000${file.deletions}`;

/**
 * The paths of `after` that the turn changed: those it `touched` (relative to the session), and
 * with a list from `before` the turn, those new or different since.
 *
 * @example
 * changedByTurn(undefined, { files: [{ path: "a.ts", … }, { path: "b.ts", … }] }, ["a.ts"]); // ["a.ts"]
 */
export function changedByTurn(before: Pick<ChangesMessage, "files"> | undefined, after: Pick<ChangesMessage, "files">, touched: readonly string[]): string[] {
  const earlier = new Map(before?.files.map((file) => [file.path, signature(file)]));
  return after.files
    .filter((file) => touched.includes(file.path) || (before !== undefined && earlier.get(file.path) !== signature(file)))
    .map((file) => file.path);
}
