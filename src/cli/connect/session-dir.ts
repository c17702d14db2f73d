/**
 * The directory `--new DIR` and `/new DIR` ask the relay to start a session in (pure). It is a
 * directory on the relay's machine, so only a relay on this machine (a loopback URL) can make sense
 * of `~` and of a path relative to where the command runs; for another machine DIR must be absolute.
 *
 * @example
 * ```ts
 * sessionDir("api", { url: "ws://127.0.0.1:7717/ws", home: "/home/me", cwd: "/home/me/code" });
 * // { dir: "/home/me/code/api" }
 * sessionDir("api", { url: "ws://laptop.local:7717/ws", home: "/home/me", cwd: "/home/me/code" });
 * // { problem: "…give an absolute path…" }
 * ```
 */
import { isAbsolute } from "node:path";
import { isLoopback } from "../../server/loopback.ts";
import { expandPath } from "../expand-path.ts";

/**
 * DIR as the relay must get it (absolute), or why it cannot be sent.
 *
 * @example
 * sessionDir("~/x", { url: "ws://localhost:7717/ws", home: "/home/me", cwd: "/" }); // { dir: "/home/me/x" }
 */
export function sessionDir(dir: string, where: { url: string; home: string; cwd: string }): { dir: string } | { problem: string } {
  const trimmed = dir.trim();
  if (trimmed === "") return { problem: "give the directory to start Claude in, e.g. /home/me/code/api" };
  if (isAbsolute(trimmed)) return { dir: expandPath(trimmed, where) };
  if (isLoopback(new URL(where.url).hostname)) return { dir: expandPath(trimmed, where) };
  return {
    problem: `"${trimmed}" is relative, but the directory is on the relay's machine (${new URL(where.url).host}), where this one's home and working directory mean nothing: give an absolute path`,
  };
}
