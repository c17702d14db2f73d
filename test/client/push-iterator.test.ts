import { describe, expect, test } from "bun:test";
import { type PushSink, pushIterator } from "../../src/client/push-iterator.ts";

/** A producer the test drives by hand; `stopped` counts stop calls. */
function manual<T>() {
  let sink!: PushSink<T>;
  const state = { stopped: 0 };
  const start = (s: PushSink<T>) => {
    sink = s;
    return () => void state.stopped++;
  };
  return {
    start,
    state,
    get sink() {
      return sink;
    },
  };
}

async function collect<T>(iterator: AsyncIterable<T>): Promise<T[]> {
  const items: T[] = [];
  for await (const item of iterator) items.push(item);
  return items;
}

describe("pushIterator", () => {
  test("items pushed before and during iteration arrive in order; end finishes the loop and stops the producer", async () => {
    const producer = manual<number>();
    const iterator = pushIterator(producer.start);
    producer.sink.push(1);
    const done = collect(iterator);
    producer.sink.push(2);
    await Promise.resolve();
    producer.sink.push(3);
    producer.sink.end();
    expect(await done).toEqual([1, 2, 3]);
    expect(producer.state.stopped).toBe(1);
  });

  test("end with an error: the buffered items first, then the error", async () => {
    const producer = manual<string>();
    const iterator = pushIterator(producer.start);
    producer.sink.push("a");
    producer.sink.end(new Error("connection lost"));
    expect(await iterator.next()).toEqual({ value: "a", done: false });
    await expect(iterator.next()).rejects.toThrow("connection lost");
    expect(await iterator.next()).toEqual({ value: undefined, done: true });
  });

  test("break stops the producer; later pushes are dropped", async () => {
    const producer = manual<number>();
    const iterator = pushIterator(producer.start);
    producer.sink.push(1);
    producer.sink.push(2);
    for await (const item of iterator) {
      expect(item).toBe(1);
      break;
    }
    expect(producer.state.stopped).toBe(1);
    producer.sink.push(3);
    expect(await iterator.next()).toEqual({ value: undefined, done: true });
  });

  test("a consumer that falls too far behind gets the overflow error", async () => {
    const producer = manual<number>();
    const iterator = pushIterator(producer.start, { maxBuffered: 2, overflowError: (max) => new Error(`behind by ${max}`) });
    producer.sink.push(1);
    producer.sink.push(2);
    producer.sink.push(3);
    await expect(iterator.next()).rejects.toThrow("behind by 2");
    expect(producer.state.stopped).toBe(1);
  });

  test("an abort signal ends the iteration; an aborted one ends it at once", async () => {
    const producer = manual<number>();
    const abort = new AbortController();
    const iterator = pushIterator(producer.start, { signal: abort.signal });
    const done = collect(iterator);
    producer.sink.push(1);
    abort.abort();
    expect(await done).toEqual([1]);
    expect(await collect(pushIterator(manual<number>().start, { signal: AbortSignal.abort() }))).toEqual([]);
  });

  test("a producer that ends while starting is stopped", async () => {
    let stopped = false;
    const iterator = pushIterator<number>((sink) => {
      sink.end();
      return () => void (stopped = true);
    });
    expect(await collect(iterator)).toEqual([]);
    expect(stopped).toBe(true);
  });
});
