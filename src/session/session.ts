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
 * Its parts: the attached clients and the delivery of events to them (fan-out.ts), session.state
 * publishing (state-publisher.ts), permission requests to their resolution (permission-flow.ts),
 * and telling Claude its mode and model (claude-settings.ts).
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
import type { PermissionRequest } from "../claude/stream-json.ts";
import type { Logger } from "../log/logger.ts";
import { encodeAuthOk, encodeClaudeEvent, encodeServerMessage } from "../protocol/encode.ts";
import type { PromptImage, ResumeRequest } from "../protocol/message-parts.ts";
import type { ServerMessage, SessionCapabilities, SessionStateName } from "../protocol/messages.ts";
import type { Metrics } from "../shared/metrics.ts";
import { capabilitiesFrom, sameCapabilities } from "./capabilities.ts";
import { ClaudeAuth } from "./claude-auth.ts";
import { applySettings, tellNewClaude } from "./claude-settings.ts";
import type { EventStore } from "./event-store.ts";
import { SessionFanOut } from "./fan-out.ts";
import { SessionPermissions } from "./permission-flow.ts";
import { checkPromptImages } from "./prompt-images.ts";
import { ReplayBuffer, type ReplayLimits } from "./replay-buffer.ts";
import {
  type ClaudePort,
  type ConversationMessage,
  deviceOf,
  type SessionClient,
  type SessionHealth,
  type SessionObserver,
  type SessionSummary,
} from "./session-ports.ts";
import { choosablePermissionModes, SessionSettings, type SettingsChange } from "./session-settings.ts";
import { StatePublisher, type StateSnapshot } from "./state-publisher.ts";

export interface SessionOptions {
  sessionId: string;
  claude: ClaudePort;
  log: Logger;
  replay: ReplayLimits;
  /** Presence (client count) changes are broadcast at most this often. */
  presenceIntervalMs?: number;
  metrics?: Metrics;
  /** Where events are persisted, and the frames it held at start (to continue numbering and replay); closed by close(). */
  store?: { store: EventStore; saved: string[] };
  observer?: SessionObserver;
  /** The permission modes clients may choose (for pickers and `setMode` updates); default: all but bypassPermissions. */
  permissionModes?: readonly string[];
}

export class Session {
  readonly sessionId: string;
  /** Numbering and the events kept for clients that reconnect. */
  readonly events: ReplayBuffer;
  /** The attached clients (the one record of who receives this session's events) and the delivery of events to them. */
  readonly #fanOut: SessionFanOut;
  readonly #states: StatePublisher;
  readonly #permissions: SessionPermissions;
  readonly #claude: ClaudePort;
  readonly #log: Logger;
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
  /** Set while suspend() stops Claude: the session is idle already. */
  #suspending = false;
  /** Whether Claude can authenticate to the API. */
  readonly #auth: ClaudeAuth;

