/**
 * The lexical half of the path rules for `changes.diff` and `file.read` (pure): a client's `path`
 * must be relative to the session directory and stay inside it, with no NUL byte and nothing
 * under `.git` (a directory, or the file a linked worktree has instead; any case, since some file
 * systems fold case, and with NTFS's ignored trailing dots and spaces). The other half, what the
 * path really is on disk (symlinks, hard links, devices), is checked when it is opened
 * (safe-open.ts).
 *
 * @example
 * ```ts
 * checkRelativePath("src/../README.md"); // { ok: true, path: "README.md" }
 * checkRelativePath("../secret");        // { ok: false, reason: "`..` leads out of the session directory" }
 * checkRelativePath(".GIT/config");      // { ok: false, reason: "paths under .git are not served" }
 * ```
 */

export type PathCheck = { ok: true; path: string } | { ok: false; reason: string };

/** Whether a path component names git's own data (`.git`, `.GIT`, `.git.` …). */
export function isGitComponent(component: string): boolean {
  return component.replace(/[. ]+$/, "").toLowerCase() === ".git";
}

/** Normalizes `path` (`.`, `..`, repeated slashes) or says which rule it breaks. */
export function checkRelativePath(path: string): PathCheck {
  if (path.length === 0) return { ok: false, reason: "path is empty" };
  if (path.includes("\0")) return { ok: false, reason: "path contains a NUL byte" };
  if (path.startsWith("/") || path.startsWith("\\")) return { ok: false, reason: "path must be relative to the session directory, not absolute" };
  const parts: string[] = [];
  for (const component of path.split("/")) {
    if (component === "" || component === ".") continue;
    if (component === "..") {
      if (parts.length === 0) return { ok: false, reason: "`..` leads out of the session directory" };
      parts.pop();
      continue;
    }
    if (isGitComponent(component)) return { ok: false, reason: "paths under .git are not served" };
    parts.push(component);
  }
  if (parts.length === 0) return { ok: false, reason: "path names the session directory itself, not a file" };
  return { ok: true, path: parts.join("/") };
}
