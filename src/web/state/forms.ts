/**
 * The page's forms that wait for the relay (signals the UI reads): a session being created (from
 * the list's form, or "new conversation here"), a change of permission mode or model, Claude's
 * earlier conversations listed for a directory, and why the relay refused any of them, in words.
 * The requests themselves go through the client (net/requests.ts); each answer reaches only the
 * form that asked (a newer ask replaces an older one).
 *
 * @example
 * ```ts
 * const forms = new RequestForms(memory, { show: (id) => store.show(id), note: (text) => store.note(text) });
 * const create = { cwd: "/home/me/api", origin: "form" as const };
 * forms.createStarted(create);
 * forms.created(create, "a2c4…");   // shown, and the directory remembered
 * ```
 */
import { signal } from "@preact/signals-core";
import type { ErrorMessage, HistoryMessage } from "../../client/client.ts";
import type { PermissionMode } from "../../protocol/messages.ts";
import { type PageMemory, remembered } from "./page-memory.ts";

/** A `session.create` this page sent (or will send once a stop is done) and the relay has not answered yet. */
export interface PendingCreate {
  cwd: string;
  /** `form`: typed in the list's form, which shows a refusal · `restart`: "new conversation here", whose refusal is a note. */
  origin: "form" | "restart";
  /** The earlier conversation continued (history.list's sessionId). */
  resume?: string;
  /** A new branch: the session runs in a new worktree of the directory's repository. */
  worktree?: string;
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

/** Why a request was refused: the relay's code and words (an `error` frame, a `RelayRequestError`, or not connected). */
export type RequestRefusal = Pick<ErrorMessage, "code" | "message">;

const DIRECTORIES = "claude-relay:directories";
const MAX_REMEMBERED_DIRECTORIES = 10;

export class RequestForms {
  readonly creating = signal<PendingCreate | undefined>(undefined);
  /** Why the last session.create was refused, in words. */
  readonly createError = signal<string | undefined>(undefined);
  /** Directories sessions were started in from this page, newest first. */
  readonly recentDirectories = signal<readonly string[]>([]);
  readonly configuring = signal<PendingConfigure | undefined>(undefined);
  /** Why the last change of mode or model was refused, in words, and for which session. */
  readonly configureError = signal<{ sessionId: string; text: string } | undefined>(undefined);
  readonly history = signal<HistoryView | undefined>(undefined);

  readonly #memory: PageMemory | undefined;
  readonly #page: { show(sessionId: string): void; note(text: string): void };

  /** `page`: shows the session created; notes a refusal no form on screen can show. */
  constructor(memory: PageMemory | undefined, page: { show(sessionId: string): void; note(text: string): void }) {
    this.#memory = memory;
    this.#page = page;
    this.recentDirectories.value = remembered(memory, DIRECTORIES);
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
    this.#memory?.save(DIRECTORIES, JSON.stringify(directories));
    this.#page.show(sessionId);
    return true;
  }

  /** The relay refused to create the session `create` asked for: the form says why (a restart: a note). */
  createRefused(create: PendingCreate, error: RequestRefusal): void {
    if (this.creating.value !== create) return;
    this.creating.value = undefined;
    if (create.origin === "form") this.createError.value = createErrorWords(error);
    else this.#page.note(`No new conversation in ${create.cwd}: ${createErrorWords(error)}`);
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
}

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
