/**
 * One Claude conversation shared by its clients: every client sees the same numbered events
 * (Claude's output, prompts, permission requests and their resolution, state changes), and any
 * client may prompt, answer a permission or interrupt.
 *
 * The session owns everything about its conversation: its subscription to the Claude supervisor,
 * the numbering and replay buffer, the one table of pending permissions (withdrawn here, once,
 * when Claude dies, stops or is interrupted), the event store on disk, and its health (Claude's
 * state, whether Claude can authenticate, whether events still reach the disk).
 *
 * Events are serialized once, numbered once, and queued; the queue is flushed once per tick with
 * each client's writes coalesced, so a burst of Claude output costs one write per client rather
 * than one per line and client.
 *
 * A session whose Claude is not running (restored after a relay restart, or stopped by
 * `suspend()` after `--idle-timeout` without a turn) is `idle`; its next prompt starts Claude,
 * which resumes the conversation. `end()` stops a session for good (session.stop); the relay's own
 * shutdown uses `close()` and stops Claude itself.
 *
 * @example
 * ```ts
 * const claude = new ClaudeSupervisor({ bin, cwd, sessionId, logger });
 * const session = new Session({ sessionId, claude, log, replay: { maxEvents: 10_000, maxBytes: 16 << 20 } });
 * const gateway = new Gateway({ session, … });
 * await claude.start();
 * // …
 * session.close();
 * await claude.stop();
 * ```
 */

import { type ClaudeAuthProblem, credentialsAtStart, credentialsSignal } from "../claude/credentials.ts";
import type { PermissionAnswer, PermissionRequest, PromptImage } from "../claude/stream-json.ts";
import type { ClaudeState, ControlResult, SupervisorEvents } from "../claude/supervisor.ts";
import type { Logger } from "../log/logger.ts";
import { encodeAuthOk, encodeClaudeEvent, encodeServerMessage } from "../protocol/encode.ts";
import type { ClientMessage, ServerMessage, SessionCapabilities, SessionInfo, SessionStateName, UnnumberedEvent } from "../protocol/messages.ts";
import type { Connection } from "../server/connection.ts";
import type { ResumeRequest } from "../server/gateway.ts";
import type { Metrics } from "../server/metrics.ts";
import { capabilitiesFrom, sameCapabilities } from "./capabilities.ts";
import { DevicePresence } from "./device-presence.ts";
import type { EventStore } from "./event-store.ts";
import { LiveView } from "./live-view.ts";
import { checkPermissionUpdates } from "./permission-updates.ts";
import { PendingPermissions } from "./permissions.ts";
import { checkPromptImages } from "./prompt-images.ts";
import { ReplayBuffer, type ReplayLimits } from "./replay-buffer.ts";
import { choosablePermissionModes, SessionSettings, type SettingsChange } from "./session-settings.ts";

/** What the session needs from the Claude supervisor (src/claude). */
export interface ClaudePort {
  readonly state: ClaudeState;
  readonly pid: number | undefined;
  readonly restarts: number;
  /** Starts Claude (from `stopped`); it resumes the conversation when Claude has persisted it. */
  start(): Promise<void>;
  /** Ends Claude's whole process tree; the supervisor is `stopped` afterwards. */
  stop(): Promise<void>;
  /** Subscribes to the supervisor's events; returns the unsubscribe function. */
  on<K extends keyof SupervisorEvents>(name: K, listener: (...args: SupervisorEvents[K]) => void): () => void;
  /** Sends (or, while Claude restarts, queues) a prompt; a refusal (failed, stopping, queue full) says why. */
  prompt(text: string, images?: readonly PromptImage[]): { ok: true } | { ok: false; reason: string };
  /** Sends a control request to the running Claude (`set_permission_mode`, `set_model`) and resolves with its answer. */
  control(subtype: string, fields?: Record<string, unknown>): Promise<ControlResult>;
  /** Interrupts the current turn; false when no running Claude can be interrupted. */
  interrupt(): boolean;
  /** Writes an answer to the running Claude; false when no Claude runs to receive it. */
  answerPermission(request: Pick<PermissionRequest, "requestId" | "input">, answer: PermissionAnswer): boolean;
}

