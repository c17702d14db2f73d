/**
 * Messages sent with an `id` that wait for the relay's answer (pure: no I/O). The relay echoes the
 * `id` in its reply (`session.created`, `session.attached` …) or in the `error` the message caused,
 * so each answer settles exactly the request that asked.
 *
 * @example
 * ```ts
 * const requests = new PendingRequests();
 * const id = requests.nextId();
 * const created = requests.wait(id, "session.created");   // resolves with the session.created frame
 * client.send({ type: "session.create", cwd: "/home/me/api", id });
 * requests.settle(frame);      // for every frame received: true when it answered a request
 * requests.failAll(error);     // the connection is gone: nothing will answer
 * ```
 */
import { RelayRequestError } from "./errors.ts";
import type { ErrorMessage } from "./messages.ts";

interface Waiting {
  reply: string;
  resolve(frame: Record<string, unknown>): void;
  reject(error: Error): void;
}

export class PendingRequests {
  readonly #waiting = new Map<string, Waiting>();
  readonly #prefix: string;
  #counter = 0;

  /** `prefix`: what the ids start with, to tell this client's requests from others in a log. */
  constructor(prefix = "req") {
    this.#prefix = prefix;
  }

  /** How many requests wait for an answer. */
  get size(): number {
    return this.#waiting.size;
  }

  /** A fresh id for the next request. */
  nextId(): string {
    this.#counter += 1;
    return `${this.#prefix}-${this.#counter}`;
  }

  /**
   * Waits for the frame of type `reply` carrying `id`; an `error` carrying `id` rejects with a
   * {@link RelayRequestError}.
   */
  wait<T extends Record<string, unknown>>(id: string, reply: string): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.#waiting.set(id, { reply, resolve: resolve as (frame: Record<string, unknown>) => void, reject });
    });
  }

  /** Settles the request `frame` answers, if any; returns whether it did. */
  settle(frame: { type: string; id?: unknown }): boolean {
    if (typeof frame.id !== "string") return false;
    const waiting = this.#waiting.get(frame.id);
    if (!waiting) return false;
    if (frame.type === "error") {
      this.#waiting.delete(frame.id);
      waiting.reject(new RelayRequestError(frame as unknown as ErrorMessage));
      return true;
    }
    if (frame.type !== waiting.reply) return false;
    this.#waiting.delete(frame.id);
    waiting.resolve(frame as Record<string, unknown>);
    return true;
  }

  /** Rejects every waiting request (the connection that carried them is gone, or the client closed). */
  failAll(error: Error): void {
    const waiting = [...this.#waiting.values()];
    this.#waiting.clear();
    for (const request of waiting) request.reject(error);
  }
}
