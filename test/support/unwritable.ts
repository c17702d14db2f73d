/**
 * A directory this process cannot write in, for tests of "not writable" errors. As a normal user:
 * a fresh directory with mode 0555 under `base`. As root, which permission bits do not stop:
 * /proc/sys, where even root may not create entries (Linux).
 *
 * @example
 * ```ts
 * const locked = unwritableDir(tempDir);
 * expect(() => mkdirSync(join(locked, "x"))).toThrow();
 * ```
 */
import { accessSync, constants, existsSync, mkdirSync } from "node:fs";
import { join } from "node:path";

export function unwritableDir(base: string): string {
  if (process.getuid?.() !== 0) {
    const locked = join(base, "locked");
    if (!existsSync(locked)) mkdirSync(locked, { mode: 0o555 });
    return locked;
  }
  try {
    accessSync("/proc/sys", constants.W_OK);
  } catch {
    return "/proc/sys";
  }
  throw new Error("running as root without /proc/sys: no directory here is unwritable for this test");
}
