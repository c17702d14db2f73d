/**
 * The one shared session: every authenticated client sees the same numbered events (Claude's
 * output, prompts, permission requests and their resolution, state changes), and any client may
 * prompt, answer a permission or interrupt.
 *
 * Events are serialized once, numbered once, and queued; the queue is flushed once per tick with
 * each client's writes coalesced, so a burst of Claude output costs one write per client rather
 * than one per line and client.
 *
 * @example
 * ```ts
 * const session = new Session({ sessionId, claude, log, replay: { maxEvents: 10_000, maxBytes: 16 << 20 } });
 * supervisor.on("event", (line) => session.claudeEvent(line));
 * const gateway = new Gateway({ session, … });
 * ```
 */
import type { Logger } from "../log/logger.ts";
import type { SessionStateName } from "../protocol/messages.ts";
import type { Connection } from "../server/connection.ts";
import type { Metrics } from "../server/metrics.ts";
import type { ResumeRequest, SessionMessage, SessionPort } from "../server/gateway.ts";
import { ReplayBuffer, type ReplayLimits } from "./replay-buffer.ts";
import type { EventStore } from "./event-store.ts";
import type { ClaudeState } from "../claude/supervisor.ts";
import type { PermissionAnswer } from "../claude/stream-json.ts";
import { PendingPermissions, type PermissionRequest, type PermissionRequestMessage } from "./permissions.ts";


/** What the session needs from the Claude supervisor (src/claude). */
export interface ClaudePort {
  readonly state: ClaudeState;
  readonly pid: number | undefined;
  readonly restarts: number;
  /** Sends (or, while Claude restarts, queues) a prompt; a refusal (failed, stopping, queue full) says why. */
  prompt(text: string): { ok: true } | { ok: false; reason: string };
  /** Interrupts the current turn; false when no running Claude can be interrupted. */
  interrupt(): boolean;
  /** Delivers an answer; false when Claude no longer waits for it. */
  answerPermission(requestId: string, answer: PermissionAnswer): boolean;
}

export interface SessionOptions {
  sessionId: string;
  claude: ClaudePort;
  log: Logger;
  replay: ReplayLimits;
  /** Presence (client count) changes are broadcast at most this often. */
  presenceIntervalMs?: number;
  metrics?: Metrics;
  /** Where events are persisted, and the frames it held at start (to continue numbering and replay). */
  store?: { store: EventStore; saved: string[] };
}

interface StateSnapshot {
  state: SessionStateName;
  claudePid: number;
  restarts: number;
  clients: number;
}

function sameState(a: StateSnapshot, b: StateSnapshot): boolean {
  return a.state === b.state && a.clients === b.clients && a.claudePid === b.claudePid && a.restarts === b.restarts;
}

export interface SessionHealth {
  state: SessionStateName;
  clients: number;
  claudePid: number;
  sessionId: string;
  restarts: number;
  pendingPermissions: number;
  replay: { events: number; bytes: number; oldestSeq: number; lastSeq: number };
}

export class Session implements SessionPort {
  readonly sessionId: string;
  readonly clients = new Set<Connection>();
  readonly events: ReplayBuffer;
  readonly permissions = new PendingPermissions();
  readonly #claude: ClaudePort;
  readonly #log: Logger;
  readonly #presenceIntervalMs: number;
  readonly #metrics: Metrics | undefined;
  readonly #store: EventStore | undefined;
  #queue: string[] = [];
  #flushScheduled = false;
  /** session.state snapshots waiting for the end of the tick. */
  #stateQueue: StateSnapshot[] = [];
  #published: StateSnapshot | undefined;
  #presenceTimer: ReturnType<typeof setTimeout> | undefined;

  constructor(options: SessionOptions) {
    this.sessionId = options.sessionId;
    this.#claude = options.claude;
    this.#log = options.log;
    this.#presenceIntervalMs = options.presenceIntervalMs ?? 100;
    this.#metrics = options.metrics;
    this.#store = options.store?.store;
    this.events = options.store
      ? ReplayBuffer.restore(options.sessionId, options.replay, options.store.saved)
      : new ReplayBuffer(options.sessionId, options.replay);
  }

