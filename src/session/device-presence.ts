/**
 * Which devices are attached to a session, by name (pure: no I/O). Two connections with one key
 * (two tabs of one browser) are one device: the list names each device once, sorted, and is
 * rebuilt only when a device comes or goes — `session.state` is built often and goes to every
 * client, so an unchanged list is the same array (compared by identity, serialized once per event).
 *
 * @example
 * ```ts
 * const presence = new DevicePresence();
 * presence.add("phone"); presence.add("me@laptop"); presence.add("phone");
 * presence.names(); // ["me@laptop", "phone"]
 * presence.remove("phone");
 * presence.names(); // ["me@laptop", "phone"] (the other tab is still there)
 * ```
 */
export class DevicePresence {
  /** Connections per device name. */
  readonly #connections = new Map<string, number>();
  #names: string[] = [];

  /** A connection of `device` attached. */
  add(device: string): void {
    const count = this.#connections.get(device) ?? 0;
    this.#connections.set(device, count + 1);
    if (count === 0) this.#rebuild();
  }

  /** A connection of `device` left; its last one takes the device off the list. */
  remove(device: string): void {
    const count = this.#connections.get(device);
    if (count === undefined) return;
    if (count > 1) return void this.#connections.set(device, count - 1);
    this.#connections.delete(device);
    this.#rebuild();
  }

  /** The attached devices' names, each once, sorted; the same array until one comes or goes (shared: never change it). */
  names(): string[] {
    return this.#names;
  }

  #rebuild(): void {
    this.#names = [...this.#connections.keys()].sort();
  }
}
