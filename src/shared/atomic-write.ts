/**
 * Writes a small state file so that a crash leaves either the old file or the new one, never
 * half of either: the text goes to a temporary file beside it, which is then renamed over it.
 *
 * @example
 * ```ts
 * writeFileAtomic(join(stateDir, "sessions.json"), JSON.stringify(state, null, 2) + "\n");
 * ```
 */
import { mkdirSync, renameSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";

/** Creates the directory (0700) if needed and replaces `file` (0600) with `text` in one rename. */
export function writeFileAtomic(file: string, text: string): void {
  mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
  const temp = `${file}.${process.pid}.tmp`;
  writeFileSync(temp, text, { mode: 0o600 });
  renameSync(temp, file);
}
