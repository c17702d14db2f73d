/**
 * Items pushed by listeners, read with `for await` (pure: no I/O). The producer pushes and ends;
 * the consumer iterates; breaking out of the loop (or `return()`) stops the producer. Items wait
 * in a bounded buffer while the consumer is busy: a consumer that falls `maxBuffered` items behind
 * gets an error rather than a process that grows without limit.
 *
 * @example
 * ```ts
 * const numbers = pushIterator<number>((sink) => {
 *   const timer = setInterval(() => sink.push(Date.now()), 100);
 *   setTimeout(() => sink.end(), 1000);
 *   return () => clearInterval(timer);
 * });
 * for await (const n of numbers) console.log(n);
 * ```
 */

export interface PushSink<T> {
  push(item: T): void;
  /** No more items; with `error`, the loop throws it after the buffered items. */
  end(error?: Error): void;
}

export interface PushIteratorOptions {
  /** Items held for a slow consumer before the iterator fails. Default 10 000. */
  maxBuffered?: number;
  /** Aborting ends the iteration (after the buffered items). */
  signal?: AbortSignal;
  /** The error for a consumer that fell too far behind. */
  overflowError?: (maxBuffered: number) => Error;
}

/**
 * An async iterator over what `start` pushes. `start` runs at once and returns the function that
 * stops producing (called once, when the iteration ends for any reason).
 *
 * @example
 * const it = pushIterator<string>((sink) => client.on("event", (e) => sink.push(e.type)));
 */
export function pushIterator<T>(start: (sink: PushSink<T>) => () => void, options: PushIteratorOptions = {}): AsyncIterableIterator<T> {
  const maxBuffered = options.maxBuffered ?? 10_000;
  const buffer: T[] = [];
  let ended = false;
  let failure: Error | undefined;
  let wake: (() => void) | undefined;
  let stop: (() => void) | undefined;

  const finish = (error?: Error) => {
    if (ended) return;
    ended = true;
    failure = error;
    stop?.();
    options.signal?.removeEventListener("abort", onAbort);
    wake?.();
  };
  const onAbort = () => finish();
  const sink: PushSink<T> = {
    push(item) {
      if (ended) return;
      if (buffer.length >= maxBuffered) {
        buffer.length = 0;
        return finish(options.overflowError?.(maxBuffered) ?? new Error(`the consumer fell ${maxBuffered} items behind`));
      }
      buffer.push(item);
      wake?.();
    },
    end: (error) => finish(error),
  };

  stop = start(sink);
  if (ended) stop(); // `start` ended the iteration before it returned its stop function
  if (options.signal?.aborted) finish();
  else options.signal?.addEventListener("abort", onAbort, { once: true });

  const iterator: AsyncIterableIterator<T> = {
    async next(): Promise<IteratorResult<T>> {
      while (buffer.length === 0 && !ended) await new Promise<void>((resolve) => (wake = resolve));
      wake = undefined;
      if (buffer.length > 0) return { value: buffer.shift()!, done: false };
      if (failure) {
        const error = failure;
        failure = undefined;
        throw error;
      }
      return { value: undefined, done: true };
    },
    async return(): Promise<IteratorResult<T>> {
      buffer.length = 0;
      finish();
      return { value: undefined, done: true };
    },
    [Symbol.asyncIterator]() {
      return iterator;
    },
  };
  return iterator;
}
