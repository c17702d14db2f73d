/**
 * Replaces a file's content atomically: the new bytes go to a temp file beside it (flushed to
 * disk), which is then renamed over the old one. A crash leaves the old file or the new one,
 * never half of either; readers never see a partial write.
 *
 * @example
 * ```ts
 * writeFileAtomically(join(dir, "key.pem"), pem, 0o600);
 * ```
 */
import { closeSync, fchmodSync, fsyncSync, openSync, renameSync, rmSync, writeSync } from "node:fs";

/**
 * Writes `data` to `path` through a temp file with exactly `mode` (whatever the umask); the final
 * file keeps it.
 *
 * @example
 * writeFileAtomically("/home/me/.ssh/authorized_keys", Buffer.concat([old, line]), 0o600)
 */
export function writeFileAtomically(path: string, data: string | Uint8Array, mode: number): void {
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
