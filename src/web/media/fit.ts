/**
 * The size to downscale a picture to (pure): the same aspect ratio, at most `maxPixels` pixels,
 * never enlarged, whole pixels (at least one each way).
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
  // A side scaled below one pixel stays one pixel wide, and the other side gives way for it.
  const fittedWidth = Math.max(1, Math.floor(width * scale));
  const fittedHeight = Math.max(1, Math.min(Math.floor(height * scale), Math.floor(maxPixels / fittedWidth)));
  return { width: Math.max(1, Math.min(fittedWidth, Math.floor(maxPixels / fittedHeight))), height: fittedHeight };
}
