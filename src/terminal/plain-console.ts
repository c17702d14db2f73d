/**
 * The interactive client's console when its output is not a terminal (e.g. `connect URL | tee
 * log`): output as plain lines, input read line by line, no status line and no single-key answers.
 *
 * @example
 * ```ts
 * const console = new PlainConsole({ input: process.stdin, output: process.stdout }, handlers);
 * console.print("● Hello");
 * ```
 */
import { createInterface, type Interface } from "node:readline";
import type { ConsoleHandlers, TerminalConsole } from "./console.ts";

export class PlainConsole implements TerminalConsole {
  readonly fancy = false;
  readonly #output: NodeJS.WritableStream;
  readonly #rl: Interface;
  #closed = false;

  constructor(streams: { input: NodeJS.ReadableStream; output: NodeJS.WritableStream }, handlers: ConsoleHandlers) {
    this.#output = streams.output;
    this.#rl = createInterface({ input: streams.input, terminal: false });
    this.#rl.on("line", (line) => handlers.submit(line));
    this.#rl.on("close", () => {
      if (!this.#closed) handlers.end();
    });
  }

  get line(): string {
    return "";
  }

  print(text: string): void {
    this.#output.write(text.endsWith("\n") ? text : `${text}\n`);
  }

  setStatus(): void {}

  /** Not a terminal: the text is printed once its lines are complete. */
  setLive(): void {}

  readonly columns = Number.POSITIVE_INFINITY;

  setLabel(): void {}

  clearLine(): void {}

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#rl.close();
  }
}