/** What the session needs from a client connection (src/server). */
export type SessionClient = Pick<Connection, "clientId" | "key" | "log" | "send" | "sendBatch" | "sendError">;

/** The control request that sets each setting, and its field. */
const SETTING_REQUESTS = { permissionMode: ["set_permission_mode", "mode"], model: ["set_model", "model"] } as const;

/** The client messages a session handles itself: the conversation. */
export type ConversationMessage = Extract<ClientMessage, { type: "prompt" | "permission.response" | "interrupt" | "session.status.get" | "task.stop" }>;

/** Told what a list of sessions shows about this one (its title, its last activity). */
export interface SessionObserver {
  /** A prompt was sent to Claude. */
  prompted(text: string): void;
  /** The state clients see changed (not only its client count), or the permission mode or model. */
  stateChanged(state: SessionStateName): void;
  /** Claude (re)started and told its models and slash commands, and they differ from before. */
  capabilities?(capabilities: SessionCapabilities): void;
}

/** What a list of sessions shows that the session itself knows. */
export type SessionSummary = Pick<SessionInfo, "sessionId" | "state" | "clients" | "devices" | "permissionMode" | "model">;

export interface SessionOptions {
  sessionId: string;
  claude: ClaudePort;
  log: Logger;
  replay: ReplayLimits;
  /** Presence (client count) changes are broadcast at most this often. */
  presenceIntervalMs?: number;
  /** session.status goes out at most this often (default 500 ms). */
  statusIntervalMs?: number;
  metrics?: Metrics;
  /** Where events are persisted, and the frames it held at start (to continue numbering and replay); closed by close(). */
  store?: { store: EventStore; saved: string[] };
  observer?: SessionObserver;
  /** The permission modes clients may choose (for pickers and `setMode` updates); default: all but bypassPermissions. */
  permissionModes?: readonly string[];
}

type PromptResult = ReturnType<ClaudePort["prompt"]>;

/** Prompts held while an idle Claude stops (as many as the supervisor queues while Claude starts). */
const MAX_HELD_PROMPTS = 100;

type StateSnapshot = Omit<ServerMessage<"session.state">, "type" | "sessionId" | "seq">;

function sameState(a: StateSnapshot, b: StateSnapshot): boolean {
  return (
    a.state === b.state &&
    a.clients === b.clients &&
    a.devices === b.devices && // the same array until a device comes or goes (DevicePresence)
    a.claudePid === b.claudePid &&
    a.restarts === b.restarts &&
    a.permissionMode === b.permissionMode &&
    a.model === b.model &&
    a.claudeAuthError?.reason === b.claudeAuthError?.reason
  );
}

export interface SessionHealth {
  state: SessionStateName;
  clients: number;
  claudePid: number;
  sessionId: string;
  restarts: number;
  pendingPermissions: number;
  replay: { events: number; bytes: number; oldestSeq: number; lastSeq: number };
  /** Why this session cannot fully serve its clients now; empty when it can. */
  degraded: string[];
}

