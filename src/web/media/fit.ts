/**
 * The size to downscale a picture to (pure): the same aspect ratio, at most `maxPixels` pixels,
 * never enlarged, whole pixels.
 *
 * @example
 * ```ts
 * fitWithin(4032, 3024, 1_500_000); // { width: 1414, height: 1060 }
 * fitWithin(800, 600, 1_500_000);   // { width: 800, height: 600 }
 * ```
 */
export function fitWithin(width: number, height: number, maxPixels: number): { width: number; height: number } {
  if (width * height <= maxPixels) return { width, height };
  const scale = Math.sqrt(maxPixels / (width * height));
  return { width: Math.max(1, Math.floor(width * scale)), height: Math.max(1, Math.floor(height * scale)) };
}
