/**
 * How much room text takes on a terminal (pure): columns per grapheme cluster, measured by the
 * string-width package (wide East Asian characters and emoji — ZWJ sequences, flags, skin tones,
 * VS16 — take two, combining marks none), and the rows a prompt plus input occupy at a given
 * terminal width, counted the way node:readline counts them.
 *
 * @example
 * ```ts
 * textWidth("日本");                       // 4
 * displayRows("status\n› hello", 80);      // 1 (the row index of the last row)
 * ```
 */
import { stripVTControlCharacters } from "node:util";
import stringWidth from "string-width";

const graphemes = new Intl.Segmenter();

/** Columns of text without escape sequences: a grapheme cluster (an emoji sequence, a flag, a letter with its marks) at a time, by string-width. */
function columns(plain: string): number {
  return stringWidth(plain, { countAnsiEscapeCodes: true });
}

/**
 * Columns `text` takes (escape sequences take none).
 *
 * @example
 * textWidth("\x1b[1mok\x1b[22m"); // 2
 * textWidth("👨‍👩‍👧"); // 2 (one emoji sequence)
 */
export function textWidth(text: string): number {
  return columns(stripVTControlCharacters(text));
}

/**
 * Where the cursor ends up when `text` is written from column 0 of a terminal `columns` wide
 * (line breaks start a new row; long lines wrap), counted the way node:readline counts it: a row
 * filled to the edge puts the position at column 0 of the next row.
 *
 * @example
 * displayPosition("x".repeat(100), 80); // { rows: 1, cols: 20 }
 */
export function displayPosition(text: string, columnsWide: number): { rows: number; cols: number } {
  const width = columnsWide > 0 ? columnsWide : Infinity;
  let rows = 0;
  let offset = 0;
  for (const { segment } of graphemes.segment(stripVTControlCharacters(text))) {
    if (segment === "\n" || segment === "\r\n") {
      rows += Math.ceil(offset / width) || 1;
      offset = 0;
      continue;
    }
    const w = columns(segment);
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
export function displayRows(text: string, columnsWide: number): number {
  return displayPosition(text, columnsWide).rows;
}

/** CSI sequences (colours, cursor moves) and OSC sequences (titles, links), captured so a split keeps them. */
const ESCAPE_SEQUENCE = /(\x1b\[[0-?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\))/;

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
  // Escape sequences (kept whole, no width) at odd indices, text between them cut by grapheme cluster.
  cut: for (const [index, piece] of text.split(ESCAPE_SEQUENCE).entries()) {
    if (index % 2 === 1) {
      out += piece;
      continue;
    }
    for (const { segment } of graphemes.segment(piece)) {
      const w = columns(segment);
      if (used + w > width - 1) break cut;
      out += segment;
      used += w;
    }
  }
  return `${out}…${text.includes("\x1b[") ? "\x1b[0m" : ""}`;
}