export class Session {
  readonly sessionId: string;
  readonly clients = new Set<SessionClient>();
  /** The names of the devices in {@link clients}, for session.state and the list. */
  readonly #devices = new DevicePresence();
  /** Numbering and the events kept for clients that reconnect. */
  readonly events: ReplayBuffer;
  readonly #permissions = new PendingPermissions();
  /** claude.partial and session.status for the clients that asked (v3). */
  readonly #live: LiveView;
  readonly #claude: ClaudePort;
  readonly #log: Logger;
  readonly #presenceIntervalMs: number;
  readonly #metrics: Metrics | undefined;
  readonly #store: EventStore | undefined;
  readonly #unsubscribe: Array<() => void>;
  readonly #observer: SessionObserver | undefined;
  /** Claude's permission mode and model, as session.state and the list report them. */
  readonly #settings = new SessionSettings();
  readonly #permissionModes: readonly string[];
  /** What Claude last told of its models and slash commands, for pickers. */
  #capabilities: SessionCapabilities | undefined;
  /** {@link #capabilities} serialized, for every auth.ok. */
  #capabilitiesJson: string | undefined;
  /** Set by end(): a stopped Claude then means the session is going away, not idle. */
  #ending = false;
  /** Set by close(): nothing starts Claude any more. */
  #closed = false;
  /** While suspend() stops Claude: the prompts that arrived meanwhile, delivered once it has stopped. */
  #held: Array<() => PromptResult> | undefined;
  /** Set while Claude cannot authenticate to the API; cleared by a turn that succeeds. */
  #authProblem: ClaudeAuthProblem | undefined;
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
    this.#observer = options.observer;
    this.#permissionModes = options.permissionModes ?? choosablePermissionModes(false);
    this.#live = new LiveView({ sessionId: options.sessionId, ...(options.statusIntervalMs !== undefined && { statusIntervalMs: options.statusIntervalMs }) });
    this.events = options.store
      ? ReplayBuffer.restore(options.sessionId, options.replay, options.store.saved)
      : new ReplayBuffer(options.sessionId, options.replay);
    const claude = options.claude;
    this.#unsubscribe = [
      claude.on("event", (line, event) => this.#claudeEvent(line, event)),
      claude.on("initialized", (response) => this.#credentials(credentialsAtStart(response), "start")),
      claude.on("initialized", (response) => this.#claudeStarted(response)),
      claude.on("permissionRequest", (request) => this.#permissionRequested(request)),
      claude.on("permissionCancelled", (requestId) => this.#permissionCancelled(requestId)),
      claude.on("state", () => this.#claudeStateChanged()),
    ];
  }

  /** The state clients see: Claude's, with `waiting_permission` while a request is pending. */
  get state(): SessionStateName {
    const claude = this.#claude.state;
    if (claude === "stopped") return this.#ending ? "stopping" : "idle";
    if (this.#held && !this.#ending) return "idle"; // suspended: its Claude is on its way out
    if ((claude === "ready" || claude === "busy") && this.#permissions.size > 0) return "waiting_permission";
    return claude;
  }

  health(): SessionHealth {
    const state = this.state;
    const degraded: string[] = [];
    if (state === "restarting" || state === "failed" || state === "starting" || state === "stopping") degraded.push(`claude ${state}`);
    if (this.#authProblem) degraded.push(this.#authProblem.message);
    if (this.#store && !this.#store.healthy) degraded.push("event log not persisted (disk error)");
    return {
      state,
      clients: this.clients.size,
      claudePid: this.#claude.pid ?? 0,
      sessionId: this.sessionId,
      restarts: this.#claude.restarts,
      pendingPermissions: this.#permissions.size,
      replay: { events: this.events.size, bytes: this.events.bytes, oldestSeq: this.events.oldestSeq, lastSeq: this.events.lastSeq },
      degraded,
    };
  }

  /** The session's part of its entry in a list of sessions. */
  summary(): SessionSummary {
    const { permissionMode, model } = this.#settings;
    const devices = this.#devices.names();
    return { sessionId: this.sessionId, state: this.state, clients: this.clients.size, devices, permissionMode, ...(model !== undefined && { model }) };
  }

  /** The permission mode and model a new Claude process of this session must be told (see SessionSettings). */
  carriedSettings(): SettingsChange {
    return this.#settings.forNewClaude();
  }

  /**
   * Settings an earlier run of the relay saved, taken before anything happened: no state change is
   * published (clients see them in every snapshot), and Claude is told them when it starts.
   */
  restoreSettings(change: SettingsChange): void {
    this.#settings.set(change);
  }

  /** Claude's models and slash commands as it last told them, with the modes clients may choose; undefined until Claude first started. */
  get capabilities(): SessionCapabilities | undefined {
    return this.#capabilities;
  }

  // ── clients (called by the session manager) ──────────────────────────────────────────────────

  /**
   * A client that just authenticated: `auth.ok` (with `sessionsJson()`, the relay's list as JSON,
   * when given, and Web Push's `push` field), the replay `resume` asks for, then live events (with
   * `partial`, the live view's too).
   */
  join(
    connection: SessionClient,
    resume: ResumeRequest | undefined,
    sessionsJson?: () => string,
    push?: ServerMessage<"auth.ok">["push"],
    partial = false,
  ): void {
    const key = connection.key;
    if (!key) throw new Error("a connection joined the session before it authenticated");
    this.#admit(
      connection,
      (state) =>
        encodeAuthOk(
          {
            type: "auth.ok",
            clientId: connection.clientId,
            sessionId: this.sessionId,
            key,
            state,
            // extension: where the session is, so a client that drops before its first event can still
            // resume from here instead of asking for the whole buffer
            lastSeq: this.events.lastSeq,
            ...(push && { push }),
          },
          sessionsJson?.(),
          this.#capabilitiesJson,
        ),
      resume,
      partial,
    );
  }

  /**
   * `session.attach`: `session.attached` (the state now and the newest seq), the events after
   * `lastSeq` (absent: every event held), then live events (with `partial`, the live view's too).
   * Attaching again replays again.
   */
  attach(connection: SessionClient, lastSeq: number | undefined, id: string | undefined, partial = false): void {
    this.#admit(
      connection,
      (state) =>
        encodeServerMessage({
          type: "session.attached",
          sessionId: this.sessionId,
          lastSeq: this.events.lastSeq,
          state,
          ...(id !== undefined && { id }),
          ...(this.#capabilities && { capabilities: this.#capabilities }),
        }),
      { sessionId: this.sessionId, lastSeq: lastSeq ?? 0 },
      partial,
    );
  }

  leave(connection: SessionClient): void {
    if (!this.clients.delete(connection)) return;
    this.#live.leave(connection);
    if (connection.key) this.#devices.remove(connection.key.device);
    this.#presenceChanged();
  }

  handle(connection: SessionClient, message: ConversationMessage): void {
    switch (message.type) {
      case "prompt":
        return this.#prompt(connection, message.text, message.id, message.images);
      case "permission.response":
        return this.#answer(connection, message);
      case "interrupt":
        return this.#interrupt(connection, message.id);
      case "session.status.get":
        return this.#live.sendStatus(connection, message.id);
      case "task.stop":
        return this.#live.stopTask(connection, message.taskId, message.id, (subtype, fields) => this.#claude.control(subtype, fields));
    }
  }

  /**
   * `session.configure` (and session.create's mode and model), already checked against what clients
   * may choose. A running Claude is told at once and the change is reported once it took it; one
   * that does not run now (idle or being stopped for idleness, starting, restarting) is told right
   * after it starts, before any prompt, and the change is reported at once. `connection` (absent
   * for session.create) gets `session.configured`, or the error when Claude refused: then nothing
   * changed.
   */
  async configure(change: SettingsChange, connection?: SessionClient, id?: string): Promise<void> {
    const claude = this.#claude.state;
    // suspend() stopping Claude for idleness: the session is idle, and its next Claude is told
    const suspending = this.#held !== undefined;
    if (this.#ending || claude === "failed" || (claude === "stopping" && !suspending)) {
      return connection?.sendError("claude_unavailable", `Claude is ${this.state}; the session cannot be configured`, id);
    }
    if (suspending || (claude !== "ready" && claude !== "busy")) {
      this.#settings.set(change);
      this.#log.info("session configured; Claude is told when it starts", { ...change, claude });
      return this.#configured(connection, id);
    }
    const refusals: string[] = [];
    let took = 0;
    await Promise.all(
      (Object.keys(SETTING_REQUESTS) as Array<keyof SettingsChange>).map(async (setting) => {
        const value = change[setting];
        if (value === undefined) return;
        const [subtype, field] = SETTING_REQUESTS[setting];
        const result = await this.#claude.control(subtype, { [field]: value });
        if (result.ok) {
          this.#settings.set({ [setting]: value });
          took += 1;
        } else refusals.push(`${setting} ${JSON.stringify(value)}: ${result.error}`);
      }),
    );
    if (refusals.length === 0) {
      this.#log.info("session configured", { ...change });
      return this.#configured(connection, id);
    }
    if (took > 0) this.#stateChanged(); // the part Claude did take
    const running = this.#claude.state === "ready" || this.#claude.state === "busy";
    this.#log.warn("Claude did not take a configuration", { refusals, running });
    connection?.sendError(
      running ? "invalid_message" : "claude_unavailable",
      `Claude ${running ? "refused" : "stopped before taking"} ${refusals.join("; ")}`,
      id,
    );
  }

  #configured(connection: SessionClient | undefined, id: string | undefined): void {
    this.#stateChanged();
    const { permissionMode, model } = this.#settings;
    connection?.send(
      encodeServerMessage({
        type: "session.configured",
        sessionId: this.sessionId,
        permissionMode,
        ...(model !== undefined && { model }),
        ...(id !== undefined && { id }),
      }),
    );
  }

  /**
   * Sends what is still pending (e.g. the `failed` state that made the relay stop), stops the
   * timers, stops listening to Claude and closes the event store. Called before the gateway closes
   * the clients and before Claude is stopped.
   */
  close(): void {
    this.#closed = true;
    for (const unsubscribe of this.#unsubscribe.splice(0)) unsubscribe();
    this.#live.close();
    if (this.#presenceTimer) clearTimeout(this.#presenceTimer);
    this.#presenceTimer = undefined;
    this.#publishStates();
    this.#flush();
    this.#store?.close();
  }

  /**
   * Ends the session for good (session.stop): Claude's process tree is stopped, its clients get
   * the final `session.state` (`stopping`, claudePid 0), and the session closes. Its event log
   * stays on disk, so the numbering would continue if the conversation were resumed.
   */
  async end(): Promise<void> {
    this.#ending = true;
    await this.#claude.stop();
    this.close();
  }

  /**
   * Stops Claude of a session that has no turn running and no permission pending (the idle
   * timeout): the session is `idle` at once and stays listed, attached clients stay attached, and
   * its next prompt starts Claude again with `--resume`. A prompt that arrives while Claude is
   * still stopping is held and delivered once it has stopped. Does nothing in any other state.
   */
  async suspend(): Promise<void> {
    if (this.state !== "ready" || this.#closed) return;
    this.#held = [];
    this.#log.info("stopping Claude: no turn for the idle timeout; the next prompt starts it again", { claudePid: this.#claude.pid });
    this.#stateChanged();
    try {
      await this.#claude.stop();
    } finally {
      const held = this.#held;
      this.#held = undefined;
      if (this.#ending || this.#closed) {
        if (held.length > 0) this.#log.warn("prompts sent while Claude stopped not delivered: the session is ending", { count: held.length });
      } else if (held.length > 0) {
        this.#wake();
        for (const send of held) send();
      }
      this.#stateChanged();
    }
  }

  // ── Claude (the supervisor's events) ─────────────────────────────────────────────────────────

  /** One verbatim stream-json line (already known to be a JSON object) and its parse. */
  #claudeEvent(line: string, event: Record<string, unknown>): void {
    // a stream_event (partial message) goes only to the clients that asked, in the next flush
    if (this.#live.observe(line, event, this.#queue.length)) return this.#scheduleFlush();
    const seq = this.events.lastSeq + 1;
    this.#enqueue(this.events.appendFrame(seq, encodeClaudeEvent(this.sessionId, seq, line)));
    this.#credentials(credentialsSignal(event), "turn");
    const resolved = (value: string) => this.#capabilities?.models.find((model) => model.value === value)?.resolvedModel;
    if (this.#settings.observe(event, resolved)) this.#stateChanged();
  }

  /**
   * Claude answered `initialize`: its models and commands are the pickers' now, and it is told the
   * mode and model the session had (chosen, or the last Claude's) — written before any queued
   * prompt, so a restart with `--resume` does not silently fall back to Claude's launch defaults.
   */
  #claudeStarted(response: Record<string, unknown>): void {
    const capabilities = capabilitiesFrom(response, this.#permissionModes);
    if (!sameCapabilities(capabilities, this.#capabilities)) {
      this.#capabilities = capabilities;
      this.#capabilitiesJson = JSON.stringify(capabilities);
      this.#observer?.capabilities?.(capabilities);
    }
    const carried = this.#settings.forNewClaude();
    for (const setting of Object.keys(carried) as Array<keyof SettingsChange>) {
      const [subtype, field] = SETTING_REQUESTS[setting];
      const value = carried[setting];
      void this.#claude.control(subtype, { [field]: value }).then((result) => {
        // what Claude then runs with shows in its next status or init line
        if (!result.ok) this.#log.warn(`Claude did not take the session's ${setting}`, { [setting]: value, error: result.error });
      });
    }
  }

  #permissionRequested(request: PermissionRequest): void {
    const event = { type: "permission.request" as const, ...request };
    this.#publish(event);
    this.#permissions.add({ type: event.type, sessionId: this.sessionId, seq: this.events.lastSeq, ...request });
    this.#log.info("permission requested", { requestId: request.requestId, toolName: request.toolName, clients: this.clients.size });
    this.#stateChanged();
  }

  /** Claude withdrew a request (control_cancel_request); one already answered or withdrawn is ignored. */
  #permissionCancelled(requestId: string): void {
    if (!this.#permissions.take(requestId)) return;
    this.#publish({ type: "permission.resolved", requestId, behavior: "cancelled", by: "claude" });
    this.#stateChanged();
  }

  /** Claude's process state changed; a Claude that died, failed or is stopping withdraws every pending request. */
  #claudeStateChanged(): void {
    const claude = this.#claude.state;
    if (claude !== "ready" && claude !== "busy" && claude !== "starting") {
      this.#withdrawAll("relay");
      this.#live.claudeGone();
    }
    this.#stateChanged();
  }

  /**
   * Tracks whether Claude can authenticate. A problem is logged once, with what to do, when it
   * appears, and shown in session.state and /healthz until a turn succeeds. At start, credentials
   * being present only clears "not logged in": present credentials may still be refused.
   */
  #credentials(signal: ClaudeAuthProblem | "ok" | undefined, from: "start" | "turn"): void {
    if (signal === undefined) return;
    const current = this.#authProblem;
    if (signal === "ok") {
      if (!current || (from === "start" && current.reason !== "not_logged_in")) return;
      this.#authProblem = undefined;
      this.#log.info("Claude Code can authenticate again", { was: current.reason });
    } else {
      if (current?.reason === signal.reason) return;
      this.#authProblem = signal;
      this.#log.warn(signal.message, { reason: signal.reason });
    }
    this.#stateChanged();
  }

  // ── internals ────────────────────────────────────────────────────────────────────────────────

  #prompt(connection: SessionClient, text: string, id: string | undefined, images: readonly PromptImage[] = []): void {
    const checked = checkPromptImages(images);
    if (!checked.ok) return connection.sendError("invalid_message", `prompt: ${checked.message}; nothing was sent to Claude`, id);
    const sent = this.#send(() => this.#claude.prompt(text, images));
    if (!sent.ok) return connection.sendError("claude_unavailable", sent.reason, id);
    connection.log.debug("prompt", { chars: text.length, id, images: images.length });
    // images by type and size only: their bytes went to Claude, not into every client's replay buffer
    this.#publish({
      type: "user.prompt",
      text,
      by: connection.clientId,
      ...deviceOf(connection),
      ...(id !== undefined && { id }),
      ...(checked.images.length > 0 && { images: checked.images }),
    });
    this.#observer?.prompted(text);
  }

  /**
   * Hands a prompt to Claude: an idle session's Claude is started first (the prompt waits in its
   * queue); while suspend() is stopping Claude, the prompt is held until it has stopped.
   */
  #send(prompt: () => PromptResult): PromptResult {
    if (this.#held && !this.#ending) {
      if (this.#held.length >= MAX_HELD_PROMPTS)
        return { ok: false, reason: `Claude is stopping (idle) and ${MAX_HELD_PROMPTS} prompts are already waiting for it to start again` };
      this.#held.push(prompt);
      return { ok: true };
    }
    if (this.#claude.state === "stopped" && !this.#ending) this.#wake();
    return prompt();
  }

  /** An idle session got a prompt: start Claude (it resumes the conversation); the prompt waits in its queue. */
  #wake(): void {
    this.#log.info("starting Claude for a prompt (the session was idle)");
    this.#claude.start().catch((error: unknown) => this.#log.error("cannot start Claude Code", { error: String(error) }));
  }

  #answer(connection: SessionClient, message: Extract<ConversationMessage, { type: "permission.response" }>): void {
    if (!this.#permissions.peek(message.requestId)) {
      return connection.sendError(
        "unknown_permission",
        `no pending permission request ${JSON.stringify(message.requestId)}; it was already answered or withdrawn`,
        message.id,
      );
    }
    // a refused answer leaves the request pending: the client may answer it again
    const refused = message.updatedPermissions && checkPermissionUpdates(message.updatedPermissions, this.#permissionModes);
    if (refused) return connection.sendError("invalid_message", `permission.response: ${refused}`, message.id);
    const request = this.#permissions.take(message.requestId)!;
    const answer: PermissionAnswer = { behavior: message.behavior };
    if (message.message !== undefined) answer.message = message.message;
    if (message.updatedInput !== undefined) answer.updatedInput = message.updatedInput;
    if (message.updatedPermissions !== undefined) answer.updatedPermissions = message.updatedPermissions;
    const delivered = this.#claude.answerPermission(request, answer);
    connection.log.info("permission answered", {
      requestId: message.requestId,
      toolName: request.toolName,
      behavior: message.behavior,
      delivered,
      updatedPermissions: message.updatedPermissions?.length,
    });
    this.#publish({
      type: "permission.resolved",
      requestId: message.requestId,
      behavior: delivered ? message.behavior : "cancelled",
      ...(delivered ? { by: connection.clientId, ...deviceOf(connection) } : { by: "relay" }),
    });
    this.#stateChanged();
  }

  #interrupt(connection: SessionClient, id: string | undefined): void {
    if (!this.#claude.interrupt()) {
      return connection.sendError("claude_unavailable", `Claude is ${this.state}; nothing to interrupt`, id);
    }
    connection.log.info("interrupt");
    // Claude withdraws these itself a moment later (control_cancel_request): by then they are gone.
    this.#withdrawAll(connection);
    this.#stateChanged();
  }

