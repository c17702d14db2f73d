/**
 * The prompts waiting for Claude, as the lines to write: sent while it (re)starts, or while it
 * stops for idleness and is to be started again. The one queue of waiting prompts of a session
 * (its supervisor's): bounded, written in order once Claude is ready, and never dropped silently.
 *
 * @example
 * ```ts
 * const waiting = new PromptQueue(100, log);
 * if (!waiting.push(encodePrompt("hello", []))) refuse("100 prompts are already queued");
 * for (const line of waiting.take()) child.write(line); // once Claude is ready
 * waiting.drop("stopping"); // logs how many were not delivered
 * ```
 */
import type { Logger } from "../log/logger.ts";

export class PromptQueue {
  /** Prompts it holds at most. */
  readonly max: number;
  readonly #lines: string[] = [];
  readonly #log: Logger;

  constructor(max: number, log: Logger) {
    this.max = max;
    this.#log = log;
  }

  get size(): number {
    return this.#lines.length;
  }

  /** Adds a prompt's line; false (and nothing added) when {@link max} are waiting already. */
  push(line: string): boolean {
    if (this.#lines.length >= this.max) return false;
    this.#lines.push(line);
    return true;
  }

  /** Takes every waiting line, oldest first. */
  take(): string[] {
    return this.#lines.splice(0);
  }

  /** Drops every waiting prompt and logs how many, and why. */
  drop(reason: string): void {
    if (this.#lines.length === 0) return;
    this.#log.warn("queued prompts not delivered", { count: this.#lines.length, reason });
    this.#lines.length = 0;
  }
}
