/**
 * Opens a file a client named, inside a session directory, checking what was really opened: the
 * path rules are enforced on the open file descriptor, so swapping a symlink in between a check
 * and the open gains nothing.
 *
 * 1. The path passes the lexical rules (relative-path.ts).
 * 2. Its real path (symlinks resolved) must lie inside the session directory and outside `.git`:
 *    a symlink whose target lies inside is followed, one leading out is refused.
 * 3. The real path is opened with `O_NOFOLLOW` (a symlink swapped in since step 2 fails the open)
 *    and `O_NONBLOCK` (a FIFO cannot hold the open, and is refused next).
 * 4. `fstat` of the descriptor: only a regular file is served (not a directory, device, FIFO or
 *    socket), and only with a single link: a hard link's other names cannot be found, so a file
 *    with `nlink > 1` is refused as possibly leading out.
 * 5. Where the descriptor really points is read back (Linux: `/proc/self/fd/N`; elsewhere the
 *    real path is resolved again and must be the same inode) and must be the path of step 2: a
 *    directory on the way swapped for a symlink since step 2 is caught here.
 *
 * @example
 * ```ts
 * const opened = await openInside("/home/me/app", "src/main.ts");
 * if (opened.ok) { await opened.handle.read(buffer, 0, 4096, 0); await opened.handle.close(); }
 * else console.log(opened.reason); // e.g. "a symlink whose target lies outside the session directory"
 * ```
 */
import { constants, existsSync } from "node:fs";
import { type FileHandle, open, readlink, realpath, stat } from "node:fs/promises";
import { isAbsolute, join, relative, sep } from "node:path";
import { checkRelativePath, isGitComponent } from "./relative-path.ts";

export type OpenedFile = { ok: true; handle: FileHandle; size: number } | { ok: false; reason: string; missing?: true };

export interface OpenInsideOptions {
  /** Tests only: runs between the checks on the path and the open, to swap things in deterministically. */
  beforeOpen?: () => Promise<void> | void;
}

const OPEN_FLAGS = constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK | (constants.O_NOCTTY ?? 0);
const PROC_FD = existsSync("/proc/self/fd");

/** Opens `path` (relative to `root`) under the rules above; the caller closes `handle`. */
export async function openInside(root: string, path: string, options: OpenInsideOptions = {}): Promise<OpenedFile> {
  const lexical = checkRelativePath(path);
  if (!lexical.ok) return lexical;
  const realRoot = await realpath(root);
  let real: string;
  try {
    real = await realpath(join(realRoot, lexical.path));
  } catch (error) {
    return refusedBy(error);
  }
  const inside = insideCheck(realRoot, real);
  if (inside) return { ok: false, reason: inside };
  await options.beforeOpen?.();
  let handle: FileHandle;
  try {
    handle = await open(real, OPEN_FLAGS);
  } catch (error) {
    return refusedBy(error);
  }
  const verdict = await checkOpened(handle, realRoot, real).catch((error: unknown) => `cannot check the file: ${(error as Error).message}`);
  if (typeof verdict === "string") {
    await handle.close();
    return { ok: false, reason: verdict };
  }
  return { ok: true, handle, size: verdict.size };
}

/** Why `real` may not be served from `realRoot`, or undefined when it may. */
function insideCheck(realRoot: string, real: string): string | undefined {
  const rel = relative(realRoot, real);
  if (rel === "") return "path names the session directory itself, not a file";
  if (rel === ".." || rel.startsWith(`..${sep}`) || isAbsolute(rel)) return "a symlink whose target lies outside the session directory";
  if (rel.split(sep).some(isGitComponent)) return "a symlink into .git; paths under .git are not served";
  return undefined;
}

async function checkOpened(handle: FileHandle, realRoot: string, real: string): Promise<{ size: number } | string> {
  const info = await handle.stat();
  if (info.isDirectory()) return "a directory, not a file";
  if (info.isFIFO()) return "a FIFO (named pipe), not a regular file";
  if (info.isSocket()) return "a socket, not a regular file";
  if (info.isCharacterDevice() || info.isBlockDevice()) return "a device, not a regular file";
  if (!info.isFile()) return "not a regular file";
  if (info.nlink > 1) return "a file with several hard links, whose other names may lie outside the session directory";
  const opened = PROC_FD ? await readlink(`/proc/self/fd/${handle.fd}`) : await sameInode(real, info);
  if (opened !== real) return "the file changed while it was opened (a symlink or directory swapped in)";
  return insideCheck(realRoot, opened) ?? { size: info.size };
}

/** Without /proc: `real` if it still resolves to itself and names the inode that was opened. */
async function sameInode(real: string, opened: { dev: number; ino: number }): Promise<string | undefined> {
  if ((await realpath(real)) !== real) return undefined;
  const now = await stat(real);
  return now.dev === opened.dev && now.ino === opened.ino ? real : undefined;
}

function refusedBy(error: unknown): OpenedFile {
  const code = (error as NodeJS.ErrnoException).code;
  switch (code) {
    case "ENOENT":
      return { ok: false, reason: "no such file", missing: true };
    case "ENOTDIR":
      return { ok: false, reason: "a part of the path is a file, not a directory", missing: true };
    case "ELOOP":
      return { ok: false, reason: "a symlink (swapped in, or a loop)" };
    case "ENXIO":
      return { ok: false, reason: "a socket or device without a reader, not a regular file" };
    case "EACCES":
      return { ok: false, reason: "permission denied" };
    default:
      return { ok: false, reason: `cannot open: ${(error as Error).message}` };
  }
}