  constructor(options: SessionOptions) {
    this.sessionId = options.sessionId;
    this.#claude = options.claude;
    this.#log = options.log;
    this.#store = options.store?.store;
    this.#auth = new ClaudeAuth(options.log);
    this.#observer = options.observer;
    this.#permissionModes = options.permissionModes ?? choosablePermissionModes(false);
    this.events = options.store
      ? ReplayBuffer.restore(options.sessionId, options.replay, options.store.saved)
      : new ReplayBuffer(options.sessionId, options.replay);
    this.#fanOut = new SessionFanOut({
      sessionId: options.sessionId,
      events: this.events,
      store: this.#store,
      metrics: options.metrics,
      presenceIntervalMs: options.presenceIntervalMs ?? 100,
      onPresence: () => this.#stateChanged(),
    });
    this.#permissions = new SessionPermissions({
      sessionId: options.sessionId,
      claude: options.claude,
      events: this.events,
      publish: (event) => this.#fanOut.publish(event),
      permissionModes: this.#permissionModes,
    });
    this.#states = new StatePublisher({
      publish: (event) => this.#fanOut.publish(event),
      log: this.#log,
      onChanged: (state) => this.#observer?.stateChanged(state),
    });
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

  /** The clients attached to this session (joined at login or by session.attach, until they leave). */
  get clients(): ReadonlySet<SessionClient> {
    return this.#fanOut.clients;
  }

  /** The state clients see: Claude's, with `waiting_permission` while a request is pending. */
  get state(): SessionStateName {
    const claude = this.#claude.state;
    if (claude === "stopped") return this.#ending ? "stopping" : "idle";
    if (this.#suspending && !this.#ending) return "idle"; // suspended: its Claude is on its way out
    if ((claude === "ready" || claude === "busy") && this.#permissions.size > 0) return "waiting_permission";
    return claude;
  }

  health(): SessionHealth {
    const state = this.state;
    const degraded: string[] = [];
    if (state === "restarting" || state === "failed" || state === "starting" || state === "stopping") degraded.push(`claude ${state}`);
    if (this.#auth.problem) degraded.push(this.#auth.problem.message);
    if (this.#store && !this.#store.healthy) degraded.push("event log not persisted (disk error)");
    return {
      state,
      clients: this.#fanOut.clients.size,
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
    const devices = this.#fanOut.devices();
    return { sessionId: this.sessionId, state: this.state, clients: this.#fanOut.clients.size, devices, permissionMode, ...(model !== undefined && { model }) };
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
   * when given, and Web Push's `push` field), the replay `resume` asks for, then live events.
   */
  join(connection: SessionClient, resume: ResumeRequest | undefined, sessionsJson?: () => string, push?: ServerMessage<"auth.ok">["push"]): void {
    const key = connection.key;
    if (!key) throw new Error("a connection joined the session before it authenticated");
    this.#fanOut.admit(
      connection,
      () =>
        encodeAuthOk(
          {
            type: "auth.ok",
            clientId: connection.clientId,
            sessionId: this.sessionId,
            key,
            state: this.#snapshot(),
            // extension: where the session is, so a client that drops before its first event can still
            // resume from here instead of asking for the whole buffer
            lastSeq: this.events.lastSeq,
            ...(push && { push }),
          },
          sessionsJson?.(),
          this.#capabilitiesJson,
        ),
      resume,
    );
  }

  /**
   * `session.attach`: `session.attached` (the state now and the newest seq), the events after
   * `lastSeq` (absent: every event held), then live events. Attaching again replays again.
   */
  attach(connection: SessionClient, lastSeq: number | undefined, id: string | undefined): void {
    this.#fanOut.admit(
      connection,
      () =>
        encodeServerMessage({
          type: "session.attached",
          sessionId: this.sessionId,
          lastSeq: this.events.lastSeq,
          state: this.#snapshot(),
          ...(id !== undefined && { id }),
          ...(this.#capabilities && { capabilities: this.#capabilities }),
        }),
      { sessionId: this.sessionId, lastSeq: lastSeq ?? 0 },
    );
  }

  leave(connection: SessionClient): void {
    this.#fanOut.leave(connection);
  }

  handle(connection: SessionClient, message: ConversationMessage): void {
    switch (message.type) {
      case "prompt":
        return this.#prompt(connection, message.text, message.id, message.images);
      case "permission.response":
        if (this.#permissions.answer(connection, message)) this.#stateChanged();
        return;
      case "interrupt":
        return this.#interrupt(connection, message.id);
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
    const suspending = this.#suspending;
    if (this.#ending || claude === "failed" || (claude === "stopping" && !suspending)) {
      return connection?.sendError("claude_unavailable", `Claude is ${this.state}; the session cannot be configured`, id);
    }
    if (suspending || (claude !== "ready" && claude !== "busy")) {
      this.#settings.set(change);
      this.#log.info("session configured; Claude is told when it starts", { ...change, claude });
      return this.#configured(connection, id);
    }
    const { took, refusals } = await applySettings(this.#claude, this.#settings, change);
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
    this.#fanOut.close();
    this.#states.publishPending();
    this.#fanOut.flush();
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
   * still stopping waits in the supervisor's queue, which starts Claude again once it has stopped.
   * Does nothing in any other state.
   */
  async suspend(): Promise<void> {
    if (this.state !== "ready" || this.#closed) return;
    this.#suspending = true;
    this.#log.info("stopping Claude: no turn for the idle timeout; the next prompt starts it again", { claudePid: this.#claude.pid });
    this.#stateChanged();
    try {
      await this.#claude.suspend();
    } finally {
      this.#suspending = false;
      this.#stateChanged();
    }
  }

  // ── Claude (the supervisor's events) ─────────────────────────────────────────────────────────

  /** One verbatim stream-json line (already known to be a JSON object) and its parse. */
  #claudeEvent(line: string, event: Record<string, unknown>): void {
    const seq = this.events.lastSeq + 1;
    this.#fanOut.enqueue(this.events.appendFrame(seq, encodeClaudeEvent(this.sessionId, seq, line)));
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
    tellNewClaude(this.#claude, this.#settings.forNewClaude(), this.#log);
  }

  #permissionRequested(request: PermissionRequest): void {
    this.#permissions.requested(request, this.#log, this.#fanOut.clients.size);
    this.#stateChanged();
  }

  #permissionCancelled(requestId: string): void {
    if (this.#permissions.cancelled(requestId)) this.#stateChanged();
  }

  /** Claude's process state changed; a Claude that died, failed or is stopping withdraws every pending request. */
  #claudeStateChanged(): void {
    const claude = this.#claude.state;
    if (claude !== "ready" && claude !== "busy" && claude !== "starting") this.#permissions.withdrawAll("relay");
    this.#stateChanged();
  }

  #credentials(signal: ClaudeAuthProblem | "ok" | undefined, from: "start" | "turn"): void {
    if (this.#auth.observe(signal, from)) this.#stateChanged();
  }

  // ── internals ────────────────────────────────────────────────────────────────────────────────

  #prompt(connection: SessionClient, text: string, id: string | undefined, images: readonly PromptImage[] = []): void {
    const checked = checkPromptImages(images);
    if (!checked.ok) return connection.sendError("invalid_message", `prompt: ${checked.message}; nothing was sent to Claude`, id);
    if (this.#claude.state === "stopped" && !this.#ending) this.#wake();
    const sent = this.#claude.prompt(text, images);
    if (!sent.ok) return connection.sendError("claude_unavailable", sent.reason, id);
    connection.log.debug("prompt", { chars: text.length, id, images: images.length });
    // images by type and size only: their bytes went to Claude, not into every client's replay buffer
    this.#fanOut.publish({
      type: "user.prompt",
      text,
      by: connection.clientId,
      ...deviceOf(connection),
      ...(id !== undefined && { id }),
      ...(checked.images.length > 0 && { images: checked.images }),
    });
    this.#observer?.prompted(text);
  }

  /** An idle session got a prompt: start Claude (it resumes the conversation); the prompt waits in its queue. */
  #wake(): void {
    this.#log.info("starting Claude for a prompt (the session was idle)");
    this.#claude.start().catch((error: unknown) => this.#log.error("cannot start Claude Code", { error: String(error) }));
  }

  #interrupt(connection: SessionClient, id: string | undefined): void {
    if (!this.#claude.interrupt()) {
      return connection.sendError("claude_unavailable", `Claude is ${this.state}; nothing to interrupt`, id);
    }
    connection.log.info("interrupt");
    // Claude withdraws these itself a moment later (control_cancel_request): by then they are gone.
    this.#permissions.withdrawAll(connection);
    this.#stateChanged();
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
      clients: this.#fanOut.clients.size,
      devices: this.#fanOut.devices(),
      ...this.#settingsNow(),
      ...(this.#auth.problem && { claudeAuthError: this.#auth.problem }),
    };
    this.#states.record(snapshot);
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
      clients: this.#fanOut.clients.size,
      devices: this.#fanOut.devices(),
      pendingPermissions: this.#permissions.list(),
      ...this.#settingsNow(),
      ...(this.#auth.problem && { claudeAuthError: this.#auth.problem }),
    };
  }
}
