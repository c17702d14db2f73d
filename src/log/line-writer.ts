/**
 * Log lines written in batches: lines go out together at most {@link FLUSH_DELAY_MS} after the
 * first of them (or at once past {@link FLUSH_BYTES}), and whatever is still pending is written
 * when the process exits (also after an uncaught exception). Under a login storm that is one write
 * syscall, and one wake-up of the reader (journald, a terminal, a pipe), per batch instead of one
 * per line: written one by one, the relay spent a fifth of its login time in those writes. Lines
 * stay whole and in order; a person reading the log cannot see a 20 ms delay. What a SIGKILL cuts
 * off is at most the last 20 ms of lines.
 *
 * @example
 * ```ts
 * const writer = createLineWriter((chunk) => process.stderr.write(chunk));
 * writer.write('{"msg":"a"}');
 * writer.write('{"msg":"b"}');   // both go out in one write, 20 ms later
 * ```
 */
import { setTimeout } from "node:timers";

/** How long the first line of a batch may wait. */
export const FLUSH_DELAY_MS = 20;
/** A batch this large is written at once. */
export const FLUSH_BYTES = 64 * 1024;

export interface LineWriter {
  /** Queues one line (without its newline). */
  write(line: string): void;
  /** Writes every queued line now. */
  flush(): void;
}

/**
 * A batching writer over `output`; `schedule` runs its callback when the batch is due
 * ({@link FLUSH_DELAY_MS} later by default; the timer does not keep the process alive).
 *
 * @example
 * createLineWriter((chunk) => chunks.push(chunk), (flush) => queueMicrotask(flush))
 */
export function createLineWriter(output: (chunk: string) => void, schedule: (flush: () => void) => void = later): LineWriter {
  let pending = "";
  const flush = (): void => {
    if (pending === "") return;
    const chunk = pending;
    pending = "";
    output(chunk);
  };
  return {
    write(line: string): void {
      if (pending === "") schedule(flush);
      pending += `${line}\n`;
      if (pending.length >= FLUSH_BYTES) flush();
    },
    flush,
  };
}

function later(flush: () => void): void {
  setTimeout(flush, FLUSH_DELAY_MS).unref();
}

let stderr: LineWriter | undefined;

/**
 * The process's one batching writer to stderr, flushed on exit.
 *
 * @example
 * stderrLineWriter().write("2026-01-01T00:00:00.000Z INFO  hello");
 */
export function stderrLineWriter(): LineWriter {
  if (!stderr) {
    const writer = createLineWriter((chunk) => process.stderr.write(chunk));
    process.on("exit", () => writer.flush());
    stderr = writer;
  }
  return stderr;
}
