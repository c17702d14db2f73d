/**
 * The Changes view's state, apart from the page's store: which session's changes are open and on
 * which screen (the list of changed files, one file's diff, one file's text), what the relay
 * answered for each (`changes.get`, `changes.diff`, `file.read` through the client's requests),
 * and the turns that changed files, for the "3 files changed" links in the conversation.
 *
 * Every answer is taken only by the view that asked (one asked for later replaces it), so a slow
 * answer for a file left behind never shows on another. Paths and texts are untrusted: the view
 * renders them as text only.
 *
 * @example
 * ```ts
 * const review = new ReviewState((message, reply) => connection.request(message, reply));
 * review.showList("a2c4…");         // list screen, changes.get sent
 * review.showDiff("src/login.ts");  // diff screen
 * review.showFile("src/login.ts");  // the file as it is now, 256 KiB at a time
 * review.back();                    // to the list; from the list, closed
 * ```
 */
import { signal } from "@preact/signals-core";
import type { ChangesMessage, DiffMessage, FileMessage } from "../../client/client.ts";
import type { ClientMessage } from "../../protocol/messages.ts";
import { changedByTurn, type LiveTurn, relativeToSession } from "./turn-changes.ts";

/** Sends a request and resolves with the relay's reply of type `reply` (rejects with its refusal: `{ code, message }`). */
export type AskRelay = <T extends Record<string, unknown>>(message: ClientMessage, reply: string) => Promise<T>;

export type ReviewScreen = { kind: "list" } | { kind: "diff"; path: string } | { kind: "file"; path: string };

type Phase = "loading" | "done" | "failed";

export interface ChangesListView {
  sessionId: string;
  phase: Phase;
  changes?: ChangesMessage;
  error?: string;
}

export interface DiffView {
  sessionId: string;
  path: string;
  phase: Phase;
  patch?: string;
  truncated?: boolean;
  error?: string;
}

export interface FileView {
  sessionId: string;
  path: string;
  phase: Phase;
  /** The file's size in bytes. */
  size?: number;
  /** The text read so far (utf8 slices). */
  text?: string;
  /** The file is not text (its first slice was not UTF-8): only its size is shown. */
  binary?: boolean;
  /** Where the next slice starts, while more of the file follows. */
  nextOffset?: number;
  /** A further slice was asked for. */
  loadingMore?: boolean;
  /** A later slice was not text: the rest is not shown. */
  restBinary?: boolean;
  error?: string;
}

/** A turn that changed files: the link the conversation shows after it. */
export interface TurnLink {
  sessionId: string;
  count: number;
}

/** How much of a file one read asks for: enough for most source files, little enough for a phone to render. */
export const FILE_SLICE_BYTES = 256 * 1024;
/** Turn links kept (the oldest are forgotten: a conversation only renders its newest items). */
const MAX_TURN_LINKS = 200;

function refusalWords(error: unknown): string {
  return error instanceof Error || (typeof error === "object" && error !== null && "message" in error)
    ? String((error as { message: unknown }).message)
    : String(error);
}

export class ReviewState {
  /** The view open, for which session and on which screen; undefined: the conversation. */
  readonly open = signal<{ sessionId: string; screen: ReviewScreen } | undefined>(undefined);
  readonly list = signal<ChangesListView | undefined>(undefined);
  readonly diff = signal<DiffView | undefined>(undefined);
  readonly file = signal<FileView | undefined>(undefined);
  /** The links of turns that changed files, by {@link turnLinkKey}. */
  readonly turnLinks = signal<ReadonlyMap<string, TurnLink>>(new Map());

  readonly #ask: AskRelay;
  /** Each session's last list seen: what the next turn's changes are compared with. */
  readonly #lastSeen = new Map<string, ChangesMessage>();

  constructor(ask: AskRelay) {
    this.#ask = ask;
  }

