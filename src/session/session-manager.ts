/**
 * The relay's sessions: the default one (`serve --cwd`, which every client joins at auth, exactly
 * as in v1) and up to `--max-sessions` in all, each a {@link Session} with its own Claude process,
 * numbering, replay buffer, pending permissions and event log, so a crash or a hang in one never
 * touches another. The manager routes each client message to its session (`sessionId`, default:
 * the default session; which clients are attached to a session, the session itself keeps), and
 * creates, attaches, detaches and stops sessions. Its list goes to every client when it changes
 * and is kept on disk (list-publisher.ts), so a restarted relay lists the same sessions (idle
 * until prompted). It also lists Claude's earlier conversations in a directory (`history.list`,
 * history-request.ts) and resumes one (`session.create` with `resume`), stops the Claude of a
 * session that has had no turn for `--idle-timeout` (the session stays, `idle`), and hands what is
 * worth a notification to `--notify-command`.
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
import type { Logger } from "../log/logger.ts";
import type { Notification } from "../notify/notifier.ts";
import { watchForNotifications } from "../notify/session-notifications.ts";
import { encodeServerMessage } from "../protocol/encode.ts";
import type { ResumeRequest } from "../protocol/message-parts.ts";
import type { ClientMessage, SessionCapabilities, SessionInfo } from "../protocol/messages.ts";
import { type Clock, systemClock } from "../shared/clock.ts";
import type { ModelChoice } from "./capabilities.ts";
import { type CreateRefusal, checkCreateRequest, checkResume } from "./create-request.ts";
import type { ConversationHistory } from "./history.ts";
import { answerHistoryList } from "./history-request.ts";
import { IdleTimer } from "./idle-timer.ts";
import { ListPublisher } from "./list-publisher.ts";
import type { Session } from "./session.ts";
import { checkSessionDir } from "./session-dir.ts";
import { sessionTitle, toSessionInfo } from "./session-info.ts";
import type { SessionRecord } from "./session-list.ts";
import type { ClaudePort, ConversationMessage, SessionClient, SessionHealth, SessionObserver } from "./session-ports.ts";
import { checkPermissionMode, choosablePermissionModes, settingsOf, settingsRefusal } from "./session-settings.ts";

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
  /** The list as clients know it and as it is saved; who the authenticated clients are. */
  readonly #lists: ListPublisher;
  /** Sessions whose worktree is being made: they count against --max-sessions already. */
  #creating = 0;
  /** Sessions being stopped, by id: out of the list, but their Claude still counts until it has exited. */
  readonly #ending = new Map<string, Promise<void>>();
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
    this.#lists = new ListPublisher({
      list: () => this.list(),
      records: () => [...this.#entries.values()].map((entry) => entry.record),
      persist: options.persist,
      log: this.#log,
      clock: this.#clock,
      intervalMs: options.updateIntervalMs ?? 100,
    });
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
    return this.#lists.size;
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

  /** A client authenticated: it is attached to the default session (auth.ok, `resume` as in v1). */
  join(connection: SessionClient, resume: ResumeRequest | undefined): void {
    this.#default.session.join(connection, resume, this.#lists.join(connection), this.#options.push);
    this.#changed();
  }

  /** A client disconnected: it leaves every session it was attached to. */
  leave(connection: SessionClient): void {
    if (!this.#lists.leave(connection)) return;
    for (const entry of this.#entries.values()) entry.session.leave(connection);
    this.#changed();
  }

  handle(connection: SessionClient, message: ConversationMessage | SessionCommand): void {
    if (!this.#lists.has(connection)) throw new Error("a message from a client that has not joined");
    switch (message.type) {
      case "session.create":
        this.#lists.usingSessions(connection);
        return this.#create(connection, message);
      case "history.list":
        this.#lists.usingSessions(connection);
        return answerHistoryList(connection, message, {
          history: this.#options.history,
          allowDirs: this.#options.allowDirs,
          defaultCwd: this.#default.record.cwd,
          log: this.#log,
        });
      case "session.attach":
      case "session.detach":
      case "session.stop":
      case "session.configure": {
        this.#lists.usingSessions(connection);
        const entry = this.#find(connection, message.sessionId, message.id);
        if (!entry) return;
        if (message.type === "session.attach") return this.#attach(connection, entry, message);
        if (message.type === "session.detach") return this.#detach(connection, entry, message.id);
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
        if (message.sessionId !== undefined) this.#lists.usingSessions(connection);
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
    this.#lists.close();
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
    const rules = { allowDirs: this.#options.allowDirs, relayDir: this.#options.defaultSession.cwd, permissionModes: this.#permissionModes };
    const checked = checkCreateRequest(message, { ...rules, models: this.#models });
    if (!checked.ok) return this.#refuse(connection, checked, message.id);
    const { cwd, settings } = checked;
    let resumed: { title: string } | undefined;
    if (message.resume !== undefined) {
      const open = this.#entries.get(message.resume);
      if (open?.record.cwd === cwd) {
        // the conversation is open already: a second Claude on one transcript would fork it
        connection.log.info("session.create: the conversation to resume is open; answering with its session", { sessionId: message.resume, ...settings });
        // a mode or model asked for: the open session takes them, as with session.configure
        if (settings.permissionMode !== undefined || settings.model !== undefined) void open.session.configure(settings);
        connection.send(encodeServerMessage({ type: "session.created", sessionId: message.resume, ...(message.id !== undefined && { id: message.id }) }));
        return;
      }
      const resume = checkResume(message.resume, cwd, { openIn: open?.record.cwd, ending: this.#ending.has(message.resume), history: this.#options.history });
      if (!resume.ok) return this.#refuse(connection, resume, message.id);
      resumed = resume;
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
    if (message.worktree !== undefined) return void this.#createInWorktree(connection, message, message.worktree, cwd);
    this.#start(connection, message, { cwd, ...(resumed?.title && { title: resumed.title }) }, resumed !== undefined);
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

  /** Tells the client why its request was refused (and the log, when that is worth a line). */
  #refuse(connection: SessionClient, refusal: CreateRefusal, id: string | undefined): void {
    if (refusal.warn) connection.log.warn(refusal.warn.line, refusal.warn.fields);
    connection.sendError(refusal.code, refusal.message, id);
  }

  #attach(connection: SessionClient, entry: Entry, message: Extract<SessionCommand, { type: "session.attach" }>): void {
    entry.session.attach(connection, message.lastSeq, message.id);
    this.#changed();
  }

  #detach(connection: SessionClient, entry: Entry, id: string | undefined): void {
    entry.session.leave(connection);
    connection.send(encodeServerMessage({ type: "session.detached", sessionId: entry.record.sessionId, ...(id !== undefined && { id }) }));
    this.#changed();
  }

  #configure(connection: SessionClient, entry: Entry, message: Extract<SessionCommand, { type: "session.configure" }>): void {
    const change = settingsOf(message);
    if (change.permissionMode === undefined && change.model === undefined) {
      return connection.sendError("invalid_message", "session.configure: give permissionMode, model or both", message.id);
    }
    const refused = settingsRefusal(change, this.#permissionModes, entry.session.capabilities?.models ?? this.#models);
    if (refused) {
      connection.log.warn("configuration refused", { sessionId: entry.record.sessionId, ...change, reason: refused });
      return connection.sendError("invalid_message", `session.configure: ${refused}; nothing changed`, message.id);
    }
    entry.session
      .configure(change, connection, message.id)
      .catch((error: unknown) => this.#log.error("configuring a session failed", { sessionId: entry.record.sessionId, error: String(error) }));
  }

  /** A session's Claude told new models or commands: clients attached to it that use sessions hear of them. */
  #capabilitiesChanged(sessionId: string, capabilities: SessionCapabilities): void {
    this.#models = capabilities.models;
    const entry = this.#entries.get(sessionId);
    if (!entry || this.#closed) return;
    let frame: string | undefined;
    for (const connection of entry.session.clients) {
      if (!this.#lists.usesSessions(connection)) continue;
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
    this.#lists.changed();
  }

  #now(): string {
    return new Date(this.#clock.now()).toISOString();
  }
}
