/**
 * `file.read`: a slice of one file of a session's directory, opened under the path rules
 * (safe-open.ts), at most {@link MAX_FILE_READ_BYTES} a reply. Text that is valid UTF-8 (and has
 * no NUL byte) comes as `utf8`; anything else as `base64`. A slice that ends inside a UTF-8
 * character is shortened to the character before, so text stays text; `length` says how many
 * bytes `data` holds, and the next slice starts at `offset + length`.
 *
 * @example
 * ```ts
 * await readFileSlice("/home/me/app", "README.md", { offset: 0 });
 * // { ok: true, path: "README.md", size: 1234, offset: 0, length: 1234, encoding: "utf8", data: "# App…", truncated: false }
 * ```
 */
import { openInside } from "./safe-open.ts";

/** Bytes one `file` reply carries at most (1 MiB). */
export const MAX_FILE_READ_BYTES = 1024 * 1024;

export type FileSlice =
  | { ok: true; path: string; size: number; offset: number; length: number; encoding: "utf8" | "base64"; data: string; truncated: boolean }
  | { ok: false; reason: string };

export async function readFileSlice(cwd: string, path: string, request: { offset?: number; length?: number } = {}): Promise<FileSlice> {
  const opened = await openInside(cwd, path);
  if (!opened.ok) return opened;
  try {
    const offset = Math.min(request.offset ?? 0, opened.size);
    const wanted = Math.min(request.length ?? MAX_FILE_READ_BYTES, MAX_FILE_READ_BYTES, opened.size - offset);
    const buffer = new Uint8Array(wanted);
    let filled = 0;
    while (filled < wanted) {
      const { bytesRead } = await opened.handle.read(buffer, filled, wanted - filled, offset + filled);
      if (bytesRead === 0) break;
      filled += bytesRead;
    }
    const bytes = buffer.subarray(0, filled);
    const atEnd = offset + filled >= opened.size;
    const text = utf8Text(bytes, atEnd);
    const length = text ? text.bytes : filled;
    return {
      ok: true,
      path,
      size: opened.size,
      offset,
      length,
      encoding: text ? "utf8" : "base64",
      data: text ? text.text : Buffer.from(bytes).toString("base64"),
      truncated: offset + length < opened.size,
    };
  } finally {
    await opened.handle.close();
  }
}

/**
 * `bytes` as text when it is valid UTF-8 without NUL; when more of the file follows, up to 3
 * bytes of a character cut at the end are left for the next slice.
 */
export function utf8Text(bytes: Uint8Array, atEnd: boolean): { text: string; bytes: number } | undefined {
  if (bytes.includes(0)) return undefined;
  const decoder = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });
  for (let cut = 0; cut <= (atEnd ? 0 : Math.max(0, Math.min(3, bytes.length - 1))); cut++) {
    try {
      const end = bytes.length - cut;
      return { text: decoder.decode(bytes.subarray(0, end)), bytes: end };
    } catch {
      // invalid: maybe only a character cut at the end
    }
  }
  return undefined;
}
