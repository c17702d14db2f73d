/**
 * The interactive client's view of the terminal: print output, show a status line, read what the
 * user submits. Two implementations: {@link LineEditor} (a terminal: the input line stays at the
 * bottom, output appears above it) and {@link PlainConsole} (output is not a terminal: plain
 * lines, no status line).
 *
 * @example
 * ```ts
 * const console = process.stdout.isTTY ? new LineEditor(streams, handlers) : new PlainConsole(streams, handlers);
 * console.print("● Hello");
 * console.setStatus("⠋ Claude is working · 3s");
 * ```
 */

export interface TerminalConsole {
  /** True when there is a live status line and single keys can be read. */
  readonly fancy: boolean;
  /** Prints `text` (one or more lines) above the input. */
  print(text: string): void;
  /** The status line above the input; undefined hides it. */
  setStatus(text: string | undefined): void;
  /** Claude's unfinished line of text, shown above the status line until it is printed (undefined hides it; one row). */
  setLive(text: string | undefined): void;
  /** The terminal's width in columns (Infinity when output is not a terminal). */
  readonly columns: number;
  /** The input prompt, e.g. "› " or "reason › ". */
  setLabel(label: string): void;
  /** What the user has typed so far (not yet submitted). */
  readonly line: string;
  /** Empties the input line. */
  clearLine(): void;
  /** Restores the terminal; no handler is called afterwards. */
  close(): void;
}

export interface ConsoleHandlers {
  /** A submitted input (line breaks inside it are "\n"). */
  submit(text: string): void;
  /** Ctrl-C. */
  interrupt(): void;
  /** A single key pressed while the input line is empty; return true to consume it. */
  key(key: string): boolean;
  /** End of input (Ctrl-D on an empty line, or stdin closed). */
  end(): void;
  /** Tab: what the typed line may be completed to. */
  complete?(line: string): string[];
}
