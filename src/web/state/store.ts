/**
 * The page's state, as signals the UI reads: the device key and whether the relay accepts it (or
 * a pairing in progress), the connection, the relay's sessions and every followed session's
 * conversation (a map of sessionId → {@link Conversation}, each with its own lastSeq), which one
 * is shown, our own client ids (to tell "you" from "another device"), prompts sent but not yet
 * echoed by the relay, and a session being created.
 *
 * @example
 * ```ts
 * const store = new AppStore();
 * store.authenticated(authOk);
 * store.event(sessionEvent);
 * store.active.value?.items;      // what the conversation view renders
 * store.resume();                 // { sessionId, lastSeq } of the default session, for the next auth.response
 * store.show("a2c4…");            // switch the conversation shown
 * ```
 */
import { computed, signal } from "@preact/signals-core";
import type {
  AuthOkMessage,
  ErrorMessage,
  HistoryMessage,
  ReplayGapMessage,
  SessionAttachedMessage,
  SessionConfiguredMessage,
  SessionEventMessage,
} from "../../client/client.ts";
import type { PromptImage } from "../../protocol/message-parts.ts";
import type { PermissionMode, SessionCapabilities } from "../../protocol/messages.ts";
import type { DeviceKey } from "../key/device-key.ts";
import { applyEvent, applyGap, type Conversation, emptyConversation, withSnapshot } from "./conversation.ts";
import { type SessionInfo, sessionName } from "./session-words.ts";

/** `starting`: no key yet · `unsupported`: no WebCrypto/IndexedDB · `pairing`: a pair link is being used · `unauthorized`: the relay refused the key. */
export type Access = "starting" | "unsupported" | "pairing" | "unauthorized" | "authorized";

export type ConnectionStatus = "connecting" | "authenticating" | "open" | "reconnecting" | "offline";

export interface ConnectionView {
  status: ConnectionStatus;
  /** Why (e.g. the relay's close reason), for people. */
  detail?: string;
}

export interface OutgoingPrompt {
  id: string;
  /** The session it is for. */
  sessionId: string;
  text: string;
  images?: readonly PromptImage[];
  /** `waiting`: no connection to hand it to yet · `sent`: given to the connection · `failed`: the relay refused it. */
  state: "waiting" | "sent" | "failed";
  error?: string;
}

/** Pairing through a `#pair=` link: the form, waiting for the person at the computer, or why it failed. */
export interface PairingView {
  /** The form; connecting to the relay; asked, waiting for the person at its computer; approved (logging in); refused or failed. */
  phase: "ready" | "connecting" | "waiting" | "approved" | "failed";
  /** The name the device asks to be added under (editable in `ready`). */
  name: string;
  error?: string;
}

/** A `session.create` this page sent (or will send once a stop is done) and the relay has not answered yet. */
export interface PendingCreate {
  cwd: string;
  /** `form`: typed in the list's form, which shows a refusal · `restart`: "new conversation here", whose refusal is a note. */
  origin: "form" | "restart";
  /** The earlier conversation continued (history.list's sessionId). */
  resume?: string;
}

/** A session.configure sent and not answered yet. */
export interface PendingConfigure {
  sessionId: string;
  change: { permissionMode?: PermissionMode; model?: string };
}

/** Claude's earlier conversations in a directory (history.list), asked for from the list's form. */
export interface HistoryView {
  /** The directory asked about; undefined: the default session's. */
  cwd: string | undefined;
  phase: "loading" | "done" | "failed";
  conversations: HistoryMessage["conversations"];
  error?: string;
}

/** Whether the page may notify: as the browser says, or `unsupported`. */
export type NotificationState = NotificationPermission | "unsupported";

export type View = "conversation" | "sessions";

/**
 * Asks the relay for everything it holds: a resume naming no session gets a `replay.gap`
 * (`session_changed`) and then the whole buffer (contract: Reconnection). Used when the page has
 * nothing yet, so a phone opening the page sees the conversation so far.
 */
export const FULL_REPLAY = { sessionId: "", lastSeq: 0 } as const;

