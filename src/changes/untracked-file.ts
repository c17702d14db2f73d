/**
 * An untracked file as a change: its lines counted (what `git diff --numstat` would say for a new
 * file) and its patch against /dev/null, built from the descriptor safe-open.ts checked, so git
 * never reads a file the path rules did not pass. Binary files are told as git tells them (NUL
 * in the first 8000 bytes; files over {@link MAX_COUNTED_BYTES} are treated as binary, as git
 * does past `core.bigFileThreshold`).
 *
 * @example
 * ```ts
 * countLines(await readHead(handle, size, MAX_COUNTED_BYTES)); // { additions: 12, deletions: 0 }
 * newFilePatch("notes/todo.md", bytes, { mode: 0o100644, complete: true }); // "diff --git a/notes/todo.md b/notes/todo.md\nnew file mode 100644\n…"
 * ```
 */
import type { FileHandle } from "node:fs/promises";
import type { LineCounts } from "./numstat-parser.ts";

/** Untracked files larger than this are counted as binary (no line counts). */
export const MAX_COUNTED_BYTES = 8 * 1024 * 1024;
/** Bytes git looks at to decide that a file is binary. */
const BINARY_SNIFF_BYTES = 8000;

/** Reads up to `limit` bytes from the start of an open file (fewer when it is shorter). */
export async function readHead(handle: FileHandle, size: number, limit: number): Promise<Uint8Array> {
  const buffer = new Uint8Array(Math.min(size, limit));
  let filled = 0;
  while (filled < buffer.length) {
    const { bytesRead } = await handle.read(buffer, filled, buffer.length - filled, filled);
    if (bytesRead === 0) break;
    filled += bytesRead;
  }
  return buffer.subarray(0, filled);
}

/** Whether `bytes` look binary to git (a NUL among the first 8000 bytes). */
export function isBinary(bytes: Uint8Array): boolean {
  return bytes.subarray(0, BINARY_SNIFF_BYTES).includes(0);
}

/** Lines a new file with these contents adds (a last line without a newline counts). */
export function countLines(bytes: Uint8Array): LineCounts {
  if (isBinary(bytes)) return { additions: 0, deletions: 0, binary: true };
  let lines = 0;
  for (const byte of bytes) if (byte === 0x0a) lines++;
  if (bytes.length > 0 && bytes[bytes.length - 1] !== 0x0a) lines++;
  return { additions: lines, deletions: 0 };
}

/**
 * A unified diff creating `path` with `bytes` (as `git diff --no-index /dev/null path` prints it).
 * `complete: false`: `bytes` is only the file's start; the caller marks the patch truncated.
 */
export function newFilePatch(path: string, bytes: Uint8Array, options: { executable: boolean; complete: boolean }): string {
  const header = `diff --git ${quotePath(`a/${path}`)} ${quotePath(`b/${path}`)}\nnew file mode ${options.executable ? "100755" : "100644"}\n`;
  if (bytes.length === 0) return header;
  if (isBinary(bytes)) return `${header}Binary files /dev/null and ${quotePath(`b/${path}`)} differ\n`;
  const text = new TextDecoder().decode(bytes);
  const lines = text.split("\n");
  const endsWithNewline = text.endsWith("\n");
  if (endsWithNewline) lines.pop();
  const body = lines.map((line) => `+${line}\n`).join("");
  const noNewline = !endsWithNewline && options.complete ? "\\ No newline at end of file\n" : "";
  // as git does, a name with a space ends its +++ line with a tab (for patch(1))
  return `${header}--- /dev/null\n+++ ${quotePath(`b/${path}`)}${path.includes(" ") ? "\t" : ""}\n@@ -0,0 +1${lines.length === 1 ? "" : `,${lines.length}`} @@\n${body}${noNewline}`;
}

const C_ESCAPES: Record<string, string> = {
  '"': '\\"',
  "\\": "\\\\",
  "\n": "\\n",
  "\t": "\\t",
  "\r": "\\r",
  "\x07": "\\a",
  "\b": "\\b",
  "\f": "\\f",
  "\v": "\\v",
};

/** A path as git writes it in a diff header: C-quoted when it holds a quote, backslash or control character. */
export function quotePath(path: string): string {
  if (!/["\\\x00-\x1f\x7f]/.test(path)) return path;
  const quoted = path.replace(/["\\\x00-\x1f\x7f]/g, (char) => C_ESCAPES[char] ?? `\\${char.charCodeAt(0).toString(8).padStart(3, "0")}`);
  return `"${quoted}"`;
}
