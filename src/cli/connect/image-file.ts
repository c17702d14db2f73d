/**
 * `/image PATH`: an image file on this machine as a prompt image, checked here before anything is
 * sent — a PNG, JPEG, GIF or WebP by its bytes (not its name), at most 5 MiB (what the Messages API
 * takes per image), and all of a prompt's images together within the relay's default frame size.
 *
 * @example
 * ```ts
 * const read = await readImageFile("~/shot.png", { home, cwd });
 * if ("problem" in read) console.error(read.problem);
 * else client.prompt("what is wrong here?", undefined, [read.image]);
 * ```
 */
import { readFile, stat } from "node:fs/promises";
import { basename } from "node:path";
import type { PromptImage } from "../../client/client.ts";
import { MAX_PROMPT_IMAGES } from "../../protocol/messages.ts";
import { sniffImageType } from "../../session/prompt-images.ts";
import { expandPath } from "../expand-path.ts";

/** The Messages API's limit for one image. */
export const MAX_IMAGE_BYTES = 5 * 1024 * 1024;

/** Base64 of all a prompt's images together: room for the text in the relay's default 8 MiB frame. */
export const MAX_IMAGES_BASE64 = 7.5 * 1024 * 1024;

export interface ImageFile {
  image: PromptImage;
  /** The file's name, for notes. */
  name: string;
  bytes: number;
}

/**
 * Reads and checks one image file (`~` and relative paths from here).
 *
 * @example
 * await readImageFile("notes.txt", { home, cwd }); // { problem: "notes.txt is not a PNG, JPEG, GIF or WebP image …" }
 */
export async function readImageFile(path: string, where: { home: string; cwd: string }): Promise<ImageFile | { problem: string }> {
  if (path.trim() === "") return { problem: "give the image file, e.g. /image ~/Desktop/screenshot.png" };
  const full = expandPath(path.trim(), where);
  let size: number;
  try {
    const info = await stat(full);
    if (!info.isFile()) return { problem: `${full} is not a file` };
    size = info.size;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    return { problem: code === "ENOENT" ? `no such file: ${full}` : `cannot read ${full}: ${(error as Error).message}` };
  }
  if (size > MAX_IMAGE_BYTES)
    return { problem: `${full} is ${megabytes(size)}; Claude takes images up to ${megabytes(MAX_IMAGE_BYTES)}: make it smaller first` };
  if (size === 0) return { problem: `${full} is empty` };
  const bytes = await readFile(full);
  const mediaType = sniffImageType(bytes);
  if (!mediaType) return { problem: `${full} is not a PNG, JPEG, GIF or WebP image (judged by its bytes, not its name)` };
  return { image: { mediaType, data: bytes.toString("base64") }, name: basename(full), bytes: size };
}

/**
 * Why one more image cannot go with the prompt, if it cannot: too many, or too large together.
 *
 * @example
 * tooManyImages(attached, next); // undefined, or "a prompt takes at most 8 images"
 */
export function tooManyImages(attached: readonly ImageFile[], next: ImageFile): string | undefined {
  if (attached.length >= MAX_PROMPT_IMAGES) return `a prompt takes at most ${MAX_PROMPT_IMAGES} images`;
  const total = [...attached, next].reduce((sum, file) => sum + file.image.data.length, 0);
  if (total > MAX_IMAGES_BASE64)
    return `the images together would be ${megabytes(total)} as base64, more than the ${megabytes(MAX_IMAGES_BASE64)} a prompt can carry to the relay`;
  return undefined;
}

function megabytes(bytes: number): string {
  return `${(bytes / (1024 * 1024)).toFixed(1)} MiB`;
}
