/**
 * The page's state, as signals the UI reads: the device key and whether the relay accepts it, the
 * connection, every session's conversation (a map of sessionId → {@link Conversation}, each with
 * its own lastSeq; v1 has just the default session), which one is shown, our own client ids (to
 * tell "you" from "another device"), and prompts sent but not yet echoed by the relay.
 *
 * @example
 * ```ts
 * const store = new AppStore();
 * store.authenticated(authOk);
 * store.event(sessionEvent);
 * store.active.value?.items;      // what the conversation view renders
 * store.resume();                 // { sessionId, lastSeq } for the next auth.response
 * ```
 */
import { computed, signal } from "@preact/signals-core";
import type { AuthOkMessage, ErrorMessage, ReplayGapMessage, SessionEventMessage } from "../../client/client.ts";
import type { DeviceKey } from "../key/device-key.ts";
import { applyEvent, applyGap, emptyConversation, withSnapshot, type Conversation } from "./conversation.ts";

/** `starting`: no key yet · `unsupported`: no WebCrypto/IndexedDB · `unauthorized`: the relay refused the key. */
export type Access = "starting" | "unsupported" | "unauthorized" | "authorized";

export type ConnectionStatus = "connecting" | "authenticating" | "open" | "reconnecting" | "offline";

export interface ConnectionView {
  status: ConnectionStatus;
  /** Why (e.g. the relay's close reason), for people. */
  detail?: string;
}

export interface OutgoingPrompt {
  id: string;
  text: string;
  /** `waiting`: no connection to hand it to yet · `sent`: given to the connection · `failed`: the relay refused it. */
  state: "waiting" | "sent" | "failed";
  error?: string;
}

/**
 * Asks the relay for everything it holds: a resume naming no session gets a `replay.gap`
 * (`session_changed`) and then the whole buffer (contract: Reconnection). Used when the page has
 * nothing yet, so a phone opening the page sees the conversation so far.
 */
export const FULL_REPLAY = { sessionId: "", lastSeq: 0 } as const;

/** Own client ids kept across page loads, so "you" survives a reload; bounded. */
const MAX_REMEMBERED_CLIENT_IDS = 100;

export interface ClientIdMemory {
  load(): string[];
  save(ids: string[]): void;
}

export class AppStore {
  readonly key = signal<DeviceKey | undefined>(undefined);
  readonly access = signal<Access>("starting");
  /** Why the page cannot work here (access `unsupported`). */
  readonly problem = signal<string | undefined>(undefined);
  readonly connection = signal<ConnectionView>({ status: "connecting" });
  readonly conversations = signal<ReadonlyMap<string, Conversation>>(new Map());
  readonly activeSessionId = signal<string | undefined>(undefined);
  readonly ownClientIds = signal<ReadonlySet<string>>(new Set());
  readonly outbox = signal<readonly OutgoingPrompt[]>([]);
  /** Errors the relay sent that concern no particular prompt, newest last (bounded). */
  readonly errors = signal<readonly string[]>([]);
  readonly active = computed(() => {
    const id = this.activeSessionId.value;
    return id === undefined ? undefined : this.conversations.value.get(id);
  });
  readonly #memory: ClientIdMemory | undefined;

  constructor(memory?: ClientIdMemory) {
    this.#memory = memory;
    if (memory) this.ownClientIds.value = new Set(memory.load());
  }

  /** What the next auth.response should resume: the shown session from its lastSeq, else everything. */
  resume(): { sessionId: string; lastSeq: number } {
    const active = this.active.value;
    return active ? { sessionId: active.sessionId, lastSeq: active.lastSeq } : { ...FULL_REPLAY };
  }

  authenticated(ok: AuthOkMessage): void {
    this.access.value = "authorized";
    const ids = [...this.ownClientIds.value, ok.clientId].slice(-MAX_REMEMBERED_CLIENT_IDS);
    this.ownClientIds.value = new Set(ids);
    this.#memory?.save(ids);
    this.#update(ok.sessionId, (conversation) => withSnapshot(conversation, ok.state));
    this.activeSessionId.value = ok.sessionId;
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

  queuePrompt(prompt: OutgoingPrompt): void {
    this.outbox.value = [...this.outbox.value, prompt];
  }

  markSent(id: string): void {
    this.outbox.value = this.outbox.value.map((prompt) => (prompt.id === id ? { ...prompt, state: "sent" } : prompt));
  }

  /** An `error` frame: attached to the prompt it answers (by id), else listed. */
  relayError(error: ErrorMessage): void {
    if (error.id !== undefined && this.outbox.value.some((prompt) => prompt.id === error.id)) {
      this.outbox.value = this.outbox.value.map((prompt) => (prompt.id === error.id ? { ...prompt, state: "failed", error: error.message } : prompt));
      return;
    }
    this.errors.value = [...this.errors.value, `${error.code}: ${error.message}`].slice(-5);
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
}
