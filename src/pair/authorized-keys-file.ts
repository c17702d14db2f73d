/**
 * Adds one key line to authorized_keys the way a careful person would: the existing bytes kept
 * exactly (a newline added first only when the file does not end in one), the file replaced
 * atomically (temp file + rename, so sshd and the relay never read half a file) with its mode
 * kept, a symlinked file written at its target, and a missing file created 0600 in a 0700
 * `.ssh`. The read and the write are synchronous, so two pairings at once cannot interleave them
 * and lose one another's line.
 *
 * @example
 * ```ts
 * const file = new AuthorizedKeysFile("/home/me/.ssh/authorized_keys");
 * file.add(key.blob, "ssh-ed25519 AAAA… claude-relay:phone 2026-11-28"); // { added: true, path }
 * ```
 */
import { readFileSync, realpathSync, statSync } from "node:fs";
import { parseAuthorizedKeys } from "../auth/authorized-keys.ts";
import { writeFileAtomically } from "../shared/atomic-write.ts";
import { bytesEqual } from "../ssh/wire.ts";

/** See the module comment. */
export class AuthorizedKeysFile {
  constructor(readonly path: string) {}

  /**
   * Appends `line` unless `blob` is already there as a plain line (no options that restrict it).
   *
   * @example
   * file.add(key.blob, line)
   */
  add(blob: Uint8Array, line: string): { added: boolean; path: string } {
    const target = existingTarget(this.path);
    if (!target) {
      writeFileAtomically(this.path, `${line}\n`, 0o600); // creates a missing .ssh 0700
      return { added: true, path: this.path };
    }
    const old = readFileSync(target);
    const plain = parseAuthorizedKeys(old.toString("utf8")).entries.some(
      (entry) => bytesEqual(entry.blob, blob) && !entry.refused && entry.from === undefined && entry.expiresAt === undefined,
    );
    if (plain) return { added: false, path: target };
    const separator = old.length > 0 && old[old.length - 1] !== 0x0a ? "\n" : "";
    writeFileAtomically(target, Buffer.concat([old, Buffer.from(`${separator}${line}\n`)]), statSync(target).mode & 0o7777);
    return { added: true, path: target };
  }
}

/** The real file behind `path` (following symlinks), or undefined when there is none yet. */
function existingTarget(path: string): string | undefined {
  try {
    return realpathSync(path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw error;
  }
}
