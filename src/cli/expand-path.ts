/**
 * A path from the command line made absolute, as a shell would have meant it: a leading `~` is
 * the home directory (the shell leaves it alone in `--state-dir=~/relay`), anything relative is
 * taken from `cwd`. Pure: home and cwd are passed in.
 *
 * @example
 * ```ts
 * expandPath("~/keys", { home: "/home/me", cwd: "/src" });   // "/home/me/keys"
 * expandPath("state", { home: "/home/me", cwd: "/src" });    // "/src/state"
 * expandPath("~other/x", { home: "/home/me", cwd: "/src" }); // "/src/~other/x" (only the user's own ~)
 * ```
 */
import { resolve } from "node:path";

export function expandPath(path: string, where: { home: string; cwd: string }): string {
  return resolve(where.cwd, path.replace(/^~(?=$|\/)/, where.home));
}