  /** Opens (or refreshes) the list of `sessionId`'s changed files. */
  showList(sessionId: string): void {
    this.open.value = { sessionId, screen: { kind: "list" } };
    const view: ChangesListView = { sessionId, phase: "loading", ...(this.list.value?.sessionId === sessionId && { changes: this.list.value.changes }) };
    this.list.value = view;
    this.#ask<ChangesMessage>({ type: "changes.get", sessionId }, "changes").then(
      (changes) => {
        this.#lastSeen.set(sessionId, changes);
        if (this.list.value === view) this.list.value = { sessionId, phase: "done", changes };
      },
      (error) => {
        if (this.list.value === view) this.list.value = { ...view, phase: "failed", error: refusalWords(error) };
      },
    );
  }

  /** Shows one file's diff against HEAD. */
  showDiff(path: string): void {
    const sessionId = this.open.value?.sessionId;
    if (sessionId === undefined) return;
    this.open.value = { sessionId, screen: { kind: "diff", path } };
    const view: DiffView = { sessionId, path, phase: "loading" };
    this.diff.value = view;
    this.#ask<DiffMessage>({ type: "changes.diff", sessionId, path }, "diff").then(
      (diff) => {
        if (this.diff.value === view) this.diff.value = { ...view, phase: "done", patch: diff.patch, truncated: diff.truncated };
      },
      (error) => {
        if (this.diff.value === view) this.diff.value = { ...view, phase: "failed", error: refusalWords(error) };
      },
    );
  }

  /** Shows a file as it is now (read-only), its first slice. */
  showFile(path: string): void {
    const sessionId = this.open.value?.sessionId;
    if (sessionId === undefined) return;
    this.open.value = { sessionId, screen: { kind: "file", path } };
    const view: FileView = { sessionId, path, phase: "loading" };
    this.file.value = view;
    this.#read(view, 0);
  }

  /** Reads the next slice of the file shown. */
  loadMore(): void {
    const view = this.file.value;
    if (!view || view.nextOffset === undefined || view.loadingMore) return;
    const loading = { ...view, loadingMore: true };
    this.file.value = loading;
    this.#read(loading, view.nextOffset);
  }

  /** One screen back: a diff or file to the list, the list to the conversation. */
  back(): void {
    const open = this.open.value;
    if (!open) return;
    if (open.screen.kind === "list") this.close();
    else this.open.value = { sessionId: open.sessionId, screen: { kind: "list" } };
  }

  close(): void {
    this.open.value = undefined;
  }

  /**
   * A turn ended live in `sessionId` (running in `cwd`): if it used a tool, asks for the session's
   * changes and links the turn when it changed files.
   */
  turnEnded(sessionId: string, cwd: string | undefined, turn: LiveTurn): void {
    if (!turn.usedTools) return;
    const before = this.#lastSeen.get(sessionId);
    const touched = turn.touched.flatMap((path) => {
      const relative = cwd === undefined ? (path.startsWith("/") ? undefined : path) : relativeToSession(cwd, path);
      return relative === undefined ? [] : [relative];
    });
    this.#ask<ChangesMessage>({ type: "changes.get", sessionId }, "changes").then(
      (after) => {
        this.#lastSeen.set(sessionId, after);
        const count = after.git ? changedByTurn(before, after, touched).length : 0;
        if (count === 0) return;
        const links = new Map(this.turnLinks.value).set(turnLinkKey(sessionId, turn.turnKey), { sessionId, count });
        for (const key of links.keys()) if (links.size > MAX_TURN_LINKS) links.delete(key);
        this.turnLinks.value = links;
      },
      () => {}, // no link: the Changes view says why when opened
    );
  }

  #read(view: FileView, offset: number): void {
    const { sessionId, path } = view;
    this.#ask<FileMessage>({ type: "file.read", sessionId, path, offset, length: FILE_SLICE_BYTES }, "file").then(
      (slice) => {
        if (this.file.value !== view) return;
        const next = slice.truncated ? (slice.offset ?? offset) + (slice.length ?? FILE_SLICE_BYTES) : undefined;
        const text = slice.encoding === "utf8";
        const first = offset === 0;
        this.file.value = {
          sessionId,
          path,
          phase: "done",
          size: slice.size,
          ...(first && !text && { binary: true }),
          ...(!first && !text && { restBinary: true }),
          text: (view.text ?? "") + (text ? slice.data : ""),
          ...(text && next !== undefined && { nextOffset: next }),
        };
      },
      (error) => {
        if (this.file.value !== view) return;
        this.file.value = first(view) ? { ...view, phase: "failed", error: refusalWords(error) } : { ...view, loadingMore: false, error: refusalWords(error) };
      },
    );
  }
}

/**
 * Where a turn's link is kept: item keys are unique within a conversation only.
 *
 * @example
 * review.turnLinks.value.get(turnLinkKey(sessionId, item.key))?.count;
 */
export function turnLinkKey(sessionId: string, turnKey: string): string {
  return `${sessionId} ${turnKey}`;
}

/** Whether nothing of the file was read yet. */
function first(view: FileView): boolean {
  return view.text === undefined;
}
