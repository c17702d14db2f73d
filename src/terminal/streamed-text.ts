/**
 * Claude's text on the terminal as it is written (pure; the live view, v3): each of Claude's lines
 * (`claude.partial` stream events and complete lines) goes through {@link liveTextAfter}; the lines
 * of the block that are complete — ended by a line break, or wrapped at a space once they fill
 * the terminal's width — are printed for good, and the rest is the live tail shown above the
 * status line. When the block's complete `assistant` line comes, the tail is printed and the
 * line is `superseded`: its text is on the screen already, so the transcript leaves it out.
 * Lines look as the transcript prints whole text blocks: "● " before the first, two spaces before
 * the others.
 *
 * @example
 * ```ts
 * const streamed = new StreamedText(style);
 * streamed.take(partial.event, 80); // { print: [], live: "● The answer", superseded: false }
 * streamed.take(assistantLine, 80); // { print: ["● The answer is 42."], live: undefined, superseded: true }
 * ```
 */
import { liveTextAfter } from "../client/live-text.ts";
import type { Style } from "./style.ts";
import { textWidth } from "./text-width.ts";

export interface StreamedStep {
  /** Lines to print above the input now. */
  print: string[];
  /** The block's unfinished line, to show live (undefined: none). */
  live: string | undefined;
  /** The line was the complete message of text already on the screen. */
  superseded: boolean;
}

/** Fewer columns than this and lines are not wrapped (a terminal that narrow wraps them anyway). */
const MIN_WIDTH = 20;

export class StreamedText {
  readonly #style: Style;
  /** The block's text so far (undefined: no block streaming). */
  #text: string | undefined;
  /** How much of it is printed already. */
  #printed = 0;
  /** Lines of the block printed (the first gets Claude's mark). */
  #lines = 0;

  constructor(style: Style) {
    this.#style = style;
  }

  /** Whether a block's text is being written. */
  get streaming(): boolean {
    return this.#text !== undefined;
  }

  /** One of Claude's lines; `width`: the terminal's columns (Infinity: no wrapping). */
  take(line: unknown, width: number): StreamedStep {
    const after = liveTextAfter(this.#text, line);
    if (after === this.#text) return { print: [], live: this.#live(), superseded: false };
    if (after === undefined) {
      const tail = this.#text!.slice(this.#printed);
      const print = tail.trim() === "" ? [] : [this.#format(tail)];
      const superseded = isObject(line) && line.type === "assistant";
      this.reset();
      return { print, live: undefined, superseded };
    }
    this.#text = after;
    const print: string[] = [];
    for (let end = after.indexOf("\n", this.#printed); end >= 0; end = after.indexOf("\n", this.#printed)) {
      print.push(this.#format(after.slice(this.#printed, end)));
      this.#printed = end + 1;
    }
    const room = width - 3; // the mark or indent, and the column the cursor needs
    if (width >= MIN_WIDTH) {
      for (let tail = after.slice(this.#printed); textWidth(tail) > room; tail = after.slice(this.#printed)) {
        const cut = wrapAt(tail, room);
        print.push(this.#format(tail.slice(0, cut).trimEnd()));
        this.#printed += cut;
      }
    }
    return { print, live: this.#live(), superseded: false };
  }

  /** Forgets the block (the connection was lost, another session is followed). */
  reset(): void {
    this.#text = undefined;
    this.#printed = 0;
    this.#lines = 0;
  }

  #live(): string | undefined {
    const tail = this.#text?.slice(this.#printed);
    return tail ? this.#mark(this.#lines) + tail : undefined;
  }

  #format(text: string): string {
    return this.#mark(this.#lines++) + text;
  }

  #mark(line: number): string {
    return line === 0 ? `${this.#style.paint("bold", this.#style.symbols.claude)} ` : "  ";
  }
}

/** Where to break `text` so that its first part fits `room` columns: after the last space that fits, else at `room`. */
function wrapAt(text: string, room: number): number {
  let fits = 0;
  let space = -1;
  for (const [index, char] of [...text].entries()) {
    if (textWidth(text.slice(0, fits + char.length)) > room) break;
    fits += char.length;
    if (char === " ") space = index;
  }
  return space > 0 ? [...text].slice(0, space + 1).join("").length : Math.max(1, fits);
}

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === "object" && value !== null;
