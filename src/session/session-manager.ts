/**
 * The relay's sessions: the default one (`serve --cwd`, which every client joins at auth, exactly
 * as in v1) and up to `--max-sessions` in all, each a {@link Session} with its own Claude process,
 * numbering, replay buffer, pending permissions and event log, so a crash or a hang in one never
 * touches another. The manager keeps which client is attached to which session, routes each
 * client message to its session (`sessionId`, default: the default session), creates, attaches,
 * detaches and stops sessions, tells every client when the list changes (`sessions`, coalesced),
 * and keeps the list on disk so a restarted relay lists the same sessions (idle until prompted).
 * It also lists Claude's earlier conversations in a directory (`history.list`) and resumes one
 * (`session.create` with `resume`), stops the Claude of a session that has had no turn for
 * `--idle-timeout` (the session stays, `idle`), and hands what is worth a notification to
 * `--notify-command`.
 *
 * @example
 * ```ts
 * const sessions = new SessionManager({ open, defaultSession: { sessionId, cwd }, restored: loadSessionList(file),
 *   maxSessions: 8, allowDirs: [homedir()], log, persist: (records) => saveSessionList(file, records) });
 * const gateway = new Gateway({ session: sessions, … });
 * // at shutdown
 * sessions.close();
 * await sessions.stopClaudes();
 * ```
 */
import { randomUUID } from "node:crypto";
import { addWorktree } from "../changes/worktree.ts";
import { removeSessionWorktree, worktreeRemovalRefusal } from "../changes/worktree-sessions.ts";
import { type Clock, systemClock } from "../claude/clock.ts";
import type { Logger } from "../log/logger.ts";
import type { Notification } from "../notify/notifier.ts";
import { watchForNotifications } from "../notify/session-notifications.ts";
import { encodeServerMessage } from "../protocol/encode.ts";
import type { ClientMessage, SessionCapabilities, SessionInfo } from "../protocol/messages.ts";
import type { ResumeRequest } from "../server/gateway.ts";
import { Throttle } from "../shared/throttle.ts";
import type { ModelChoice } from "./capabilities.ts";
import type { ConversationHistory } from "./history.ts";
import { IdleTimer } from "./idle-timer.ts";
import type { ClaudePort, ConversationMessage, Session, SessionClient, SessionHealth, SessionObserver } from "./session.ts";
import { checkSessionDir } from "./session-dir.ts";
import { sessionTitle, toSessionInfo } from "./session-info.ts";
import type { SessionRecord } from "./session-list.ts";
import { checkModel, checkPermissionMode, choosablePermissionModes, type SettingsChange } from "./session-settings.ts";
import { isSessionUuid } from "./session-store.ts";

/** A session and the Claude process it drives, as the relay builds them. */
export interface OpenedSession<C extends ClaudePort = ClaudePort> {
  session: Session;
  claude: C;
}

/** Builds a session (its supervisor, event store and Session) for `sessionId` in `cwd`; Claude is not started. */
export type OpenSession<C extends ClaudePort = ClaudePort> = (spec: { sessionId: string; cwd: string; observer: SessionObserver }) => OpenedSession<C>;

