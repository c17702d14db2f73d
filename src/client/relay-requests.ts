/**
 * The request wrappers of {@link RelayClient}: starting, stopping and listing sessions (v2), the
 * v3 review requests (what changed in a session's directory, one path's diff, a slice of a file)
 * and the live view's (status, stopping a task) — thin wrappers over `request()`, kept apart so
 * the client's file holds the connection and the sessions, not every request of the protocol.
 *
 * @example
 * ```ts
 * const { files } = await client.changes();        // RelayClient extends RelayRequests
 * const { patch } = await client.diff(files[0].path);
 * ```
 */
import type { ClientMessage } from "../protocol/messages.ts";
import type { RelayClientEvents } from "./client-types.ts";
import { RelayClientError } from "./errors.ts";
import type {
  ChangesMessage,
  DiffMessage,
  FileMessage,
  HistoryMessage,
  SessionCreatedMessage,
  SessionInfo,
  SessionStatusMessage,
  SessionStoppedMessage,
} from "./messages.ts";

export abstract class RelayRequests {
  /** The session in focus, once known: what a review request is about by default. */
  abstract get sessionId(): string | undefined;

  /** Sends `message` with a fresh id and resolves with the relay's `reply` carrying it (see RelayClient). */
  abstract request<T extends Record<string, unknown>>(message: ClientMessage, reply: string): Promise<T>;

  /** Sends `message` as it is (queued while reconnecting; see RelayClient). */
  abstract send(message: ClientMessage): void;

  /** The relay's list of sessions, as last told. */
  abstract get sessions(): SessionInfo[];

  /** The next `name` event matching `match` (see RelayClient). */
  abstract waitFor<K extends keyof RelayClientEvents>(
    name: K,
    match?: (...args: RelayClientEvents[K]) => boolean,
    timeoutMs?: number,
  ): Promise<RelayClientEvents[K][0]>;

  /**
   * Starts a new session (its own Claude) in `cwd`, an absolute directory on the relay's machine
   * inside one of its `--allow-dir`s — continuing Claude's earlier conversation `resume` (an id
   * from {@link listHistory}) when given; resolves with its id. The client does not follow it:
   * call `follow(id)`. Rejects with a `RelayRequestError`: `invalid_session_dir` (the message says
   * what is wrong with the directory), `too_many_sessions`, `unknown_session` (no such conversation).
   * v3 `worktree`: in a new worktree of `cwd`'s repository, on that new branch.
   *
   * @example
   * const id = await client.createSession("/home/me/code/api", { worktree: "fix-login" });
   * await client.follow(id);
   */
  async createSession(cwd: string, options: { resume?: string; worktree?: string } = {}): Promise<string> {
    const { resume, worktree } = options;
    const message: ClientMessage = { type: "session.create", cwd, ...(resume !== undefined && { resume }), ...(worktree !== undefined && { worktree }) };
    const { sessionId } = await this.request<SessionCreatedMessage>(message, "session.created");
    // The relay's `sessions` update follows session.created (contract): resolve once the list has
    // the session, so a caller finds its directory and branch there (it still resolves if the
    // update is lost to a closing connection: the session exists).
    if (!this.sessions.some((info) => info.sessionId === sessionId)) {
      await this.waitFor("sessions", (update) => update.sessions.some((info) => info.sessionId === sessionId), 10_000).catch(() => undefined);
    }
    return sessionId;
  }

  /**
   * Stops a session other than the default one (v2 `session.stop`); resolves once its Claude has ended.
   * v3 `removeWorktree`: and its worktree (branch kept; `worktree_dirty` while it has changes).
   *
   * @example
   * await client.stopSession("a2c4…", { removeWorktree: true });
   */
  stopSession(sessionId: string, options: { removeWorktree?: boolean } = {}): Promise<SessionStoppedMessage> {
    return this.request<SessionStoppedMessage>({ type: "session.stop", sessionId, ...(options.removeWorktree && { removeWorktree: true }) }, "session.stopped");
  }

  /**
   * Claude's earlier conversations in `cwd` (default: the default session's directory), to continue
   * one with `createSession(cwd, { resume })` (v2 `history.list`).
   *
   * @example
   * const { conversations } = await client.listHistory("/home/me/code/api");
   */
  listHistory(cwd?: string): Promise<HistoryMessage> {
    return this.request<HistoryMessage>({ type: "history.list", ...(cwd !== undefined && { cwd }) }, "history");
  }

  /**
   * v3: what changed in a session's directory against HEAD (default: the session in focus).
   * Rejects with a `RelayRequestError` (`unknown_session`).
   *
   * @example
   * const { git, files } = await client.changes();
   * for (const file of files) console.log(file.status, file.path, `+${file.additions} -${file.deletions}`);
   */
  changes(sessionId = this.#reviewed()): Promise<ChangesMessage> {
    return this.request<ChangesMessage>({ type: "changes.get", sessionId }, "changes");
  }

  /**
   * v3: one path's unified diff against HEAD (`truncated` past 512 KiB). Rejects with a
   * `RelayRequestError`: `invalid_path` (the relay's path rules), `unknown_session`.
   *
   * @example
   * const { patch, truncated } = await client.diff("src/login.ts");
   */
  diff(path: string, options: { sessionId?: string } = {}): Promise<DiffMessage> {
    return this.request<DiffMessage>({ type: "changes.diff", sessionId: options.sessionId ?? this.#reviewed(), path }, "diff");
  }

  /**
   * v3: a slice of a file in a session's directory (at most 1 MiB; `truncated` while more
   * follows, from `offset + length`). Rejects like {@link diff}.
   *
   * @example
   * const file = await client.readFile("README.md");
   * const text = file.encoding === "utf8" ? file.data : atob(file.data);
   */
  readFile(path: string, options: { sessionId?: string; offset?: number; length?: number } = {}): Promise<FileMessage> {
    const { sessionId = this.#reviewed(), ...slice } = options;
    return this.request<FileMessage>({ type: "file.read", sessionId, path, ...slice }, "file");
  }

  /** v3: a session's status now (default: in focus), then its changes as `session.status` events. @example await client.requestStatus() */
  requestStatus(sessionId = this.#reviewed()): Promise<SessionStatusMessage> {
    return this.request<SessionStatusMessage>({ type: "session.status.get", sessionId }, "session.status");
  }

  /**
   * v3: stops a running task of `session.status` (default session: in focus). Its end shows in
   * `session.status`; one not running comes back as an `error` event (`unknown_task`, with `id`).
   * @example client.stopTask(status.tasks[0].taskId)
   */
  stopTask(taskId: string, options: { sessionId?: string; id?: string } = {}): void {
    this.send({ type: "task.stop", taskId, sessionId: options.sessionId ?? this.#reviewed(), ...(options.id !== undefined && { id: options.id }) });
  }

  /** The session a review request is about by default: the one in focus. */
  #reviewed(): string {
    const sessionId = this.sessionId;
    if (sessionId === undefined) throw new RelayClientError("not_connected", "reviewing changes needs a joined session or a sessionId");
    return sessionId;
  }
}