  /** Withdraws every pending request, by the relay or by the client whose interrupt it was (named by its device). */
  #withdrawAll(by: "relay" | SessionClient): void {
    const who = by === "relay" ? { by } : { by: by.clientId, ...deviceOf(by) };
    for (const request of this.#permissions.takeAll()) {
      this.#publish({ type: "permission.resolved", requestId: request.requestId, behavior: "cancelled", ...who });
    }
  }

  /**
   * Records the state as it is now and publishes it at the end of the current tick, so the event
   * that caused a change (a prompt, a permission request, Claude's result) is numbered before it.
   * Every distinct state is published, in order, even one that lasted less than a tick.
   */
  #stateChanged(): void {
    const snapshot: StateSnapshot = {
      state: this.state,
      claudePid: this.#claude.pid ?? 0,
      restarts: this.#claude.restarts,
      clients: this.clients.size,
      devices: this.#devices.names(),
      ...this.#settingsNow(),
      ...(this.#authProblem && { claudeAuthError: this.#authProblem }),
    };
    const last = this.#stateQueue.at(-1) ?? this.#published;
    if (last && sameState(last, snapshot)) return;
    this.#stateQueue.push(snapshot);
    if (this.#stateQueue.length === 1) queueMicrotask(() => this.#publishStates());
  }

  #publishStates(): void {
    for (const next of this.#stateQueue.splice(0)) {
      const previous = this.#published;
      const changed = next.state !== previous?.state;
      if (changed) this.#log.info(`session ${next.state}`, { claudePid: next.claudePid, restarts: next.restarts, clients: next.clients });
      this.#published = next;
      this.#publish({ type: "session.state", ...next });
      if (changed || next.permissionMode !== previous?.permissionMode || next.model !== previous?.model) this.#observer?.stateChanged(next.state);
    }
  }

  #settingsNow(): Pick<StateSnapshot, "permissionMode" | "model"> {
    const { permissionMode, model } = this.#settings;
    return { permissionMode, ...(model !== undefined && { model }) };
  }

  /** What auth.ok and session.attached report: the state now, with every pending permission. */
  #snapshot(): ServerMessage<"auth.ok">["state"] {
    return {
      state: this.state,
      claudePid: this.#claude.pid ?? 0,
      clients: this.clients.size,
      devices: this.#devices.names(),
      pendingPermissions: this.#permissions.list(),
      ...this.#settingsNow(),
      ...(this.#authProblem && { claudeAuthError: this.#authProblem }),
    };
  }

  /**
   * Adds a client: its opening frame (built from the state once it counts as a client), the
   * replay after `replayFrom`, then live events. Everything numbered so far goes out to the
   * existing clients first, so the newcomer's replay and its live stream meet exactly at lastSeq:
   * nothing twice, nothing missed.
   */
  #admit(
    connection: SessionClient,
    opening: (state: ServerMessage<"auth.ok">["state"]) => string,
    replayFrom: ResumeRequest | undefined,
    partial: boolean,
  ): void {
    this.#flush();
    const joining = !this.clients.has(connection);
    this.clients.add(connection);
    if (joining && connection.key) this.#devices.add(connection.key.device);
    const frames = [opening(this.#snapshot())];
    if (replayFrom) {
      const replay = this.events.since(replayFrom.sessionId, replayFrom.lastSeq);
      if (replay.gap) frames.push(encodeServerMessage({ type: "replay.gap", sessionId: this.sessionId, ...replay.gap }));
      frames.push(...replay.frames);
      connection.log.debug("replaying", { sessionId: this.sessionId, fromSeq: replayFrom.lastSeq + 1, events: replay.frames.length, gap: replay.gap });
    }
    if (frames.length === 1)
      connection.send(frames[0]!); // a login without replay: nothing to coalesce
    else connection.sendBatch(frames);
    this.#live.subscribe(connection, partial);
    if (joining) this.#presenceChanged();
  }

  /** Joins and leaves come in storms after a network blip: broadcast their count at most once per interval. */
  #presenceChanged(): void {
    if (this.#presenceTimer) return;
    this.#presenceTimer = setTimeout(() => {
      this.#presenceTimer = undefined;
      this.#stateChanged();
    }, this.#presenceIntervalMs);
  }

  #publish(event: UnnumberedEvent): void {
    this.#enqueue(this.events.append(event));
  }

  #enqueue(frame: string): void {
    this.#queue.push(frame);
    this.#scheduleFlush();
  }

  #scheduleFlush(): void {
    if (this.#flushScheduled) return;
    this.#flushScheduled = true;
    queueMicrotask(() => this.#flush());
  }

  #flush(): void {
    this.#flushScheduled = false;
    if (this.#queue.length === 0 && !this.#live.hasPartials) return;
    const frames = this.#queue;
    this.#queue = [];
    const partials = this.#live.takePartials(frames);
    // On disk before on the wire: a seq a client has seen is never handed out again after a crash.
    if (frames.length > 0) this.#store?.append(frames, () => this.events.frames());
    for (const client of this.clients) {
      const batch = this.#live.batchFor(client, frames, partials);
      if (batch.length === 1) client.send(batch[0]!);
      else if (batch.length > 1) client.sendBatch(batch);
    }
    if (this.#metrics && this.clients.size > 0) {
      let chars = 0;
      for (const frame of frames) chars += frame.length;
      this.#metrics.inc("claude_relay_deliveries_total", {}, frames.length * this.clients.size);
      this.#metrics.inc("claude_relay_delivered_bytes_total", {}, chars * this.clients.size);
    }
  }
}

/** The `device` field of an event a client caused: the name its key goes by. */
function deviceOf(client: SessionClient): { device: string } | undefined {
  return client.key && { device: client.key.device };
}
