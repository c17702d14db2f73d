/**
 * Cuts text to a number of characters (code points, so an emoji is never cut in half), ending a
 * cut text with an ellipsis. Pure.
 *
 * @example
 * ```ts
 * cutWithEllipsis("Fix the flaky login test", 8); // "Fix the…"
 * cutWithEllipsis("short", 10); // "short"
 * ```
 */
export function cutWithEllipsis(text: string, maxChars: number): string {
  const chars = Array.from(text);
  return chars.length > maxChars
    ? `${chars
        .slice(0, maxChars - 1)
        .join("")
        .trimEnd()}…`
    : text;
}
