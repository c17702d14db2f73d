/**
 * A tiny typed listener set.
 *
 * @example
 * ```ts
 * const events = new Emitter<{ state: [state: string] }>((error) => log.error(String(error)));
 * const off = events.on("state", (s) => console.log(s));
 * events.emit("state", "ready");
 * off();
 * ```
 */
export class Emitter<Events extends Record<string, unknown[]>> {
  readonly #listeners: { [K in keyof Events]?: Set<(...args: Events[K]) => void> } = {};
  readonly #onListenerError: (error: unknown, name: keyof Events) => void;

  /** `onListenerError` receives what a listener threw, so one bad listener cannot break the emitter's owner. */
  constructor(onListenerError: (error: unknown, name: keyof Events) => void) {
    this.#onListenerError = onListenerError;
  }

  /** Adds a listener; returns a function that removes it. */
  on<K extends keyof Events>(name: K, listener: (...args: Events[K]) => void): () => void {
    const set = this.#listeners[name] ?? new Set();
    this.#listeners[name] = set;
    set.add(listener);
    return () => set.delete(listener);
  }

  /** Calls every listener of `name`; one that throws does not stop the others. */
  emit<K extends keyof Events>(name: K, ...args: Events[K]): void {
    for (const listener of this.#listeners[name] ?? []) {
      try {
        listener(...args);
      } catch (error) {
        this.#onListenerError(error, name);
      }
    }
  }
}
