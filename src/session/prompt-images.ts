/**
 * Checks the images of a prompt before anything reaches Claude, pure: each must be strict,
 * canonical base64 (standard alphabet, padded, no line breaks) whose bytes begin as its declared
 * type's do (PNG, JPEG, GIF, WebP magic numbers). The count is bounded by the schema
 * (MAX_PROMPT_IMAGES) and the total by `--max-message-bytes`.
 *
 * @example
 * ```ts
 * checkPromptImages([{ mediaType: "image/png", data: "iVBORw0KGgo…" }]); // { ok: true, images: [{ mediaType: "image/png", bytes: 68 }] }
 * checkPromptImages([{ mediaType: "image/png", data: "/9j/4AAQ" }]);
 * // { ok: false, message: "image 1 is declared image/png, but its bytes are a JPEG image" }
 * ```
 */
import type { ImageMediaType } from "../protocol/messages.ts";

/** What `user.prompt` tells about an image: its type and decoded size, not its bytes. */
export interface ImageSummary {
  mediaType: ImageMediaType;
  bytes: number;
}

export type ImagesCheck = { ok: true; images: ImageSummary[] } | { ok: false; message: string };

const NAMES: Record<ImageMediaType, string> = { "image/png": "PNG", "image/jpeg": "JPEG", "image/gif": "GIF", "image/webp": "WebP" };

export function checkPromptImages(images: readonly { mediaType: ImageMediaType; data: string }[]): ImagesCheck {
  const summaries: ImageSummary[] = [];
  for (const [index, image] of images.entries()) {
    const which = `image ${index + 1}`;
    const bytes = Buffer.from(image.data, "base64");
    // Node's decoder skips what it cannot read; only canonical base64 encodes back to itself
    if (bytes.length === 0 || bytes.toString("base64") !== image.data) {
      return {
        ok: false,
        message: `${which}: data is not valid base64 (standard alphabet A-Z a-z 0-9 + /, padded with = to a multiple of 4 characters, no line breaks or spaces)`,
      };
    }
    const actual = sniffImageType(bytes);
    if (actual !== image.mediaType) {
      const found = actual ? `a ${NAMES[actual]} image (${actual})` : "not a PNG, JPEG, GIF or WebP image";
      return { ok: false, message: `${which} is declared ${image.mediaType}, but its bytes are ${found}` };
    }
    summaries.push({ mediaType: image.mediaType, bytes: bytes.length });
  }
  return { ok: true, images: summaries };
}

/** The image type its first bytes (magic number) say, or undefined. */
export function sniffImageType(bytes: Uint8Array): ImageMediaType | undefined {
  const starts = (offset: number, ...expected: number[]) => expected.every((byte, i) => bytes[offset + i] === byte);
  if (starts(0, 0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a)) return "image/png";
  if (starts(0, 0xff, 0xd8, 0xff)) return "image/jpeg";
  if (starts(0, 0x47, 0x49, 0x46, 0x38) && (starts(4, 0x37, 0x61) || starts(4, 0x39, 0x61))) return "image/gif"; // GIF87a, GIF89a
  if (starts(0, 0x52, 0x49, 0x46, 0x46) && starts(8, 0x57, 0x45, 0x42, 0x50)) return "image/webp"; // RIFF····WEBP
  return undefined;
}
