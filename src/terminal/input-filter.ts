/**
 * Turns a terminal's raw input into what the line editor should see (pure): the text of a
 * bracketed paste (between `ESC [200~` and `ESC [201~`, which terminals send once the program
 * asks with `ESC [?2004h`) keeps its line breaks as {@link NEWLINE_MARK} instead of submitting one
 * line per pasted line, and Alt-Enter (`ESC CR`) inserts a line break the same way. Escape
 * sequences split across reads are held until complete.
 *
 * @example
 * ```ts
 * const filter = new InputFilter();
 * filter.feed("\x1b[200~one\rtwo\x1b[201~"); // "one⏎two"
 * filter.feed("\x1b\r");                      // "⏎"
 * ```
 */

/** Stands for a line break inside the input line; the editor turns it back into "\n" on submit. */
export const NEWLINE_MARK = "⏎";

/** Asks the terminal to bracket pastes, and to stop. */
export const BRACKETED_PASTE_ON = "\x1b[?2004h";
export const BRACKETED_PASTE_OFF = "\x1b[?2004l";

const PASTE_START = "\x1b[200~";
const PASTE_END = "\x1b[201~";
const ALT_ENTER = ["\x1b\r", "\x1b\n"];

export class InputFilter {
  #pasting = false;
  /** The start of an escape sequence that may continue in the next read. */
  #held = "";

  /** Whether a paste has started and not yet ended. */
  get pasting(): boolean {
    return this.#pasting;
  }

  /** The input to pass on for one raw read. */
  feed(chunk: string): string {
    let text = this.#held + chunk;
    this.#held = "";
    let out = "";
    while (text.length > 0) {
      const escapeAt = text.indexOf("\x1b");
      const plain = escapeAt === -1 ? text : text.slice(0, escapeAt);
      out += this.#pasting ? plain.replace(/\r\n|\r|\n/g, NEWLINE_MARK) : plain;
      if (escapeAt === -1) break;
      text = text.slice(escapeAt);
      const marker = [PASTE_START, PASTE_END, ...ALT_ENTER].find((candidate) => text.startsWith(candidate));
      if (marker === PASTE_START || marker === PASTE_END) {
        this.#pasting = marker === PASTE_START;
        text = text.slice(marker.length);
      } else if (marker !== undefined) {
        out += NEWLINE_MARK;
        text = text.slice(marker.length);
      } else if ([PASTE_START, PASTE_END, ...ALT_ENTER].some((candidate) => candidate.startsWith(text))) {
        this.#held = text; // an incomplete marker: wait for the rest
        break;
      } else {
        // Another escape sequence (arrows, Alt-b …): the editor's business.
        out += "\x1b";
        text = text.slice(1);
      }
    }
    return out;
  }
}
