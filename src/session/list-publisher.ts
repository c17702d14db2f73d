/**
 * The relay's list of sessions as its clients know it and as it is saved: every authenticated
 * client is sent the list when it changed from the copy it last got (in auth.ok or a `sessions`
 * update), coalesced to at most one update per interval, and the list is saved whenever it
 * changed, so a restarted relay lists the same sessions. It also remembers which clients use
 * sessions (sent a session message or named a session): only those get `session.capabilities`,
 * so a v1 client gets no message it cannot know but `sessions`.
 *
 * @example
 * ```ts
 * const lists = new ListPublisher({ list: () => manager.list(), records: () => records, persist, log, clock, intervalMs: 100 });
 * session.join(phone, resume, lists.join(phone)); // auth.ok carries the list; the copy phone has is noted
 * lists.changed();                                // one `sessions` update to whoever has an older copy
 * ```
 */
import type { Logger } from "../log/logger.ts";
import { encodeServerMessage } from "../protocol/encode.ts";
import type { SessionInfo } from "../protocol/messages.ts";
import type { Clock } from "../shared/clock.ts";
import { Throttle } from "../shared/throttle.ts";
import type { SessionRecord } from "./session-list.ts";
import type { SessionClient } from "./session-ports.ts";

export interface ListPublisherOptions {
  /** The open sessions as clients see them. */
  list: () => SessionInfo[];
  /** The open sessions' records, as they are saved. */
  records: () => SessionRecord[];
  /** Saves the records; called whenever they changed. */
  persist?: ((records: SessionRecord[]) => void) | undefined;
  log: Logger;
  clock: Clock;
  /** `sessions` updates go out at most once per this interval. */
  intervalMs: number;
}

/** What the publisher keeps of one authenticated client. */
interface ClientView {
  usesSessions: boolean;
  /** The list as this client was last sent it, serialized. */
  seen: string | undefined;
}

export class ListPublisher {
  readonly #options: ListPublisherOptions;
  readonly #clients = new Map<SessionClient, ClientView>();
  readonly #updates: Throttle;
  /** The records as last saved, serialized. */
  #persisted: string | undefined;
  /** Set by close(): nothing is sent or saved any more. */
  #closed = false;

  constructor(options: ListPublisherOptions) {
    this.#options = options;
    this.#updates = new Throttle(options.intervalMs, () => this.#update(), options.clock);
  }

  /** Authenticated clients. */
  get size(): number {
    return this.#clients.size;
  }

  /** A client authenticated; returns the list serialized for its auth.ok (noting that it has that copy). */
  join(connection: SessionClient): () => string {
    const view: ClientView = { usesSessions: false, seen: undefined };
    this.#clients.set(connection, view);
    return () => {
      view.seen = JSON.stringify(this.#options.list());
      return view.seen;
    };
  }

  /** A client disconnected; false when it had not joined. */
  leave(connection: SessionClient): boolean {
    return this.#clients.delete(connection);
  }

  has(connection: SessionClient): boolean {
    return this.#clients.has(connection);
  }

  /** The client sent a session message or named a session. */
  usingSessions(connection: SessionClient): void {
    const view = this.#clients.get(connection);
    if (view) view.usesSessions = true;
  }

  usesSessions(connection: SessionClient): boolean {
    return this.#clients.get(connection)?.usesSessions ?? false;
  }

  /** The list changed: an update goes out (coalesced) and it is saved. */
  changed(): void {
    if (!this.#closed) this.#updates.request();
  }

  /** At shutdown: sends a pending update and saves the list now; nothing is sent or saved afterwards. */
  close(): void {
    this.#updates.flush();
    this.#persist();
    this.#closed = true;
  }

  /** Sends the list to each client whose last copy differs from it, then saves it. */
  #update(): void {
    const list = this.#options.list();
    const now = JSON.stringify(list);
    let frame: string | undefined;
    for (const [connection, view] of this.#clients) {
      if (view.seen === now) continue;
      frame ??= encodeServerMessage({ type: "sessions", sessions: list });
      connection.send(frame);
      view.seen = now;
    }
    this.#persist();
  }

  #persist(): void {
    const { records, persist, log } = this.#options;
    if (!persist) return;
    const current = records();
    const text = JSON.stringify(current);
    if (text === this.#persisted) return;
    this.#persisted = text;
    try {
      persist(current.map((record) => ({ ...record })));
    } catch (error) {
      log.error("cannot save the list of sessions; a restarted relay will not list the newest ones", { error: String(error) });
    }
  }
}
