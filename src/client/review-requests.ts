/**
 * The v3 review requests of {@link RelayClient} (what changed in a session's directory, one
 * path's diff, a slice of a file): thin wrappers over `request()`, kept apart so the client's
 * file holds the connection and the sessions, not every request of the protocol.
 *
 * @example
 * ```ts
 * const { files } = await client.changes();        // RelayClient extends ReviewRequests
 * const { patch } = await client.diff(files[0].path);
 * ```
 */
import type { ClientMessage } from "../protocol/messages.ts";
import { RelayClientError } from "./errors.ts";
import type { ChangesMessage, DiffMessage, FileMessage, SessionStatusMessage } from "./messages.ts";

export abstract class ReviewRequests {
  /** The session in focus, once known: what a review request is about by default. */
  abstract get sessionId(): string | undefined;

  /** Sends `message` with a fresh id and resolves with the relay's `reply` carrying it (see RelayClient). */
  abstract request<T extends Record<string, unknown>>(message: ClientMessage, reply: string): Promise<T>;

  /** Sends `message` as it is (queued while reconnecting; see RelayClient). */
  abstract send(message: ClientMessage): void;

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
