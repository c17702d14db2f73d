/**
 * The page's state, as signals the UI reads. Most of it mirrors the client's model of the relay
 * (src/client/session-directory.ts): the sessions, and for each followed session its view (where
 * the page stands, the permission requests waiting, the state, the pickers, a replay under way),
 * as the client reports them (`sessionView`). The page's own are the conversations' items (built
 * from the events the client delivers, once each), which session is shown, the device key and
 * whether the relay accepts it (or a pairing in progress), the connection as the page words it,
 * our own client ids (to tell "you" from "another device"), prompts sent but not yet echoed by
 * the relay, notes, and the forms waiting for the relay (forms.ts).
 *
 * @example
 * ```ts
 * const store = new AppStore();
 * store.authenticated(authOk);
 * store.event(sessionEvent);      // before the client's sessionView for it
 * store.sessionView(view);
 * store.active.value?.items;      // what the conversation view renders
 * store.show("a2c4…");            // switch the conversation shown
 * ```
 */
import { computed, signal } from "@preact/signals-core";
import type { AuthOkMessage, ErrorMessage, ReplayGapMessage, SessionEventMessage, SessionView } from "../../client/client.ts";
import type { PromptImage } from "../../protocol/message-parts.ts";
import type { DeviceKey } from "../key/device-key.ts";
import { applyEvent, applyGap, type Conversation, emptyConversation } from "./conversation.ts";
import { RequestForms } from "./forms.ts";
import { type PageMemory, remembered } from "./page-memory.ts";
import { type SessionInfo, sessionName } from "./session-words.ts";

export type { PageMemory } from "./page-memory.ts";

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

/** Whether the page may notify: as the browser says, or `unsupported`. */
export type NotificationState = NotificationPermission | "unsupported";

export type View = "conversation" | "sessions";

const MEMORY = { clientIds: "claude-relay:client-ids", shown: "claude-relay:shown-session" } as const;
const NO_REQUESTS: SessionView["pendingPermissions"] = [];

/** Own client ids kept across page loads, so "you" survives a reload; bounded. */
const MAX_REMEMBERED_CLIENT_IDS = 100;

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
  /** Each session followed (or followed before), as the client's model last reported it. */
  readonly sessionViews = signal<ReadonlyMap<string, SessionView>>(new Map());
  /** Each session's conversation: the items built from its events. */
  readonly conversations = signal<ReadonlyMap<string, Conversation>>(new Map());
  /** The session shown. */
  readonly activeSessionId = signal<string | undefined>(undefined);
  readonly view = signal<View>("conversation");
  readonly ownClientIds = signal<ReadonlySet<string>>(new Set());
  readonly outbox = signal<readonly OutgoingPrompt[]>([]);
  /** Errors and notes that concern no particular prompt or form, newest last (bounded). */
  readonly errors = signal<readonly string[]>([]);
  /** The time relative times are shown against; ticked by the page. */
  readonly now = signal(Date.now());
  readonly notifications = signal<NotificationState>("unsupported");
  /** Creating a session, changing its mode or model, listing Claude's earlier conversations. */
  readonly forms: RequestForms;

  readonly active = computed(() => {
    const id = this.activeSessionId.value;
    return id === undefined ? undefined : this.conversations.value.get(id);
  });
  readonly activeView = computed(() => {
    const id = this.activeSessionId.value;
    return id === undefined ? undefined : this.sessionViews.value.get(id);
  });
  /** The shown session's replay in progress: how far it got, and where it ends. */
  readonly catchingUp = computed(() => {
    const view = this.activeView.value;
    return view?.replayEnd !== undefined ? { at: view.lastSeq, end: view.replayEnd } : undefined;
  });
  /** Whether the shown session is catching up (changes twice per replay, not per event). */
  readonly replaying = computed(() => this.catchingUp.value !== undefined);
  /** The shown session's pending requests, state and pickers: the same values until they change, so views reading only these are not redrawn per event. */
  readonly activePending = computed(() => this.activeView.value?.pendingPermissions ?? NO_REQUESTS);
  readonly activeStatus = computed(() => this.activeView.value?.state);
  readonly activeCapabilities = computed(() => this.activeView.value?.capabilities);
  readonly activeInfo = computed(() => this.sessions.value.find((info) => info.sessionId === this.activeSessionId.value));
  /** Permission requests waiting in sessions other than the one shown. */
  readonly pendingElsewhere = computed(() => {
    let count = 0;
    for (const [sessionId, view] of this.sessionViews.value) if (sessionId !== this.activeSessionId.value) count += view.pendingPermissions.length;
    return count;
  });
  /** Directories to suggest when starting a session: recent ones, those of open sessions, then those Claude's history was listed for. */
  readonly directorySuggestions = computed(() => [
    ...new Set([
      ...this.forms.recentDirectories.value,
      ...this.sessions.value.map((info) => info.cwd),
      ...(this.forms.history.value?.conversations ?? []).map((conversation) => conversation.cwd),
    ]),
  ]);
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
    this.ownClientIds.value = new Set(remembered(memory, MEMORY.clientIds));
    this.forms = new RequestForms(memory, { show: (sessionId) => this.show(sessionId), note: (text) => this.note(text) });
  }

  /** How many permission requests wait in `sessionId`, as far as the page knows. */
  pendingCount(sessionId: string): number {
    return this.sessionViews.value.get(sessionId)?.pendingPermissions.length ?? 0;
  }

  /** A new client, a new model: what was mirrored of the previous one goes (its first login replays what the relay holds). */
  clientStarted(): void {
    this.sessionViews.value = new Map();
    this.conversations.value = new Map();
  }

  authenticated(ok: AuthOkMessage): void {
    this.access.value = "authorized";
    this.pairing.value = undefined; // a pairing that led here is over
    this.loginKey.value = ok.key;
    const ids = [...this.ownClientIds.value, ok.clientId].slice(-MAX_REMEMBERED_CLIENT_IDS);
    this.ownClientIds.value = new Set(ids);
    this.#memory?.save(MEMORY.clientIds, JSON.stringify(ids));
    this.defaultSessionId.value = ok.sessionId;
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
    const gone = [...new Set([...this.conversations.value.keys(), ...this.sessionViews.value.keys()])].filter((id) => !listed.has(id));
    if (gone.length > 0) {
      this.conversations.value = without(this.conversations.value, gone);
      this.sessionViews.value = without(this.sessionViews.value, gone);
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

  /** The client's view of a followed session after a change. */
  sessionView(view: SessionView): void {
    this.sessionViews.value = new Map(this.sessionViews.value).set(view.sessionId, view);
  }

  /** A session event the client delivered; applied with the session as mirrored before it (the client reports the change after). */
  event(event: SessionEventMessage): void {
    const before = this.sessionViews.value.get(event.sessionId);
    this.#update(event.sessionId, (conversation) => applyEvent(conversation, event, before));
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

  #shown(sessionId: string): void {
    this.activeSessionId.value = sessionId;
    this.#memory?.save(MEMORY.shown, sessionId);
  }
}

function without<T>(map: ReadonlyMap<string, T>, ids: readonly string[]): ReadonlyMap<string, T> {
  const rest = new Map(map);
  for (const id of ids) rest.delete(id);
  return rest;
}
