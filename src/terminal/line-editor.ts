/**
 * The input line of the interactive client on a terminal, built on node:readline (line editing,
 * history, cursor keys, Ctrl-U/Ctrl-W …): output is printed above the input, which is never
 * overwritten — Claude's unfinished line of text (the live view), the status line, the prompt and
 * the half-typed text are drawn again below each output, with the cursor where it was, each redraw
 * written in one piece.
 *
 * The block below the output (status line, prompt, input) is erased and drawn here, from
 * readline's public state (`line`, `cursor`, `getCursorPos()`), not with `prompt(true)`: readline
 * moves up by the rows it last drew, which it does not update while it echoes a chunk of several
 * characters (a paste, fast typing) — so after such input its own redraw would start on the wrong
 * row. After each draw and keypress the editor tells readline where the cursor really is
 * (`prevRows`, the same field in Node's and Bun's readline) so readline's own redraws (cursor
 * keys across rows, history) start from the right row too.
 *
 * Multi-line input: a bracketed paste arrives as one input, Alt-Enter inserts a line break, and a
 * line ending in `\` continues on the next. Line breaks inside the input line show as ⏎.
 *
 * @example
 * ```ts
 * const editor = new LineEditor({ input: process.stdin, output: process.stdout }, {
 *   submit: (text) => client.prompt(text),
 *   interrupt: () => client.interrupt(),
 *   key: () => false,
 *   end: () => process.exit(0),
 * });
 * editor.print("● Hello");
 * ```
 */
import { clearScreenDown, createInterface, cursorTo, type Interface, moveCursor } from "node:readline";
import { PassThrough } from "node:stream";
import type { ConsoleHandlers, TerminalConsole } from "./console.ts";
import { BRACKETED_PASTE_OFF, BRACKETED_PASTE_ON, InputFilter, NEWLINE_MARK } from "./input-filter.ts";
import { displayPosition, displayRows, truncateToWidth } from "./text-width.ts";

export interface LineEditorStreams {
  input: NodeJS.ReadStream;
  output: NodeJS.WriteStream;
}

export class LineEditor implements TerminalConsole {
  readonly fancy = true;
  /** The terminal; while a redraw is collected (see #atOnce), a buffer in front of it. */
  #output: NodeJS.WriteStream;
  readonly #input: NodeJS.ReadStream;
  readonly #handlers: ConsoleHandlers;
  readonly #filter = new InputFilter();
  readonly #feed = new PassThrough();
  readonly #rl: Interface;
  readonly #onData = (chunk: Buffer | string) => this.#receive(chunk.toString());
  #status: string | undefined;
  /** Claude's unfinished line of text (streamed-text.ts), drawn above the status line. */
  #live: string | undefined;
  #label = "› ";
  /** Lines of an input continued with a trailing backslash. */
  #continued: string[] = [];
  #closed = false;

