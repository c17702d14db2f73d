/**
 * A picture about to be sent, drawn from its prepared thumbnail onto a canvas (no URL to load, so
 * the page's CSP, `img-src 'self'`, has nothing to allow), with its name and size as text.
 *
 * @example
 * ```tsx
 * <Thumbnail image={await prepareImage(file)} />
 * ```
 */
import { useEffect, useRef } from "preact/hooks";
import type { PreparedImage } from "../media/prepare-image.ts";

export function Thumbnail({ image }: { image: PreparedImage }) {
  const canvas = useRef<HTMLCanvasElement>(null);
  useEffect(() => {
    const target = canvas.current;
    if (!target) return;
    target.width = image.thumbnail.width;
    target.height = image.thumbnail.height;
    target.getContext("2d")?.drawImage(image.thumbnail, 0, 0);
  }, [image]);
  return (
    <figure class="thumbnail">
      <canvas ref={canvas} role="img" aria-label={`Preview of ${image.name}`} />
      <figcaption>
        <span class="name">{image.name}</span> · {image.width}×{image.height}, {Math.max(1, Math.round(image.bytes / 1024))} KB
      </figcaption>
    </figure>
  );
}
