/**
 * A photo or screenshot made ready for a prompt, in the browser: decoded, downscaled to at most
 * about 1.5 MP (what the Messages API handles without shrinking it itself), encoded as JPEG and
 * turned into the base64 the relay expects, with a small thumbnail for the preview. A phone photo
 * of 12 MP and 4 MB becomes about 0.3–0.6 MB. Anything that is not an image is refused in words.
 *
 * @example
 * ```ts
 * try {
 *   const image = await prepareImage(input.files[0]);
 *   // { name, mediaType: "image/jpeg", data: "/9j/…", bytes, width, height, thumbnail }
 * } catch (error) {
 *   if (error instanceof ImageRefusedError) show(error.message);
 * }
 * ```
 */
import { fitWithin } from "./fit.ts";

export const MAX_PIXELS = 1_500_000;
const THUMBNAIL_PX = 96;
const JPEG_QUALITY = 0.85;

export interface PreparedImage {
  /** The file's name (untrusted: shown as text only). */
  name: string;
  mediaType: "image/jpeg";
  /** Standard base64 with padding, no prefix. */
  data: string;
  bytes: number;
  width: number;
  height: number;
  /** A small copy to show before sending. */
  thumbnail: HTMLCanvasElement;
}

/** The file cannot be attached; the message says why and what to do. */
export class ImageRefusedError extends Error {
  override readonly name = "ImageRefusedError";
}

export async function prepareImage(file: File, maxPixels = MAX_PIXELS): Promise<PreparedImage> {
  if (!file.type.startsWith("image/")) {
    throw new ImageRefusedError(`“${file.name}” is not an image${file.type ? ` (${file.type})` : ""}: attach a photo or a screenshot.`);
  }
  let bitmap: ImageBitmap;
  try {
    bitmap = await createImageBitmap(file);
  } catch {
    throw new ImageRefusedError(`“${file.name}” could not be read as an image: this browser cannot decode it; try a JPEG or PNG.`);
  }
  try {
    const size = fitWithin(bitmap.width, bitmap.height, maxPixels);
    const canvas = draw(bitmap, size.width, size.height);
    const blob = await new Promise<Blob | null>((resolve) => canvas.toBlob(resolve, "image/jpeg", JPEG_QUALITY));
    if (blob?.type !== "image/jpeg") throw new ImageRefusedError(`“${file.name}” could not be converted to JPEG in this browser.`);
    const small = fitWithin(size.width, size.height, THUMBNAIL_PX * THUMBNAIL_PX);
    return {
      name: file.name,
      mediaType: "image/jpeg",
      data: await base64(blob),
      bytes: blob.size,
      ...size,
      thumbnail: draw(canvas, small.width, small.height),
    };
  } finally {
    bitmap.close();
  }
}

/** `source` drawn at `width` × `height` on white (JPEG has no transparency: a transparent screenshot must not turn black). */
function draw(source: CanvasImageSource, width: number, height: number): HTMLCanvasElement {
  const canvas = document.createElement("canvas");
  canvas.width = width;
  canvas.height = height;
  const context = canvas.getContext("2d")!;
  context.fillStyle = "#fff";
  context.fillRect(0, 0, width, height);
  context.imageSmoothingQuality = "high";
  context.drawImage(source, 0, 0, width, height);
  return canvas;
}

/** The blob's bytes in standard base64 (a data: URL's payload, without its prefix). */
function base64(blob: Blob): Promise<string> {
  return new Promise((resolve, reject) => {
    const reader = new FileReader();
    reader.onload = () => resolve(String(reader.result).slice(String(reader.result).indexOf(",") + 1));
    reader.onerror = () => reject(new ImageRefusedError("The image could not be read."));
    reader.readAsDataURL(blob);
  });
}