  constructor(streams: LineEditorStreams, handlers: ConsoleHandlers) {
    this.#input = streams.input;
    this.#output = streams.output;
    this.#handlers = handlers;
    // readline reads the filtered input; it is a terminal for readline's purposes (raw keys).
    Object.assign(this.#feed, { isTTY: true });
    this.#rl = createInterface({
      input: this.#feed,
      output: this.#output,
      terminal: true,
      prompt: this.#label,
      historySize: 500,
      completer: (line: string): [string[], string] => [this.#handlers.complete?.(line) ?? [], line],
    });
    this.#rl.on("line", (line) => this.#line(line));
    this.#rl.on("SIGINT", () => this.#handlers.interrupt());
    this.#rl.on("close", () => {
      if (!this.#closed) this.#handlers.end();
    });
    // Registered after readline's own listener: runs once readline has echoed the key.
    this.#feed.on("keypress", () => this.#syncRows());
    this.#input.setRawMode?.(true);
    this.#input.on("data", this.#onData);
    this.#input.once("end", () => this.#feed.end());
    this.#input.resume();
    this.#output.write(BRACKETED_PASTE_ON);
    this.#draw();
  }

  get line(): string {
    return this.#rl.line;
  }

  print(text: string): void {
    if (this.#closed) return void this.#output.write(`${text}\n`);
    this.#atOnce(() => {
      this.#erase();
      this.#output.write(text.endsWith("\n") ? text : `${text}\n`);
      this.#draw();
    });
  }

  setStatus(text: string | undefined): void {
    if (text === this.#status) return;
    this.#repaint(() => (this.#status = text));
  }

  setLive(text: string | undefined): void {
    if (text === this.#live) return;
    this.#repaint(() => (this.#live = text));
  }

  get columns(): number {
    return this.#columns();
  }

  setLabel(label: string): void {
    if (label === this.#label) return;
    this.#repaint(() => (this.#label = label));
  }

  clearLine(): void {
    // Ctrl-E, then Ctrl-U: readline's own "delete to the start of the line".
    this.#rl.write(null, { ctrl: true, name: "e" });
    this.#rl.write(null, { ctrl: true, name: "u" });
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#erase();
    this.#input.off("data", this.#onData);
    this.#output.write(BRACKETED_PASTE_OFF);
    this.#rl.close();
    this.#input.setRawMode?.(false);
    this.#input.pause();
  }

  // ── input ────────────────────────────────────────────────────────────────────────────────────

  #receive(raw: string): void {
    const text = this.#filter.feed(raw);
    if (text === "") return;
    // A single printable key on an empty line may be an answer (y / n / r to a permission request).
    if (text.length === 1 && text >= " " && text !== "\x7f" && this.#rl.line === "" && !this.#filter.pasting && this.#handlers.key(text)) return;
    this.#feed.write(text);
  }

  #line(line: string): void {
    // readline has written a line break below the input: take the block off the screen (the
    // transcript shows the prompt once the relay has it).
    moveCursor(this.#output, 0, -(displayRows(this.#prompt() + line, this.#columns()) + 1));
    cursorTo(this.#output, 0);
    clearScreenDown(this.#output);
    const text = line.replaceAll(NEWLINE_MARK, "\n");
    if (text.endsWith("\\") && !text.endsWith("\\\\")) {
      this.#continued.push(text.slice(0, -1));
      this.#output.write(`… ${text.slice(0, -1)}\n`);
      return this.#draw();
    }
    const whole = [...this.#continued, text].join("\n");
    this.#continued = [];
    this.#draw();
    this.#handlers.submit(whole);
  }

  // ── drawing ──────────────────────────────────────────────────────────────────────────────────

  #columns(): number {
    return this.#output.columns ?? 80;
  }

  #prompt(): string {
    const label = this.#continued.length > 0 ? "… " : this.#label;
    // One row each for the live line and the status line however narrow the terminal: a wrapped one would push the input around.
    const rows = [this.#live, this.#status].filter((row) => row !== undefined).map((row) => truncateToWidth(row, this.#columns() - 1));
    return [...rows, label].join("\n");
  }

  /** Erases the block, changes what it shows, draws it again. */
  #repaint(change: () => void): void {
    if (this.#closed) return void change();
    this.#atOnce(() => {
      this.#erase();
      change();
      this.#draw();
    });
  }

  /**
   * Collects what `redraw` writes and writes it to the terminal in one piece, so the terminal never
   * shows the block erased and not yet drawn again (output and status updates come many a second
   * while Claude's text streams).
   */
  #atOnce(redraw: () => void): void {
    const terminal = this.#output;
    let collected = "";
    const buffer = {
      columns: terminal.columns,
      write: (chunk: string | Uint8Array) => {
        collected += typeof chunk === "string" ? chunk : new TextDecoder().decode(chunk);
        return true;
      },
    };
    this.#output = buffer as unknown as NodeJS.WriteStream;
    try {
      redraw();
    } finally {
      this.#output = terminal;
    }
    terminal.write(collected);
  }

  /** Moves to where the block (status line, prompt, input) starts and clears from there down. */
  #erase(): void {
    moveCursor(this.#output, 0, -this.#rl.getCursorPos().rows);
    cursorTo(this.#output, 0);
    clearScreenDown(this.#output);
  }

  /** Draws the block from the cursor's row down and puts the cursor where readline has it. */
  #draw(): void {
    if (this.#closed) return;
    const prompt = this.#prompt();
    this.#rl.setPrompt(prompt);
    const text = prompt + this.#rl.line;
    const end = displayPosition(text, this.#columns());
    this.#output.write(text);
    // A row filled to the edge leaves the terminal's cursor on it: a space moves it to the next row.
    if (end.cols === 0 && end.rows > 0) this.#output.write(" ");
    const cursor = this.#rl.getCursorPos();
    cursorTo(this.#output, cursor.cols);
    if (end.rows > cursor.rows) moveCursor(this.#output, 0, -(end.rows - cursor.rows));
    this.#syncRows();
  }

  /** Tells readline which row of the block the cursor is on (see the header). */
  #syncRows(): void {
    if (this.#closed) return;
    (this.#rl as unknown as { prevRows: number }).prevRows = this.#rl.getCursorPos().rows;
  }
}
