/**
 * Whether a path is a regular file with something in it now: what Claude leaves behind that is
 * worth reading (a stored login, a transcript) — an empty file is as good as none.
 *
 * @example
 * ```ts
 * isNonEmptyFile("/home/me/.claude/.credentials.json"); // true once Claude has logged in
 * ```
 */
import { statSync } from "node:fs";

export function isNonEmptyFile(path: string): boolean {
  try {
    const stat = statSync(path);
    return stat.isFile() && stat.size > 0;
  } catch {
    return false;
  }
}
