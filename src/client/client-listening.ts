/**
 * Two ways to consume a client's events besides `on`: wait for the next matching one (with a
 * timeout), or iterate a session's events with `for await`. Both end when the client closes. They
 * need only the client's `on` and `state`, so they live apart from the connection logic.
 *
 * @example
 * ```ts
 * const result = await waitForEvent(client, "claude.event", (e) => (e.event as { type?: string }).type === "result", 60_000);
 * for await (const event of eventStream(client)) console.log(event.type);
 * ```
 */
import type { ClientState, RelayClientEvents, RelayEvent } from "./client-types.ts";
import { RelayClientError } from "./errors.ts";
import { pushIterator } from "./push-iterator.ts";

/** What the helpers need of a client. */
export interface Listenable {
  readonly state: ClientState;
  on<K extends keyof RelayClientEvents>(name: K, listener: (...args: RelayClientEvents[K]) => void): () => void;
}

/**
 * The next `name` event matching `match`, or a `timeout` error after `timeoutMs`; rejects when the
 * client closes first (with the reason it failed, if it did).
 *
 * @example
 * await waitForEvent(client, "joined");
 */
export function waitForEvent<K extends keyof RelayClientEvents>(
  client: Listenable,
  name: K,
  match: (...args: RelayClientEvents[K]) => boolean,
  timeoutMs: number,
): Promise<RelayClientEvents[K][0]> {
  return new Promise((resolve, reject) => {
    const finish = (done: () => void) => {
      clearTimeout(timer);
      off();
      offClose();
      done();
    };
    const timer = setTimeout(() => finish(() => reject(new RelayClientError("timeout", `no ${String(name)} within ${timeoutMs} ms`))), timeoutMs);
    const off = client.on(name, (...args) => {
      if (match(...args)) finish(() => resolve(args[0]));
    });
    const offClose =
      name === "close"
        ? () => {}
        : client.on("close", (info) => finish(() => reject(info.error ?? new RelayClientError("closed", `client closed while waiting for ${String(name)}`))));
  });
}

/**
 * Every session event in seq order, `replay.gap`s and `error`s, as an async iterator; ends when
 * the client closes (throwing the reason when it failed), when `signal` aborts, or on `break`.
 *
 * @example
 * for await (const event of eventStream(client, { maxBuffered: 1000 })) if (event.type === "error") break;
 */
export function eventStream(client: Listenable, options: { signal?: AbortSignal; maxBuffered?: number } = {}): AsyncIterableIterator<RelayEvent> {
  return pushIterator<RelayEvent>(
    (sink) => {
      if (client.state === "closed") {
        sink.end();
        return () => {};
      }
      const stops = [
        client.on("event", (event) => sink.push(event)),
        client.on("replay.gap", (gap) => sink.push(gap)),
        client.on("error", (error) => sink.push(error)),
        client.on("close", (info) => sink.end(info.error)),
      ];
      return () => {
        for (const stop of stops) stop();
      };
    },
    { ...options, overflowError: (max) => new RelayClientError("queue_full", `events() consumer fell ${max} events behind`) },
  );
}
