/**
 * Log lines written in batches: every line written during one event-loop turn goes out in one
 * write when the turn ends, and whatever is still pending is written when the process exits (also
 * after an uncaught exception). Under a login storm that is one write syscall, and one wake-up of
 * the reader (journald, a terminal, a pipe), per turn instead of one per line; the relay spent a
 * fifth of its login time in those writes. Lines stay whole and in order. What a SIGKILL cuts off
 * is at most the lines of the turn it interrupts.
 *
 * @example
 * ```ts
 * const writer = createLineWriter((chunk) => process.stderr.write(chunk));
 * writer.write('{"msg":"a"}');
 * writer.write('{"msg":"b"}');   // both go out in one write at the end of this turn
 * ```
 */
import { setImmediate } from "node:timers";

export interface LineWriter {
  /** Queues one line (without its newline). */
  write(line: string): void;
  /** Writes every queued line now. */
  flush(): void;
}

/**
 * A batching writer over `output`; `schedule` runs its callback once the current turn's I/O is
 * handled (setImmediate by default).
 *
 * @example
 * createLineWriter((chunk) => chunks.push(chunk), (flush) => queueMicrotask(flush))
 */
export function createLineWriter(output: (chunk: string) => void, schedule: (flush: () => void) => void = setImmediate): LineWriter {
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
      pending += line + "\n";
    },
    flush,
  };
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