/** Small things kept across page loads (localStorage in the page). */
export interface PageMemory {
  load(name: string): string | null;
  save(name: string, value: string): void;
}

const MEMORY = { clientIds: "claude-relay:client-ids", shown: "claude-relay:shown-session", directories: "claude-relay:directories" } as const;
const NO_REQUESTS: Conversation["pending"] = [];

/** Own client ids kept across page loads, so "you" survives a reload; bounded. */
const MAX_REMEMBERED_CLIENT_IDS = 100;
const MAX_REMEMBERED_DIRECTORIES = 10;

export class AppStore {
  readonly key = signal<DeviceKey | undefined>(undefined);
  /** The key as the relay knows it (its comment is the name it was added under), once logged in. */
  readonly loginKey = signal<AuthOkMessage["key"] | undefined>(undefined);
  readonly access = signal<Access>("starting");
  /** Why the page cannot work here (access `unsupported`). */
  readonly problem = signal<string | undefined>(undefined);
  readonly pairing = signal<PairingView | undefined>(undefined);
  readonly connection = signal<ConnectionView>({ status: "connecting" });
  /** The relay's sessions (empty with a v1 relay, which has only its one session). */
  readonly sessions = signal<readonly SessionInfo[]>([]);
  readonly defaultSessionId = signal<string | undefined>(undefined);
  readonly conversations = signal<ReadonlyMap<string, Conversation>>(new Map());
  /** The session shown. */
  readonly activeSessionId = signal<string | undefined>(undefined);
  readonly view = signal<View>("conversation");
  readonly ownClientIds = signal<ReadonlySet<string>>(new Set());
  readonly outbox = signal<readonly OutgoingPrompt[]>([]);
  /** Errors and notes that concern no particular prompt or form, newest last (bounded). */
  readonly errors = signal<readonly string[]>([]);
  readonly creating = signal<PendingCreate | undefined>(undefined);
  /** Why the last session.create was refused, in words. */
  readonly createError = signal<string | undefined>(undefined);
  /** Directories sessions were started in from this page, newest first. */
  readonly recentDirectories = signal<readonly string[]>([]);
  /**
   * Where the replay of a login or an attach ends, per session (auth.ok's and session.attached's
   * `lastSeq`): until its conversation gets there, the page is catching up and need not draw it.
   */
  readonly replayEnds = signal<ReadonlyMap<string, number>>(new Map());
  /** The time relative times are shown against; ticked by the page. */
  readonly now = signal(Date.now());
  /** Each session's pickers: Claude's models and slash commands, the modes the relay accepts. */
  readonly capabilities = signal<ReadonlyMap<string, SessionCapabilities>>(new Map());
  readonly configuring = signal<PendingConfigure | undefined>(undefined);
  /** Why the last change of mode or model was refused, in words, and for which session. */
  readonly configureError = signal<{ sessionId: string; text: string } | undefined>(undefined);
  readonly history = signal<HistoryView | undefined>(undefined);
  readonly notifications = signal<NotificationState>("unsupported");

  readonly active = computed(() => {
    const id = this.activeSessionId.value;
    return id === undefined ? undefined : this.conversations.value.get(id);
  });
  /** The shown session's replay in progress: how far it got, and where it ends. */
  readonly catchingUp = computed(() => {
    const conversation = this.active.value;
    const end = conversation && this.replayEnds.value.get(conversation.sessionId);
    return conversation && end !== undefined && conversation.lastSeq < end ? { at: conversation.lastSeq, end } : undefined;
  });
  /** Whether the shown session is catching up (changes twice per replay, not per event). */
  readonly replaying = computed(() => this.catchingUp.value !== undefined);
  /** The shown session's pending requests and state: the same values until they change, so views reading only these are not redrawn per event. */
  readonly activePending = computed(() => this.active.value?.pending ?? NO_REQUESTS);
  readonly activeStatus = computed(() => this.active.value?.status);
  readonly activeInfo = computed(() => this.sessions.value.find((info) => info.sessionId === this.activeSessionId.value));
  /** Permission requests waiting in sessions other than the one shown. */
  readonly pendingElsewhere = computed(() => {
    let count = 0;
    for (const [sessionId, conversation] of this.conversations.value) if (sessionId !== this.activeSessionId.value) count += conversation.pending.length;
    return count;
  });
  /** Directories to suggest when starting a session: recent ones, those of open sessions, then those Claude's history was listed for. */
  readonly directorySuggestions = computed(() => [
    ...new Set([
      ...this.recentDirectories.value,
      ...this.sessions.value.map((info) => info.cwd),
      ...(this.history.value?.conversations ?? []).map((conversation) => conversation.cwd),
    ]),
  ]);
  readonly activeCapabilities = computed(() => {
    const id = this.activeSessionId.value;
    return id === undefined ? undefined : this.capabilities.value.get(id);
  });
  /** The shown session's permission mode and model: as its last state said, else as the list says. */
  readonly activeSettings = computed(() => {
    const status = this.activeStatus.value;
    const info = this.activeInfo.value;
    return { permissionMode: status?.permissionMode ?? info?.permissionMode, model: status?.model ?? info?.model };
  });

