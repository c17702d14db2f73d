/**
 * Replaces a file's content atomically: the new bytes go to a temp file beside it (flushed to
 * disk), which is then renamed over the old one. A crash leaves the old file or the new one,
 * never half of either; readers never see a partial write. The one way the relay writes a whole
 * file: state files (session ids, the open sessions, compacted event logs), TLS files,
 * authorized_keys when pairing adds a key, and the service files install writes.
 *
 * @example
 * ```ts
 * writeFileAtomically(join(stateDir, "open-sessions.json"), JSON.stringify(state) + "\n", 0o600);
 * ```
 */
import { closeSync, fchmodSync, fsyncSync, mkdirSync, openSync, renameSync, rmSync, writeSync } from "node:fs";
import { dirname } from "node:path";

/**
 * Writes `data` to `path` through a temp file with exactly `mode` (whatever the umask); the final
 * file keeps it. A missing parent directory is created, only the user may enter it (0700): every
 * caller's directory holds something private (state, keys, credentials).
 *
 * @example
 * writeFileAtomically("/home/me/.ssh/authorized_keys", Buffer.concat([old, line]), 0o600)
 */
export function writeFileAtomically(path: string, data: string | Uint8Array, mode: number): void {
  mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
  const temp = `${path}.${process.pid}.${Date.now().toString(36)}.tmp`;
  const fd = openSync(temp, "wx", mode);
  try {
    fchmodSync(fd, mode);
    const bytes = typeof data === "string" ? Buffer.from(data) : data;
    for (let written = 0; written < bytes.length; ) written += writeSync(fd, bytes, written);
    fsyncSync(fd);
  } catch (error) {
    closeSync(fd);
    rmSync(temp, { force: true });
    throw error;
  }
  closeSync(fd);
  try {
    renameSync(temp, path);
  } catch (error) {
    rmSync(temp, { force: true });
    throw error;
  }
}