export interface SessionManagerOptions<C extends ClaudePort = ClaudePort> {
  open: OpenSession<C>;
  /** The session `serve` runs for `--cwd`: opened first, joined by every client at auth, never stopped by a client. */
  defaultSession: { sessionId: string; cwd: string };
  /** Sessions persisted by an earlier run (the default's record included, if listed); restored idle. */
  restored?: readonly SessionRecord[];
  /** Sessions at most, the default one included. */
  maxSessions: number;
  /** `--allow-dir`: where session.create may start sessions (and history.list look); the default session's directory is allowed too. */
  allowDirs: readonly string[];
  log: Logger;
  /** Saves the list of open sessions; called whenever it changed. */
  persist?: (records: SessionRecord[]) => void;
  clock?: Clock;
  newId?: () => string;
  /** `sessions` updates go out at most once per this interval (default 100 ms: 10 per second). */
  updateIntervalMs?: number;
  /** Claude's earlier conversations (history.list, session.create with resume). */
  history: ConversationHistory;
  /** `--idle-timeout`: a session `ready` this long has its Claude stopped; absent or 0: never. */
  idleTimeoutMs?: number;
  /** `--notify-command`: told of permission requests, finished turns and failed sessions. */
  notify?: (notification: Notification) => void;
  /** Web Push is on: auth.ok tells clients the relay's VAPID public key. */
  push?: { vapidPublicKey: string };
  /** `--worktree-dir`: where session.create's worktrees go; default `<repository>/.claude/worktrees`. */
  worktreeDir?: string;
  /** The permission modes clients may choose; default: all but bypassPermissions (`--allow-bypass-permissions` adds it). */
  permissionModes?: readonly string[];
}

/** A session in the manager's list. */
interface Entry<C extends ClaudePort = ClaudePort> {
  session: Session;
  claude: C;
  record: SessionRecord;
  /** Its `--idle-timeout` countdown, when there is one. */
  idle: IdleTimer | undefined;
  /** Stops watching it for notifications. */
  unwatch: () => void;
}

/** One authenticated client: the sessions it receives events of, and what it knows of the list. */
interface Attachments {
  entries: Set<Entry>;
  /**
   * Set once the client sent a session message or named a session: it then also gets
   * `session.capabilities` of the sessions it is attached to. A client that never did (a v1
   * client) does not, so no message it cannot know reaches it but `sessions`.
   */
  usesSessions: boolean;
  /** The list as this client was last sent it (in auth.ok or a `sessions` update), serialized. */
  seen: string | undefined;
}

type SessionCommand = Extract<
  ClientMessage,
  { type: "session.create" | "session.attach" | "session.detach" | "session.stop" | "session.configure" | "history.list" }
>;

export class SessionManager<C extends ClaudePort = ClaudePort> {
  readonly #options: SessionManagerOptions<C>;
  readonly #log: Logger;
  readonly #clock: Clock;
  readonly #entries = new Map<string, Entry<C>>();
  readonly #default: Entry<C>;
  readonly #clients = new Map<SessionClient, Attachments>();
  /** Sessions whose worktree is being made: they count against --max-sessions already. */
  #creating = 0;
  /** Sessions being stopped, by id: out of the list, but their Claude still counts until it has exited. */
  readonly #ending = new Map<string, Promise<void>>();
  readonly #updates: Throttle;
  /** The records as last persisted. */
  #persisted: string | undefined;
  /** Set by close(): the relay is stopping; nothing is sent or saved any more. */
  #closed = false;
  readonly #permissionModes: readonly string[];
  /**
   * The models the newest Claude of any session listed: they are the same for every session (one
   * binary, one account), so a session.create can be checked before its own Claude runs.
   */
  #models: readonly ModelChoice[] | undefined;

  constructor(options: SessionManagerOptions<C>) {
    this.#options = options;
    this.#log = options.log;
    this.#clock = options.clock ?? systemClock;
    this.#updates = new Throttle(options.updateIntervalMs ?? 100, () => this.#update(), this.#clock);
    this.#permissionModes = options.permissionModes ?? choosablePermissionModes(false);
    const restored = options.restored ?? [];
    const { sessionId, cwd } = options.defaultSession;
    const now = this.#now();
    const saved = restored.find((record) => record.sessionId === sessionId && record.cwd === cwd);
    this.#default = this.#open({ ...(saved ?? { sessionId, cwd, createdAt: now, lastActivity: now }), default: true });
    for (const record of restored) this.#restore(record);
  }

  /** The default session (v1's only one). */
  get defaultSession(): Session {
    return this.#default.session;
  }

  /** The default session's Claude. */
  get defaultClaude(): C {
    return this.#default.claude;
  }

  /** Authenticated clients. */
  get clientCount(): number {
    return this.#clients.size;
  }