  /** The state clients see: Claude's, with `waiting_permission` while a request is pending. */
  get state(): SessionStateName {
    const claude = this.#claude.state;
    if (claude === "stopped") return "stopping";
    if ((claude === "ready" || claude === "busy") && this.permissions.size > 0) return "waiting_permission";
    return claude;
  }

  health(): SessionHealth {
    return {
      state: this.state,
      clients: this.clients.size,
      claudePid: this.#claude.pid ?? 0,
      sessionId: this.sessionId,
      restarts: this.#claude.restarts,
      pendingPermissions: this.permissions.size,
      replay: { events: this.events.size, bytes: this.events.bytes, oldestSeq: this.events.oldestSeq, lastSeq: this.events.lastSeq },
    };
  }

  // ── clients (called by the gateway) ──────────────────────────────────────────────────────────

  join(connection: Connection, resume: ResumeRequest | undefined): void {
    // Everything numbered so far goes out to the existing clients first, so the newcomer's replay
    // and its live stream meet exactly at lastSeq: nothing twice, nothing missed.
    this.#flush();
    const authOk = {
      type: "auth.ok",
      clientId: connection.clientId,
      sessionId: this.sessionId,
      key: connection.key,
      state: { state: this.state, claudePid: this.#claude.pid ?? 0, clients: this.clients.size + 1, pendingPermissions: this.permissions.list() },
      // extension: where the session is, so a client that drops before its first event can still
      // resume from here instead of asking for the whole buffer
      lastSeq: this.events.lastSeq,
    };
    const frames = [JSON.stringify(authOk)];
    if (resume) {
      const replay = this.events.since(resume.sessionId, resume.lastSeq);
      if (replay.gap) frames.push(JSON.stringify({ type: "replay.gap", sessionId: this.sessionId, ...replay.gap }));
      frames.push(...replay.frames);
      connection.log.debug("replaying", { fromSeq: resume.lastSeq + 1, events: replay.frames.length, gap: replay.gap });
    }
    connection.sendBatch(frames);
    this.clients.add(connection);
    this.#presenceChanged();
  }

  leave(connection: Connection): void {
    if (this.clients.delete(connection)) this.#presenceChanged();
  }

  handle(connection: Connection, message: SessionMessage): void {
    switch (message.type) {
      case "prompt":
        return this.#prompt(connection, message.text, message.id);
      case "permission.response":
        return this.#answer(connection, message);
      case "interrupt":
        return this.#interrupt(connection, message.id);
    }
  }

  // ── Claude (called by the supervisor's events) ───────────────────────────────────────────────

  /** One verbatim stream-json line (already known to be a JSON object). */
  claudeEvent(line: string): void {
    const seq = this.events.lastSeq + 1;
    this.#enqueue(this.events.appendFrame(seq, `{"type":"claude.event","sessionId":${JSON.stringify(this.sessionId)},"seq":${seq},"event":${line}}`));
  }

  permissionRequested(request: PermissionRequest): void {
    const message = { type: "permission.request", sessionId: this.sessionId, seq: this.events.lastSeq + 1, ...request } as PermissionRequestMessage;
    this.permissions.add(message);
    this.#log.info("permission requested", { requestId: request.requestId, toolName: request.toolName, clients: this.clients.size });
    this.#publish({ ...message });
    this.#stateChanged();
  }

  /** A request was withdrawn: by Claude (control_cancel_request), or by the relay when Claude died or stopped. */
  permissionCancelled(requestId: string, by: "claude" | "relay"): void {
    if (!this.permissions.take(requestId)) return;
    this.#publish({ type: "permission.resolved", requestId, behavior: "cancelled", by });
    this.#stateChanged();
  }

  /** Claude's process state changed; a dead Claude withdraws every pending request. */
  claudeStateChanged(): void {
    const claude = this.#claude.state;
    if (claude !== "ready" && claude !== "busy" && claude !== "starting") this.#withdrawAll("relay");
    this.#stateChanged();
  }

  // ── internals ────────────────────────────────────────────────────────────────────────────────

  #prompt(connection: Connection, text: string, id: string | undefined): void {
    const sent = this.#claude.prompt(text);
    if (!sent.ok) return connection.sendError("claude_unavailable", sent.reason, id);
    connection.log.debug("prompt", { chars: text.length, id });
    this.#publish({ type: "user.prompt", text, by: connection.clientId, ...(id !== undefined && { id }) });
  }