  readonly #memory: PageMemory | undefined;
  /** Sessions this page asked to stop: their leaving the list needs no note. */
  readonly #stopping = new Set<string>();

  constructor(memory?: PageMemory) {
    this.#memory = memory;
    this.ownClientIds.value = new Set(this.#remembered(MEMORY.clientIds));
    this.recentDirectories.value = this.#remembered(MEMORY.directories);
  }

  /** What the next auth.response should resume: the default session from its lastSeq, else everything. */
  resume(): { sessionId: string; lastSeq: number } {
    const id = this.defaultSessionId.value;
    const conversation = id === undefined ? undefined : this.conversations.value.get(id);
    return conversation ? { sessionId: conversation.sessionId, lastSeq: conversation.lastSeq } : { ...FULL_REPLAY };
  }

  /** How many permission requests wait in `sessionId`, as far as the page knows. */
  pendingCount(sessionId: string): number {
    return this.conversations.value.get(sessionId)?.pending.length ?? 0;
  }

  authenticated(ok: AuthOkMessage): void {
    this.access.value = "authorized";
    this.pairing.value = undefined; // a pairing that led here is over
    this.loginKey.value = ok.key;
    const ids = [...this.ownClientIds.value, ok.clientId].slice(-MAX_REMEMBERED_CLIENT_IDS);
    this.ownClientIds.value = new Set(ids);
    this.#memory?.save(MEMORY.clientIds, JSON.stringify(ids));
    this.defaultSessionId.value = ok.sessionId;
    this.#update(ok.sessionId, (conversation) => withSnapshot(conversation, ok.state));
    if (ok.capabilities) this.capabilitiesChanged(ok.sessionId, ok.capabilities);
    if (ok.lastSeq !== undefined) this.#replayEnds(ok.sessionId, ok.lastSeq);
    this.sessionsChanged(ok.sessions ?? []);
    const listed = (id: string | null | undefined) => id != null && (id === ok.sessionId || this.sessions.value.some((info) => info.sessionId === id));
    if (!listed(this.activeSessionId.value)) {
      const remembered = this.#memory?.load(MEMORY.shown);
      this.activeSessionId.value = listed(remembered) ? remembered! : ok.sessionId;
    }
  }

  /** The relay's list: sessions no longer in it are gone (stopped), and so are their conversations. */
  sessionsChanged(sessions: readonly SessionInfo[]): void {
    const before = this.sessions.value;
    this.sessions.value = sessions;
    const listed = new Set([...sessions.map((info) => info.sessionId), this.defaultSessionId.value]);
    const gone = [...this.conversations.value.keys()].filter((id) => !listed.has(id));
    if (gone.length > 0) {
      const conversations = new Map(this.conversations.value);
      for (const id of gone) conversations.delete(id);
      this.conversations.value = conversations;
      this.outbox.value = this.outbox.value.map((prompt) =>
        gone.includes(prompt.sessionId) && prompt.state !== "failed" ? { ...prompt, state: "failed", error: "its session was stopped" } : prompt,
      );
    }
    const shown = this.activeSessionId.value;
    if (shown !== undefined && !listed.has(shown)) {
      const info = before.find((candidate) => candidate.sessionId === shown);
      if (!this.#stopping.has(shown)) this.note(`The session ${info ? `“${sessionName(info)}” ` : ""}was stopped; showing the default session.`);
      this.#shown(this.defaultSessionId.value!); // the view stays: one stopping sessions from the list goes on there
    }
    for (const id of this.#stopping) if (!listed.has(id)) this.#stopping.delete(id);
  }

  /** `session.attached`: its state and pending requests now (the replay follows). */
  attached(message: SessionAttachedMessage): void {
    this.#update(message.sessionId, (conversation) => withSnapshot(conversation, message.state));
    this.#replayEnds(message.sessionId, message.lastSeq);
    if (message.capabilities) this.capabilitiesChanged(message.sessionId, message.capabilities);
  }

  /** A session's pickers (in auth.ok, session.attached or session.capabilities). */
  capabilitiesChanged(sessionId: string, capabilities: SessionCapabilities): void {
    this.capabilities.value = new Map(this.capabilities.value).set(sessionId, capabilities);
  }

  /** A session.configure sent: the pickers wait for its answer. */
  configureStarted(configure: PendingConfigure): void {
    this.configuring.value = configure;
    this.configureError.value = undefined;
  }

  /** The relay answered `configure` (taken, or refused with `error`, said in words). */
  configureDone(configure: PendingConfigure, error?: RequestRefusal): void {
    if (this.configuring.value !== configure) return;
    this.configuring.value = undefined;
    if (error) this.configureError.value = { sessionId: configure.sessionId, text: configureErrorWords(error, configure.change) };
  }

  /** `session.configured` (from any device): the session's mode and model now (its state and the list follow). */
  configured(message: SessionConfiguredMessage): void {
    const { permissionMode, model } = message;
    this.#update(message.sessionId, (conversation) =>
      conversation.status ? { ...conversation, status: { ...conversation.status, permissionMode, ...(model !== undefined && { model }) } } : conversation,
    );
  }

  /** A history.list sent (for `cwd`, or the default session's directory); returns the view its answer fills in. */
  historyStarted(cwd: string | undefined): HistoryView {
    const view: HistoryView = { cwd, phase: "loading", conversations: [] };
    this.history.value = view;
    return view;
  }

  /** The relay's `history` answer (or refusal) to the list `view` asked for, unless another was asked for since. */
  historyListed(view: HistoryView, answer: HistoryMessage | RequestRefusal): void {
    if (this.history.value !== view) return;
    this.history.value =
      "type" in answer && answer.type === "history"
        ? { ...view, phase: "done", conversations: answer.conversations }
        : { ...view, phase: "failed", error: createErrorWords(answer as RequestRefusal) };
  }

  /** The connection is lost: what it was replaying will not come (the next login replays anew). */
  connectionLost(view: ConnectionView): void {
    this.connection.value = view;
    if (this.replayEnds.value.size > 0) this.replayEnds.value = new Map();
  }

  event(event: SessionEventMessage): void {
    this.#update(event.sessionId, (conversation) => applyEvent(conversation, event));
    if (event.type === "user.prompt" && event.id !== undefined) {
      const id = event.id;
      if (this.outbox.value.some((prompt) => prompt.id === id)) this.outbox.value = this.outbox.value.filter((prompt) => prompt.id !== id);
    }
  }

  gap(gap: ReplayGapMessage): void {
    this.#update(gap.sessionId, (conversation) => applyGap(conversation, gap));
  }

  /** Shows a session's conversation (and remembers it for the next visit). */
  show(sessionId: string): void {
    this.#shown(sessionId);
    this.view.value = "conversation";
  }

  queuePrompt(prompt: OutgoingPrompt): void {
    this.outbox.value = [...this.outbox.value, prompt];
  }

  markSent(id: string): void {
    this.outbox.value = this.outbox.value.map((prompt) => (prompt.id === id ? { ...prompt, state: "sent" } : prompt));
  }

  /** This page asked the relay to stop `sessionId`. */
  stopRequested(sessionId: string): void {
    this.#stopping.add(sessionId);
  }

  /** A session.create sent: the form waits for its answer. */
  createStarted(create: PendingCreate): void {
    this.creating.value = create;
    if (create.origin === "form") this.createError.value = undefined;
  }

  /** The relay created the session this page asked for: it is remembered and shown. */
  created(create: PendingCreate, sessionId: string): boolean {
    if (this.creating.value !== create) return false;
    this.creating.value = undefined;
    const directories = [create.cwd, ...this.recentDirectories.value.filter((dir) => dir !== create.cwd)].slice(0, MAX_REMEMBERED_DIRECTORIES);
    this.recentDirectories.value = directories;
    this.#memory?.save(MEMORY.directories, JSON.stringify(directories));
    this.show(sessionId);
    return true;
  }

  /** The relay refused to create the session `create` asked for: the form says why (a restart: a note). */
  createRefused(create: PendingCreate, error: RequestRefusal): void {
    if (this.creating.value !== create) return;
    this.creating.value = undefined;
    if (create.origin === "form") this.createError.value = createErrorWords(error);
    else this.note(`No new conversation in ${create.cwd}: ${createErrorWords(error)}`);
  }

  /** An `error` frame that answers no request: attached to the prompt it refused (by the prompt's id), else listed. */
  relayError(error: ErrorMessage): void {
    if (error.id !== undefined && this.outbox.value.some((prompt) => prompt.id === error.id)) {
      this.outbox.value = this.outbox.value.map((prompt) => (prompt.id === error.id ? { ...prompt, state: "failed", error: error.message } : prompt));
      return;
    }
    this.note(`${error.code}: ${error.message}`);
  }

  /** Something to tell the user that belongs to no prompt or form. */
  note(text: string): void {
    this.errors.value = [...this.errors.value, text].slice(-5);
  }

  dismissPrompt(id: string): void {
    this.outbox.value = this.outbox.value.filter((prompt) => prompt.id !== id);
  }

  dismissErrors(): void {
    this.errors.value = [];
  }

  #update(sessionId: string, change: (conversation: Conversation) => Conversation): void {
    const current = this.conversations.value.get(sessionId) ?? emptyConversation(sessionId);
    const next = change(current);
    if (next === current && this.conversations.value.has(sessionId)) return;
    this.conversations.value = new Map(this.conversations.value).set(sessionId, next);
  }

  #replayEnds(sessionId: string, lastSeq: number): void {
    this.replayEnds.value = new Map(this.replayEnds.value).set(sessionId, lastSeq);
  }