  /** The open sessions as clients see them, oldest first (the default one first). */
  list(): SessionInfo[] {
    return [...this.#entries.values()].map((entry) => toSessionInfo(entry.record, entry.session.summary()));
  }

  /** Each open session's health, with its directory, the default one first. */
  health(): [SessionHealth & { cwd: string }, ...Array<SessionHealth & { cwd: string }>] {
    const [first, ...rest] = [...this.#entries.values()].map((entry) => ({ ...entry.session.health(), cwd: entry.record.cwd }));
    return [first!, ...rest]; // the default session is always there, first
  }

  /** Sessions whose Claude process runs now. */
  runningClaudes(): number {
    return [...this.#entries.values()].filter((entry) => entry.claude.pid !== undefined).length;
  }

  // ── clients (the gateway's SessionPort) ──────────────────────────────────────────────────────

  /** A client authenticated: it is attached to the default session (auth.ok, `resume` as in v1; `partial`: the live view, v3). */
  join(connection: SessionClient, resume: ResumeRequest | undefined, partial = false): void {
    const attachments: Attachments = { entries: new Set([this.#default]), usesSessions: false, seen: undefined };
    this.#clients.set(connection, attachments);
    this.#default.session.join(connection, resume, () => (attachments.seen = JSON.stringify(this.list())), this.#options.push, partial);
    this.#changed();
  }

  /** A client disconnected: it leaves every session it was attached to. */
  leave(connection: SessionClient): void {
    const attachments = this.#clients.get(connection);
    if (!attachments) return;
    this.#clients.delete(connection);
    for (const entry of attachments.entries) entry.session.leave(connection);
    this.#changed();
  }

  handle(connection: SessionClient, message: ConversationMessage | SessionCommand): void {
    const attachments = this.#clients.get(connection);
    if (!attachments) throw new Error("a message from a client that has not joined");
    switch (message.type) {
      case "session.create":
        attachments.usesSessions = true;
        return this.#create(connection, message);
      case "history.list":
        attachments.usesSessions = true;
        return this.#history(connection, message);
      case "session.attach":
      case "session.detach":
      case "session.stop":
      case "session.configure": {
        attachments.usesSessions = true;
        const entry = this.#find(connection, message.sessionId, message.id);
        if (!entry) return;
        if (message.type === "session.attach") return this.#attach(connection, attachments, entry, message);
        if (message.type === "session.detach") return this.#detach(connection, attachments, entry, message.id);
        if (message.type === "session.configure") return this.#configure(connection, entry, message);
        if (!message.removeWorktree) return this.#stop(connection, entry, message.id);
        return void worktreeRemovalRefusal(entry.record).then((refusal) =>
          refusal
            ? connection.sendError(refusal.code, refusal.message, message.id)
            : this.#entries.get(entry.record.sessionId) === entry && this.#stop(connection, entry, message.id, true),
        );
      }
      default: {
        const entry = this.#find(connection, message.sessionId ?? this.#default.record.sessionId, message.id);
        if (!entry) return;
        if (message.sessionId !== undefined) attachments.usesSessions = true;
        return entry.session.handle(connection, message);
      }
    }
  }

  // ── the relay's lifecycle ────────────────────────────────────────────────────────────────────

  /**
   * At shutdown: sends what is pending (a last `sessions` update, each session's last events),
   * saves the list and closes every session. Claude processes are stopped by {@link stopClaudes}.
   */
  close(): void {
    this.#updates.flush();
    this.#persist();
    this.#closed = true;
    for (const entry of this.#entries.values()) {
      entry.idle?.cancel();
      entry.unwatch();
      entry.session.close();
    }
  }

  /** Stops every session's Claude process (and waits for sessions being stopped). */
  async stopClaudes(): Promise<void> {
    await Promise.all([...[...this.#entries.values()].map((entry) => entry.claude.stop()), ...this.#ending.values()]);
  }

  // ── session commands ─────────────────────────────────────────────────────────────────────────

  #create(connection: SessionClient, message: Extract<SessionCommand, { type: "session.create" }>): void {
    const settings = settingsOf(message);
    const refused = this.#settingsRefusal(undefined, settings);
    if (refused) {
      connection.log.warn("session refused: mode or model not allowed", { ...settings, reason: refused });
      return connection.sendError("invalid_message", `session.create: ${refused}; nothing was created`, message.id);
    }
    const dir = checkSessionDir(message.cwd, this.#options.allowDirs, this.#options.defaultSession.cwd);
    if (!dir.ok) {
      connection.log.warn("session refused: directory not allowed", { cwd: message.cwd, reason: dir.message });
      return connection.sendError("invalid_session_dir", dir.message, message.id);
    }
    let resumed: { title: string } | undefined;
    if (message.resume !== undefined && message.worktree !== undefined) {
      return connection.sendError(
        "invalid_message",
        "session.create: resume continues a conversation in its own directory; it cannot take a new worktree",
        message.id,
      );
    }
    if (message.resume !== undefined) {
      const open = this.#entries.get(message.resume);
      if (open?.record.cwd === dir.path) {
        // the conversation is open already: a second Claude on one transcript would fork it
        connection.log.info("session.create: the conversation to resume is open; answering with its session", { sessionId: message.resume, ...settings });
        // a mode or model asked for: the open session takes them, as with session.configure
        if (settings.permissionMode !== undefined || settings.model !== undefined) void open.session.configure(settings);
        connection.send(encodeServerMessage({ type: "session.created", sessionId: message.resume, ...(message.id !== undefined && { id: message.id }) }));
        return;
      }
      resumed = this.#resumable(connection, dir.path, message.resume, message.id);
      if (!resumed) return;
    }
    const { maxSessions } = this.#options;
    if (this.#entries.size + this.#ending.size + this.#creating >= maxSessions) {
      connection.log.warn("session refused: too many sessions", { maxSessions });
      return connection.sendError(
        "too_many_sessions",
        `the relay already runs ${maxSessions} sessions (--max-sessions ${maxSessions}, the default session included); stop one first`,
        message.id,
      );
    }
    if (message.worktree !== undefined) return void this.#createInWorktree(connection, message, message.worktree, dir.path);
    this.#start(connection, message, { cwd: dir.path, ...(resumed?.title && { title: resumed.title }) }, resumed !== undefined);
  }

  /** session.create with `worktree`: the branch and its worktree are made first (a slot is held meanwhile). */
  async #createInWorktree(connection: SessionClient, message: Extract<SessionCommand, { type: "session.create" }>, branch: string, cwd: string): Promise<void> {
    this.#creating++;
    const made = await addWorktree(cwd, branch, { worktreeDir: this.#options.worktreeDir }).finally(() => this.#creating--);
    if (!made.ok) {
      connection.log.warn("session refused: no worktree", { cwd, branch, reason: made.message });
      return connection.sendError(made.code, made.message, message.id);
    }
    if (!this.#closed) this.#start(connection, message, { cwd: made.path, worktree: { branch } }, false);
  }

  /** Opens and starts a new session in `fields.cwd` and answers session.created. */
  #start(
    connection: SessionClient,
    message: Extract<SessionCommand, { type: "session.create" }>,
    fields: Pick<SessionRecord, "cwd" | "title" | "worktree">,
    resumed: boolean,
  ): void {
    const settings = settingsOf(message);
    const now = this.#now();
    let entry: Entry<C>;
    try {
      const sessionId = message.resume ?? (this.#options.newId ?? randomUUID)();
      entry = this.#open({ sessionId, ...fields, createdAt: now, lastActivity: now });
    } catch (error) {
      // e.g. its event log cannot be created (a full or read-only state dir): this session fails, not the relay
      this.#log.error("cannot open a new session", { cwd: fields.cwd, error: String(error) });
      return connection.sendError("claude_unavailable", `cannot start a session: ${(error as Error).message}; see the relay's log`, message.id);
    }
    const { sessionId } = entry.record;
    connection.log.info(resumed ? "session created, resuming an earlier conversation" : "session created", { sessionId, ...fields, ...settings });
    // told to Claude right after it answers initialize, before any prompt
    if (settings.permissionMode !== undefined || settings.model !== undefined) void entry.session.configure(settings);
    entry.claude.start().catch((error: unknown) => this.#log.error("cannot start Claude Code", { sessionId, error: String(error) }));
    connection.send(encodeServerMessage({ type: "session.created", sessionId, ...(message.id !== undefined && { id: message.id }) }));
    this.#changed();
  }

  /**
   * Whether the conversation `sessionId` can be resumed in `cwd`: Claude has its transcript there,
   * and it is not open elsewhere or being stopped. Otherwise the client is told why (undefined).
   */
  #resumable(connection: SessionClient, cwd: string, sessionId: string, id: string | undefined): { title: string } | undefined {
    const shown = JSON.stringify(sessionId);
    const open = this.#entries.get(sessionId);
    if (open) {
      connection.sendError(
        "unknown_session",
        `conversation ${shown} is open in another directory (${JSON.stringify(open.record.cwd)}), not in ${JSON.stringify(cwd)}`,
        id,
      );
      return undefined;
    }
    if (this.#ending.has(sessionId)) {
      connection.sendError("claude_unavailable", `conversation ${shown} is being stopped; resume it once session.stopped has come`, id);
      return undefined;
    }
    const found = isSessionUuid(sessionId) ? this.#options.history.find(cwd, sessionId) : undefined;
    if (!found) {
      connection.log.warn("session refused: no such conversation to resume", { cwd, resume: sessionId });
      connection.sendError(
        "unknown_session",
        `Claude has no conversation ${shown} in ${JSON.stringify(cwd)}; history.list with this cwd lists the ones it has`,
        id,
      );
    }
    return found;
  }

  /** history.list: Claude's conversations in `cwd` (checked as for session.create; default: the default session's). */
  #history(connection: SessionClient, message: Extract<SessionCommand, { type: "history.list" }>): void {
    let cwd = this.#default.record.cwd;
    if (message.cwd !== undefined) {
      const dir = checkSessionDir(message.cwd, this.#options.allowDirs, this.#options.defaultSession.cwd);
      if (!dir.ok) return connection.sendError("invalid_session_dir", dir.message, message.id);
      cwd = dir.path;
    }
    this.#options.history.list(cwd).then(
      (conversations) => {
        connection.log.debug("history listed", { cwd, conversations: conversations.length });
        connection.send(encodeServerMessage({ type: "history", conversations, ...(message.id !== undefined && { id: message.id }) }));
      },
      (error: unknown) => {
        this.#log.error("cannot list Claude's conversations", { cwd, error: String(error) });
        connection.sendError("internal", `cannot list Claude's conversations in ${JSON.stringify(cwd)}; see the relay's log`, message.id);
      },
    );
  }

  #attach(connection: SessionClient, attachments: Attachments, entry: Entry, message: Extract<SessionCommand, { type: "session.attach" }>): void {
    attachments.entries.add(entry);
    entry.session.attach(connection, message.lastSeq, message.id, message.partial === true);
    this.#changed();
  }

  #detach(connection: SessionClient, attachments: Attachments, entry: Entry, id: string | undefined): void {
    attachments.entries.delete(entry);
    entry.session.leave(connection);
    connection.send(encodeServerMessage({ type: "session.detached", sessionId: entry.record.sessionId, ...(id !== undefined && { id }) }));
    this.#changed();
  }

  #configure(connection: SessionClient, entry: Entry, message: Extract<SessionCommand, { type: "session.configure" }>): void {
    const change = settingsOf(message);
    if (change.permissionMode === undefined && change.model === undefined) {
      return connection.sendError("invalid_message", "session.configure: give permissionMode, model or both", message.id);
    }
    const refused = this.#settingsRefusal(entry, change);
    if (refused) {
      connection.log.warn("configuration refused", { sessionId: entry.record.sessionId, ...change, reason: refused });
      return connection.sendError("invalid_message", `session.configure: ${refused}; nothing changed`, message.id);
    }
    entry.session
      .configure(change, connection, message.id)
      .catch((error: unknown) => this.#log.error("configuring a session failed", { sessionId: entry.record.sessionId, error: String(error) }));
  }

  /** Why a mode or model may not be chosen (for `entry`, or a session about to be created), or undefined. */
  #settingsRefusal(entry: Entry | undefined, change: SettingsChange): string | undefined {
    const mode = change.permissionMode === undefined ? undefined : checkPermissionMode(change.permissionMode, this.#permissionModes);
    return mode ?? (change.model === undefined ? undefined : checkModel(change.model, entry?.session.capabilities?.models ?? this.#models));
  }

  /** A session's Claude told new models or commands: clients attached to it that use sessions hear of them. */
  #capabilitiesChanged(sessionId: string, capabilities: SessionCapabilities): void {
    this.#models = capabilities.models;
    const entry = this.#entries.get(sessionId);
    if (!entry || this.#closed) return;
    let frame: string | undefined;
    for (const [connection, attachments] of this.#clients) {
      if (!attachments.usesSessions || !attachments.entries.has(entry)) continue;
      frame ??= encodeServerMessage({ type: "session.capabilities", sessionId, ...capabilities });
      connection.send(frame);
    }
  }

  /** Ends a session; `removeWorktree`: then removes its worktree (checked clean before) and says whether it did. */
  #stop(connection: SessionClient, entry: Entry, id: string | undefined, removeWorktree = false): void {
    const { sessionId } = entry.record;
    if (entry === this.#default) {
      return connection.sendError(
        "invalid_message",
        `${sessionId} is the default session (--cwd), which clients that never name a session rely on: it cannot be stopped; for a new conversation there, create a session in the same directory or restart the relay with --new-session`,
        id,
      );
    }
    this.#entries.delete(sessionId);
    entry.idle?.cancel();
    entry.unwatch();
    connection.log.info("stopping session", { sessionId, cwd: entry.record.cwd });
    const ending = entry.session
      .end()
      .catch((error: unknown) => this.#log.error("stopping a session failed", { sessionId, error: String(error) }))
      .then(async () => {
        const removed = removeWorktree ? await removeSessionWorktree(entry.record, this.#log) : undefined;
        this.#ending.delete(sessionId);
        for (const attachments of this.#clients.values()) attachments.entries.delete(entry);
        this.#log.info("session stopped", { sessionId });
        connection.send(
          encodeServerMessage({
            type: "session.stopped",
            sessionId,
            ...(id !== undefined && { id }),
            ...(removed !== undefined && { worktreeRemoved: removed }),
          }),
        );
      });
    this.#ending.set(sessionId, ending);
    this.#changed();
  }

  /** The entry for `sessionId`, or undefined after telling the client there is none. */
  #find(connection: SessionClient, sessionId: string, id: string | undefined): Entry | undefined {
    const entry = this.#entries.get(sessionId);
    if (!entry) connection.sendError("unknown_session", `no session ${JSON.stringify(sessionId)}; the sessions message lists the open ones`, id);
    return entry;
  }

  // ── sessions, their records and the list ─────────────────────────────────────────────────────

  #open(record: SessionRecord): Entry<C> {
    const { idleTimeoutMs, notify } = this.#options;
    const idle = idleTimeoutMs ? new IdleTimer({ timeoutMs: idleTimeoutMs, clock: this.#clock, onIdle: () => void entry.session.suspend() }) : undefined;
    let opened: Session | undefined;
    const observer: SessionObserver = {
      prompted: (text) => {
        record.title ??= sessionTitle(text);
        this.#touched(record);
      },
      stateChanged: (state) => {
        idle?.update(state);
        // what a Claude started after a relay restart must be told, as for one restarted after a crash
        const settings = opened?.carriedSettings() ?? {};
        if (Object.keys(settings).length > 0) record.settings = settings;
        this.#touched(record);
      },
      capabilities: (capabilities) => this.#capabilitiesChanged(record.sessionId, capabilities),
    };
    const { session, claude } = this.#options.open({ sessionId: record.sessionId, cwd: record.cwd, observer });
    opened = session;
    const unwatch = notify
      ? watchForNotifications(
          claude,
          () => record,
          notify,
          () => new Date(this.#clock.now()),
        )
      : () => {};
    const entry: Entry<C> = { session, claude, record, idle, unwatch };
    this.#entries.set(record.sessionId, entry);
    this.#restoreSettings(entry);
    return entry;
  }

  /** A session saved by an earlier run goes on in its mode and model (a mode no longer allowed here is dropped). */
  #restoreSettings(entry: Entry<C>): void {
    const { permissionMode, model } = entry.record.settings ?? {};
    const refused = permissionMode === undefined ? undefined : checkPermissionMode(permissionMode, this.#permissionModes);
    if (refused) this.#log.warn(`session's saved permission mode not restored: ${refused}`, { sessionId: entry.record.sessionId });
    const settings = settingsOf({ ...(!refused && { permissionMode }), model });
    if (Object.keys(settings).length > 0) entry.session.restoreSettings(settings);
  }

  /** A session from an earlier run: listed again, idle (no Claude process) until its next prompt. */
  #restore(record: SessionRecord): void {
    const fields = { sessionId: record.sessionId, cwd: record.cwd };
    if (this.#entries.has(record.sessionId)) return; // the default session, or listed twice
    // A former default session was left behind on purpose (--new-session, another --cwd): it is not a session a client opened.
    if (record.default) return this.#log.info("earlier default session not listed again", fields);
    if (this.#entries.size >= this.#options.maxSessions) {
      return this.#log.warn("session not restored: --max-sessions reached", { ...fields, maxSessions: this.#options.maxSessions });
    }
    const dir = checkSessionDir(record.cwd, this.#options.allowDirs, this.#options.defaultSession.cwd);
    if (!dir.ok) return this.#log.warn(`session not restored: ${dir.message}`, fields);
    try {
      this.#open({ ...record, cwd: dir.path });
    } catch (error) {
      return this.#log.error("session not restored: it cannot be opened", { ...fields, error: String(error) });
    }
    this.#log.info("session restored; Claude starts at its next prompt", fields);
  }

  #touched(record: SessionRecord): void {
    record.lastActivity = this.#now();
    this.#changed();
  }

  #changed(): void {
    if (!this.#closed) this.#updates.request();
  }

  /** Sends the list to each client whose last copy differs from it, then saves it. */
  #update(): void {
    const list = this.list();
    const now = JSON.stringify(list);
    let frame: string | undefined;
    for (const [connection, attachments] of this.#clients) {
      if (attachments.seen === now) continue;
      frame ??= encodeServerMessage({ type: "sessions", sessions: list });
      connection.send(frame);
      attachments.seen = now;
    }
    this.#persist();
  }

  #persist(): void {
    const records = [...this.#entries.values()].map((entry) => entry.record);
    const text = JSON.stringify(records);
    if (text === this.#persisted || !this.#options.persist) return;
    this.#persisted = text;
    try {
      this.#options.persist(records.map((record) => ({ ...record })));
    } catch (error) {
      this.#log.error("cannot save the list of sessions; a restarted relay will not list the newest ones", { error: String(error) });
    }
  }

  #now(): string {
    return new Date(this.#clock.now()).toISOString();
  }
}

/** The mode and model a session.create or session.configure asks for. */
function settingsOf(message: { permissionMode?: string; model?: string }): SettingsChange {
  return {
    ...(message.permissionMode !== undefined && { permissionMode: message.permissionMode }),
    ...(message.model !== undefined && { model: message.model }),
  };
}
