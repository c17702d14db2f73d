/**
 * `changes.diff`: the unified diff of one path against HEAD, at most `maxBytes` of it (512 KiB; past that it
 * is cut at a line end and marked truncated, so a 1 MB file is never sent whole).
 *
 * The path passes the path rules first: lexically, and, when something exists there, by opening
 * it as file.read would (a symlink or hard link out, a FIFO, a device is refused). A tracked path
 * is then diffed by `git diff <HEAD> -- <path>` (git reads the work tree without following
 * symlinks; a literal pathspec); an untracked one is diffed against /dev/null from the descriptor
 * that was checked, so git never reads it. A path that is neither in the work tree nor in git is
 * refused ("no such file").
 *
 * @example
 * ```ts
 * await diffPath("/home/me/app", "src/a.ts"); // { ok: true, patch: "diff --git a/src/a.ts b/src/a.ts\n…", truncated: false }
 * await diffPath("/home/me/app", "../x");     // { ok: false, reason: "`..` leads out of the session directory" }
 * ```
 */
import { baseTree, repositoryPlace } from "./changes-list.ts";
import { runGit } from "./git-runner.ts";
import { checkRelativePath } from "./relative-path.ts";
import { openInside } from "./safe-open.ts";
import { newFilePatch, readHead } from "./untracked-file.ts";

/** Bytes of one diff at most (512 KiB: a diff past that is more than a phone shows usefully). */
export const MAX_DIFF_BYTES = 512 * 1024;

export type PathDiff = { ok: true; path: string; patch: string; truncated: boolean } | { ok: false; reason: string };

export async function diffPath(cwd: string, path: string, options: { maxBytes?: number } = {}): Promise<PathDiff> {
  const maxBytes = options.maxBytes ?? MAX_DIFF_BYTES;
  const lexical = checkRelativePath(path);
  if (!lexical.ok) return lexical;
  const opened = await openInside(cwd, lexical.path);
  if (!opened.ok && !opened.missing) return opened;
  try {
    const place = await repositoryPlace(cwd);
    if (!place.git) return { ok: false, reason: "the session directory is not in a git repository" };
    const base = await baseTree(cwd, place.unborn);
    const [diff, tracked] = await Promise.all([
      runGit(["diff", "--no-ext-diff", "--no-textconv", "--no-color", "-M", base, "--", lexical.path], { cwd, maxBytes }),
      runGit(["ls-files", "-z", "--", lexical.path], { cwd, maxBytes: 4096 }),
    ]);
    if (diff.code !== 0 && !diff.truncated) throw new Error(`git diff failed: ${diff.timedOut ? "timed out" : diff.stderr || "no reason given"}`);
    if (diff.stdout.length > 0 || tracked.stdout.length > 0) return { ok: true, path: lexical.path, ...cutPatch(diff.stdout, diff.truncated) };
    if (!opened.ok) return { ok: false, reason: "no such file, neither in the working tree nor in HEAD" };
    const bytes = await readHead(opened.handle, opened.size, maxBytes);
    const complete = bytes.length === opened.size;
    const executable = ((await opened.handle.stat()).mode & 0o111) !== 0;
    const patch = new TextEncoder().encode(newFilePatch(place.prefix + lexical.path, bytes, { executable, complete }));
    return { ok: true, path: lexical.path, ...cutPatch(patch.subarray(0, maxBytes), !complete || patch.length > maxBytes) };
  } finally {
    if (opened.ok) await opened.handle.close();
  }
}

/** The patch as text; when truncated, only up to its last complete line. */
function cutPatch(bytes: Uint8Array, truncated: boolean): { patch: string; truncated: boolean } {
  if (!truncated) return { patch: new TextDecoder().decode(bytes), truncated: false };
  const end = bytes.lastIndexOf(0x0a);
  return { patch: new TextDecoder().decode(bytes.subarray(0, end + 1)), truncated: true };
}
