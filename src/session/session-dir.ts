/**
 * Whether a client may start a session in a directory (`session.create`, `history.list`): the path
 * must be absolute and name an existing directory whose real path (symlinks and `..` resolved) lies
 * inside one of the allowed directories (`--allow-dir`, and the relay's own `--cwd`, themselves
 * resolved the same way). A refusal says which rule the path broke.
 *
 * @example
 * ```ts
 * checkSessionDir("/home/me/code/app", ["/home/me"]); // { ok: true, path: "/home/me/code/app" }
 * checkSessionDir("code/app", ["/home/me"]);           // { ok: false, message: "cwd must be an absolute path …" }
 * checkSessionDir("/srv/app", ["/home/me"], "/srv/app"); // { ok: true, path: "/srv/app" }: the relay's own directory
 * ```
 */
import { realpathSync, statSync } from "node:fs";
import { isAbsolute, sep } from "node:path";

export type SessionDirCheck = { ok: true; path: string } | { ok: false; message: string };

/**
 * Checks `cwd` against `allowDirs` and `relayDir` (the relay's own `--cwd`, allowed as well: the
 * phone must be able to list and continue the conversations of the directory the relay serves);
 * on success `path` is its real path (what Claude runs in).
 */
export function checkSessionDir(cwd: string, allowDirs: readonly string[], relayDir?: string): SessionDirCheck {
  const shown = JSON.stringify(cwd);
  if (!isAbsolute(cwd)) return { ok: false, message: `cwd must be an absolute path, got ${shown}` };
  let path: string;
  try {
    path = realpathSync(cwd);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === "ENOENT") return { ok: false, message: `no such directory: ${shown}` };
    if (code === "ENOTDIR") return { ok: false, message: `not a directory: ${shown} (a part of the path is a file)` };
    return { ok: false, message: `cannot resolve ${shown}: ${(error as Error).message}` };
  }
  if (!isDirectory(path)) return { ok: false, message: `not a directory: ${shown} is a file` };
  const allowed = allowDirs.flatMap((dir) => realDir(dir) ?? []);
  const own = relayDir === undefined ? undefined : realDir(relayDir);
  // Named in a refusal only when the --allow-dir list does not cover it already.
  const ownExtra = own !== undefined && !allowed.some((dir) => isInside(own, dir)) ? own : undefined;
  if (!allowed.some((dir) => isInside(path, dir)) && !(ownExtra !== undefined && isInside(path, ownExtra))) {
    const real = path === cwd ? "" : ` (real path ${JSON.stringify(path)})`;
    const list = allowed.length > 0 ? allowed.join(", ") : "none exists";
    return { ok: false, message: `${shown}${real} is outside every allowed directory (--allow-dir: ${list}${ownExtra ? `; --cwd: ${ownExtra}` : ""})` };
  }
  return { ok: true, path };
}

/** Whether `path` is `dir` or lies below it (both absolute and normalized). */
export function isInside(path: string, dir: string): boolean {
  if (path === dir) return true;
  return path.startsWith(dir.endsWith(sep) ? dir : dir + sep);
}

/** Whether `path` is a directory now (false also when it vanished since it was resolved). */
function isDirectory(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}

/** The real path of an allowed directory, or undefined when it does not exist (now). */
function realDir(dir: string): string | undefined {
  try {
    return realpathSync(dir);
  } catch {
    return undefined;
  }
}
