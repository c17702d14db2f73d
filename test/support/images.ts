/**
 * Tiny real images (1×1 pixel) in base64, one per type a prompt may carry, for image tests.
 *
 * @example
 * ```ts
 * client.send({ type: "prompt", text: "what is this?", images: [{ mediaType: "image/png", data: IMAGES["image/png"] }] });
 * ```
 */
import type { ImageMediaType } from "../../src/protocol/messages.ts";

export const IMAGES: Record<ImageMediaType, string> = {
  "image/png": "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==",
  "image/jpeg":
    "/9j/4AAQSkZJRgABAQEASABIAAD/2wBDAP//////////////////////////////////////////////////////////////////////////////////////wgALCAABAAEBAREA/8QAFBABAAAAAAAAAAAAAAAAAAAAAP/aAAgBAQABPxA=",
  "image/gif": "R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7",
  "image/webp": "UklGRhoAAABXRUJQVlA4TA0AAAAvAAAAEAcQERGIiP4HAA==",
};

/** The decoded size of one of {@link IMAGES}. */
export function imageBytes(type: ImageMediaType): number {
  return Buffer.from(IMAGES[type], "base64").length;
}