  #shown(sessionId: string): void {
    this.activeSessionId.value = sessionId;
    this.#memory?.save(MEMORY.shown, sessionId);
  }

  #remembered(name: string): string[] {
    try {
      const parsed: unknown = JSON.parse(this.#memory?.load(name) ?? "[]");
      return Array.isArray(parsed) ? parsed.filter((item): item is string => typeof item === "string") : [];
    } catch {
      return [];
    }
  }
}

/** Why a request was refused: the relay's code and words (an `error` frame, a `RelayRequestError`, or not connected). */
export type RequestRefusal = Pick<ErrorMessage, "code" | "message">;

/** Why a change of permission mode or model was refused, in words (the relay's message says what to do). */
function configureErrorWords(error: RequestRefusal, change: PendingConfigure["change"]): string {
  const what = change.model !== undefined ? `the model ${change.model}` : `the permission mode ${change.permissionMode}`;
  const reason = error.message.replace(/^session\.configure: /, "");
  return error.code === "claude_unavailable" ? `Claude cannot switch to ${what} now: ${reason}.` : `Not switched to ${what}: ${reason}.`;
}

/** Why a session.create was refused, for the person who typed the directory. */
function createErrorWords(error: RequestRefusal): string {
  switch (error.code) {
    case "invalid_session_dir":
      return `That directory cannot be used: ${error.message}.`;
    case "too_many_sessions":
      return `No room for another session: ${error.message}.`;
    case "unknown_session":
      return `That conversation cannot be continued: ${error.message}.`;
    default:
      return `The relay did not start the session: ${error.message}.`;
  }
}
