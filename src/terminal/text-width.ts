/**
 * How much room text takes on a terminal (pure): columns per character (wide East Asian
 * characters and emoji take two, combining marks none) and the rows a prompt plus input occupy at
 * a given terminal width, counted the way node:readline counts them.
 *
 * @example
 * ```ts
 * textWidth("日本");                       // 4
 * displayRows("status\n› hello", 80);      // 1 (the row index of the last row)
 * ```
 */
import { stripAnsi } from "./style.ts";

/**
 * Columns `text` takes (escape sequences take none).
 *
 * @example
 * textWidth("\x1b[1mok\x1b[22m"); // 2
 */
export function textWidth(text: string): number {
  let width = 0;
  for (const char of stripAnsi(text)) width += charWidth(char.codePointAt(0)!);
  return width;
}

/**
 * Where the cursor ends up when `text` is written from column 0 of a terminal `columns` wide
 * (line breaks start a new row; long lines wrap), counted the way node:readline counts it: a row
 * filled to the edge puts the position at column 0 of the next row.
 *
 * @example
 * displayPosition("x".repeat(100), 80); // { rows: 1, cols: 20 }
 */
export function displayPosition(text: string, columns: number): { rows: number; cols: number } {
  const width = columns > 0 ? columns : Infinity;
  let rows = 0;
  let offset = 0;
  for (const char of stripAnsi(text)) {
    if (char === "\n") {
      rows += Math.ceil(offset / width) || 1;
      offset = 0;
      continue;
    }
    const w = charWidth(char.codePointAt(0)!);
    // A wide character that does not fit moves to the next row as a whole.
    if (w === 2 && (offset + 1) % width === 0) offset++;
    offset += w;
  }
  const cols = offset % width;
  return { rows: rows + (offset - cols) / width, cols };
}

/**
 * The index of the last row `text` reaches (see {@link displayPosition}).
 *
 * @example
 * displayRows("x".repeat(100), 80); // 1
 */
export function displayRows(text: string, columns: number): number {
  return displayPosition(text, columns).rows;
}

function charWidth(code: number): number {
  if (code < 0x20 || (code >= 0x7f && code < 0xa0)) return 0;
  if (isZeroWidth(code)) return 0;
  return isWide(code) ? 2 : 1;
}

function isZeroWidth(code: number): boolean {
  return (
    (code >= 0x300 && code <= 0x36f) || // combining diacritical marks
    (code >= 0x200b && code <= 0x200f) || // zero-width space, joiners, marks
    (code >= 0xfe00 && code <= 0xfe0f) || // variation selectors
    (code >= 0x1ab0 && code <= 0x1aff) ||
    (code >= 0x20d0 && code <= 0x20ff)
  );
}

function isWide(code: number): boolean {
  return (
    (code >= 0x1100 && code <= 0x115f) ||
    (code >= 0x231a && code <= 0x231b) ||
    (code >= 0x2329 && code <= 0x232a) ||
    (code >= 0x23e9 && code <= 0x23ec) ||
    code === 0x23f0 ||
    code === 0x23f3 ||
    (code >= 0x25fd && code <= 0x25fe) ||
    (code >= 0x2614 && code <= 0x2615) ||
    (code >= 0x2648 && code <= 0x2653) ||
    code === 0x267f ||
    code === 0x2693 ||
    code === 0x26a1 ||
    (code >= 0x26aa && code <= 0x26ab) ||
    (code >= 0x26bd && code <= 0x26be) ||
    (code >= 0x26c4 && code <= 0x26c5) ||
    code === 0x26ce ||
    code === 0x26d4 ||
    code === 0x26ea ||
    (code >= 0x26f2 && code <= 0x26f3) ||
    code === 0x26f5 ||
    code === 0x26fa ||
    code === 0x26fd ||
    code === 0x2705 ||
    (code >= 0x270a && code <= 0x270b) ||
    code === 0x2728 ||
    code === 0x274c ||
    code === 0x274e ||
    (code >= 0x2753 && code <= 0x2755) ||
    code === 0x2757 ||
    (code >= 0x2795 && code <= 0x2797) ||
    code === 0x27b0 ||
    code === 0x27bf ||
    (code >= 0x2b1b && code <= 0x2b1c) ||
    code === 0x2b50 ||
    code === 0x2b55 ||
    (code >= 0x2e80 && code <= 0x303e) ||
    (code >= 0x3041 && code <= 0x33ff) ||
    (code >= 0x3400 && code <= 0x4dbf) ||
    (code >= 0x4e00 && code <= 0x9fff) ||
    (code >= 0xa000 && code <= 0xa4cf) ||
    (code >= 0xa960 && code <= 0xa97f) ||
    (code >= 0xac00 && code <= 0xd7a3) ||
    (code >= 0xf900 && code <= 0xfaff) ||
    (code >= 0xfe10 && code <= 0xfe19) ||
    (code >= 0xfe30 && code <= 0xfe6f) ||
    (code >= 0xff00 && code <= 0xff60) ||
    (code >= 0xffe0 && code <= 0xffe6) ||
    (code >= 0x1f300 && code <= 0x1f64f) ||
    (code >= 0x1f900 && code <= 0x1f9ff) ||
    (code >= 0x1f680 && code <= 0x1f6ff) ||
    (code >= 0x20000 && code <= 0x3fffd)
  );
}

/**
 * `text` cut to at most `width` columns (escape sequences kept, an ellipsis where it was cut, and
 * colours reset after the cut so they do not bleed into what follows).
 *
 * @example
 * truncateToWidth("hello world", 8); // "hello w…"
 */
export function truncateToWidth(text: string, width: number): string {
  if (width <= 0 || textWidth(text) <= width) return text;
  let out = "";
  let used = 0;
  // Escape sequences (kept whole, no width) or single characters.
  for (const [token] of text.matchAll(/\x1b\[[0-?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)|[\s\S]/gu)) {
    if (token.startsWith("\x1b")) {
      out += token;
      continue;
    }
    const w = charWidth(token.codePointAt(0)!);
    if (used + w > width - 1) break;
    out += token;
    used += w;
  }
  return `${out}…${text.includes("\x1b[") ? "\x1b[0m" : ""}`;
}
