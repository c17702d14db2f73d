/**
 * The clients attached to one session and the delivery of its numbered events to them: the one
 * record of who receives a session's events (and the names of their devices).
 *
 * Events are serialized once, numbered once (by the session's replay buffer), and queued; the
 * queue is flushed once per tick with each client's writes coalesced, so a burst of Claude output
 * costs one write per client rather than one per line and client. What is flushed reaches the
 * event store before any client: a seq a client has seen is never handed out again after a crash.
 *
 * @example
 * ```ts
 * const fanOut = new SessionFanOut({ sessionId, events, store, metrics, presenceIntervalMs: 100, onPresence: () => stateChanged() });
 * fanOut.admit(phone, () => encodeServerMessage({ type: "session.attached", … }), { sessionId, lastSeq: 41 });
 * fanOut.publish({ type: "user.prompt", text: "hi", by: phone.clientId }); // to every client at the end of the tick
 * ```
 */

import { encodeServerMessage } from "../protocol/encode.ts";
import type { ResumeRequest } from "../protocol/message-parts.ts";
import type { UnnumberedEvent } from "../protocol/messages.ts";
import type { Metrics } from "../shared/metrics.ts";
import { DevicePresence } from "./device-presence.ts";
import type { EventStore } from "./event-store.ts";
import type { ReplayBuffer } from "./replay-buffer.ts";
import type { SessionClient } from "./session-ports.ts";

export interface FanOutOptions {
  sessionId: string;
  /** Numbering and the events kept for clients that reconnect. */
  events: ReplayBuffer;
  store?: EventStore | undefined;
  metrics?: Metrics | undefined;
  /** Joins and leaves are reported at most this often. */
  presenceIntervalMs: number;
  /** Clients came or went (at most once per presenceIntervalMs). */
  onPresence: () => void;
}

export class SessionFanOut {
  readonly #options: FanOutOptions;
  readonly #clients = new Set<SessionClient>();
  /** The names of the devices of {@link #clients}. */
  readonly #devices = new DevicePresence();
  #queue: string[] = [];
  #flushScheduled = false;
  #presenceTimer: ReturnType<typeof setTimeout> | undefined;

  constructor(options: FanOutOptions) {
    this.#options = options;
  }

  /** The attached clients (joined at login or by session.attach, until they leave). */
  get clients(): ReadonlySet<SessionClient> {
    return this.#clients;
  }

  /** The attached devices' names, each once, sorted; the same array until one comes or goes. */
  devices(): string[] {
    return this.#devices.names();
  }

  /**
   * Adds a client: its opening frame (built once it counts as a client), the replay after
   * `replayFrom`, then live events. Everything numbered so far goes out to the existing clients
   * first, so the newcomer's replay and its live stream meet exactly at lastSeq: nothing twice,
   * nothing missed.
   */
  admit(connection: SessionClient, opening: () => string, replayFrom: ResumeRequest | undefined): void {
    this.flush();
    const joining = !this.#clients.has(connection);
    this.#clients.add(connection);
    if (joining && connection.key) this.#devices.add(connection.key.device);
    const frames = [opening()];
    if (replayFrom) {
      const { sessionId } = this.#options;
      const replay = this.#options.events.since(replayFrom.sessionId, replayFrom.lastSeq);
      if (replay.gap) frames.push(encodeServerMessage({ type: "replay.gap", sessionId, ...replay.gap }));
      frames.push(...replay.frames);
      connection.log.debug("replaying", { sessionId, fromSeq: replayFrom.lastSeq + 1, events: replay.frames.length, gap: replay.gap });
    }
    if (frames.length === 1)
      connection.send(frames[0]!); // a login without replay: nothing to coalesce
    else connection.sendBatch(frames);
    if (joining) this.#presenceChanged();
  }

  leave(connection: SessionClient): void {
    if (!this.#clients.delete(connection)) return;
    if (connection.key) this.#devices.remove(connection.key.device);
    this.#presenceChanged();
  }

  /** Numbers an event and queues it for every client. */
  publish(event: UnnumberedEvent): void {
    this.enqueue(this.#options.events.append(event));
  }

  /** Queues a frame already numbered (appended to the replay buffer) for every client. */
  enqueue(frame: string): void {
    this.#queue.push(frame);
    if (this.#flushScheduled) return;
    this.#flushScheduled = true;
    queueMicrotask(() => this.flush());
  }

  /** Sends what is queued now: to the event store first, then to every client. */
  flush(): void {
    this.#flushScheduled = false;
    if (this.#queue.length === 0) return;
    const frames = this.#queue;
    this.#queue = [];
    const { events, store, metrics } = this.#options;
    // On disk before on the wire: a seq a client has seen is never handed out again after a crash.
    store?.append(frames, () => events.frames());
    for (const client of this.#clients) {
      if (frames.length === 1) client.send(frames[0]!);
      else client.sendBatch(frames);
    }
    if (metrics && this.#clients.size > 0) {
      let chars = 0;
      for (const frame of frames) chars += frame.length;
      metrics.inc("claude_relay_deliveries_total", {}, frames.length * this.#clients.size);
      metrics.inc("claude_relay_delivered_bytes_total", {}, chars * this.#clients.size);
    }
  }

  /** Stops reporting presence (the session is closing). */
  close(): void {
    if (this.#presenceTimer) clearTimeout(this.#presenceTimer);
    this.#presenceTimer = undefined;
  }

  /** Joins and leaves come in storms after a network blip: report them at most once per interval. */
  #presenceChanged(): void {
    if (this.#presenceTimer) return;
    this.#presenceTimer = setTimeout(() => {
      this.#presenceTimer = undefined;
      this.#options.onPresence();
    }, this.#options.presenceIntervalMs);
  }
}