  #answer(connection: Connection, message: Extract<SessionMessage, { type: "permission.response" }>): void {
    const request = this.permissions.take(message.requestId);
    if (!request) {
      return connection.sendError("unknown_permission", `no pending permission request ${JSON.stringify(message.requestId)}; it was already answered or withdrawn`, message.id);
    }
    const answer: PermissionAnswer = { behavior: message.behavior };
    if (message.message !== undefined) answer.message = message.message;
    if (message.updatedInput !== undefined) answer.updatedInput = message.updatedInput;
    const delivered = this.#claude.answerPermission(message.requestId, answer);
    connection.log.info("permission answered", { requestId: message.requestId, toolName: request.toolName, behavior: message.behavior, delivered });
    this.#publish({ type: "permission.resolved", requestId: message.requestId, behavior: delivered ? message.behavior : "cancelled", by: delivered ? connection.clientId : "relay" });
    this.#stateChanged();
  }

  #interrupt(connection: Connection, id: string | undefined): void {
    if (!this.#claude.interrupt()) {
      return connection.sendError("claude_unavailable", `Claude is ${this.#claude.state}; nothing to interrupt`, id);
    }
    connection.log.info("interrupt");
    this.#withdrawAll(connection.clientId);
    this.#stateChanged();
  }

  #withdrawAll(by: string): void {
    for (const request of this.permissions.takeAll()) {
      this.#publish({ type: "permission.resolved", requestId: request.requestId, behavior: "cancelled", by });
    }
  }

  /**
   * Records the state as it is now and publishes it at the end of the current tick, so the event
   * that caused a change (a prompt, a permission request, Claude's result) is numbered before it.
   * Every distinct state is published, in order, even one that lasted less than a tick.
   */
  #stateChanged(): void {
    const snapshot: StateSnapshot = { state: this.state, clients: this.clients.size, claudePid: this.#claude.pid ?? 0, restarts: this.#claude.restarts };
    const last = this.#stateQueue.at(-1) ?? this.#published;
    if (last && sameState(last, snapshot)) return;
    this.#stateQueue.push(snapshot);
    if (this.#stateQueue.length === 1) queueMicrotask(() => this.#publishStates());
  }

  #publishStates(): void {
    for (const next of this.#stateQueue.splice(0)) {
      if (next.state !== this.#published?.state) this.#log.info(`session ${next.state}`, { claudePid: next.claudePid, restarts: next.restarts, clients: next.clients });
      this.#published = next;
      this.#publish({ type: "session.state", ...next });
    }
  }

  /** Joins and leaves come in storms after a network blip: broadcast their count at most once per interval. */
  #presenceChanged(): void {
    if (this.#presenceTimer) return;
    this.#presenceTimer = setTimeout(() => {
      this.#presenceTimer = undefined;
      this.#stateChanged();
    }, this.#presenceIntervalMs);
  }

  #publish(event: { type: string } & Record<string, unknown>): void {
    this.#enqueue(this.events.append(event));
  }

  #enqueue(frame: string): void {
    this.#queue.push(frame);
    if (this.#flushScheduled) return;
    this.#flushScheduled = true;
    queueMicrotask(() => this.#flush());
  }

  #flush(): void {
    this.#flushScheduled = false;
    if (this.#queue.length === 0) return;
    const frames = this.#queue;
    this.#queue = [];
    // On disk before on the wire: a seq a client has seen is never handed out again after a crash.
    this.#store?.append(frames, () => this.events.frames());
    for (const client of this.clients) {
      if (frames.length === 1) client.send(frames[0]!);
      else client.sendBatch(frames);
    }
    if (this.#metrics && this.clients.size > 0) {
      let chars = 0;
      for (const frame of frames) chars += frame.length;
      this.#metrics.inc("claude_relay_deliveries_total", {}, frames.length * this.clients.size);
      this.#metrics.inc("claude_relay_delivered_bytes_total", {}, chars * this.clients.size);
    }
  }

  /**
   * Sends what is still pending (e.g. the `failed` state that made the relay stop) and stops the
   * timers. Called before the gateway closes the clients.
   */
  close(): void {
    if (this.#presenceTimer) clearTimeout(this.#presenceTimer);
    this.#presenceTimer = undefined;
    this.#publishStates();
    this.#flush();
  }
}
