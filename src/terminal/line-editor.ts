/**
 * The input line of the interactive client on a terminal, built on node:readline (line editing,
 * history, cursor keys, Ctrl-U/Ctrl-W …): output is printed above the input, which is never
 * overwritten — the prompt and the half-typed text are redrawn below each output — and a status
 * line sits above the prompt (readline draws both as one multi-line prompt).
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
import { clearScreenDown, createInterface, cursorTo, moveCursor, type Interface } from "node:readline";
import { PassThrough } from "node:stream";
import type { ConsoleHandlers, TerminalConsole } from "./console.ts";
import { BRACKETED_PASTE_OFF, BRACKETED_PASTE_ON, InputFilter, NEWLINE_MARK } from "./input-filter.ts";
import { displayRows, truncateToWidth } from "./text-width.ts";

export interface LineEditorStreams {
  input: NodeJS.ReadStream;
  output: NodeJS.WriteStream;
}

export class LineEditor implements TerminalConsole {
  readonly fancy = true;
  readonly #output: NodeJS.WriteStream;
  readonly #input: NodeJS.ReadStream;
  readonly #handlers: ConsoleHandlers;
  readonly #filter = new InputFilter();
  readonly #feed = new PassThrough();
  readonly #rl: Interface;
  readonly #onData = (chunk: Buffer | string) => this.#receive(chunk.toString());
  #status: string | undefined;
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
    this.#rl = createInterface({ input: this.#feed, output: this.#output, terminal: true, prompt: this.#label, historySize: 500 });
    this.#rl.on("line", (line) => this.#line(line));
    this.#rl.on("SIGINT", () => this.#handlers.interrupt());
    this.#rl.on("close", () => {
      if (!this.#closed) this.#handlers.end();
    });
    this.#input.setRawMode?.(true);
    this.#input.on("data", this.#onData);
    this.#input.once("end", () => this.#feed.end());
    this.#input.resume();
    this.#output.write(BRACKETED_PASTE_ON);
    this.#rl.prompt();
  }

  get line(): string {
    return this.#rl.line;
  }

  print(text: string): void {
    if (this.#closed) return void this.#output.write(`${text}\n`);
    this.#erase();
    this.#output.write(text.endsWith("\n") ? text : `${text}\n`);
    this.#redraw();
  }

  setStatus(text: string | undefined): void {
    if (text === this.#status) return;
    this.#status = text;
    this.#redraw();
  }

  setLabel(label: string): void {
    if (label === this.#label) return;
    this.#label = label;
    this.#redraw();
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
    // readline has moved below the input: take the prompt and the input off the screen (the
    // transcript shows the prompt once the relay has it).
    const rows = displayRows(this.#prompt() + line, this.#output.columns ?? 80) + 1;
    moveCursor(this.#output, 0, -rows);
    cursorTo(this.#output, 0);
    clearScreenDown(this.#output);
    const text = line.replaceAll(NEWLINE_MARK, "\n");
    if (text.endsWith("\\") && !text.endsWith("\\\\")) {
      this.#continued.push(text.slice(0, -1));
      this.#redraw();
      this.print(`… ${text.slice(0, -1)}`);
      return;
    }
    const whole = [...this.#continued, text].join("\n");
    this.#continued = [];
    this.#redraw();
    this.#handlers.submit(whole);
  }

  // ── drawing ──────────────────────────────────────────────────────────────────────────────────

  #prompt(): string {
    const label = this.#continued.length > 0 ? "… " : this.#label;
    // One row for the status line however narrow the terminal: a wrapped one would push the input around.
    return this.#status === undefined ? label : `${truncateToWidth(this.#status, (this.#output.columns ?? 80) - 1)}\n${label}`;
  }

  /** Moves to where the status line starts and clears from there down. */
  #erase(): void {
    const rows = this.#rl.getCursorPos().rows;
    moveCursor(this.#output, 0, -rows);
    cursorTo(this.#output, 0);
    clearScreenDown(this.#output);
    // readline redraws by first moving up as many rows as the cursor was down: give it those rows
    // below the output, so the redraw starts right under the output.
    this.#pad = rows;
  }

  #pad = 0;

  #redraw(): void {
    if (this.#closed) return;
    if (this.#pad > 0) this.#output.write("\n".repeat(this.#pad));
    this.#pad = 0;
    this.#rl.setPrompt(this.#prompt());
    this.#rl.prompt(true);
  }
}
