/**
 * Answers the review requests (`changes.get`, `changes.diff`, `file.read`) of authenticated
 * clients, in front of the session manager: it finds the session's directory (an unknown session
 * → `unknown_session`), runs the git or file work asynchronously, and answers only the asking
 * client, with its `id`. A refused path is `invalid_path` (nothing was read); git failing or
 * missing is `internal`, with git's words in the relay's log. Every other message goes on to the
 * sessions unchanged.
 *
 * @example
 * ```ts
 * const gateway = new Gateway({ session: withReviewRequests(sessions, (id) => directoryOf(id), log), … });
 * ```
 */
import type { Logger } from "../log/logger.ts";
import { encodeServerMessage } from "../protocol/encode.ts";
import type { ClientMessage } from "../protocol/messages.ts";
import type { SessionMessage, SessionPort } from "../server/gateway.ts";
import type { SessionClient } from "../session/session-ports.ts";
import { listChanges } from "./changes-list.ts";
import { readFileSlice } from "./file-read.ts";
import { GitUnavailableError } from "./git-runner.ts";
import { diffPath } from "./path-diff.ts";

export type ReviewRequest = Extract<ClientMessage, { type: "changes.get" | "changes.diff" | "file.read" }>;

/** The directory of an open session, or undefined when there is no such session. */
export type DirectoryOf = (sessionId: string) => string | undefined;

/** `sessions` with the review requests answered in front of it. */
export function withReviewRequests(sessions: SessionPort, directoryOf: DirectoryOf, log: Logger): SessionPort {
  return {
    join: (connection, resume) => sessions.join(connection, resume),
    leave: (connection) => sessions.leave(connection),
    handle(connection, message: SessionMessage) {
      if (message.type === "changes.get" || message.type === "changes.diff" || message.type === "file.read") {
        return void answerReviewRequest(connection, message, directoryOf, log);
      }
      sessions.handle(connection, message);
    },
  };
}

/** Answers one review request (never rejects: failures become error frames). */
export async function answerReviewRequest(connection: SessionClient, message: ReviewRequest, directoryOf: DirectoryOf, log: Logger): Promise<void> {
  const cwd = directoryOf(message.sessionId);
  const echo = message.id !== undefined ? { id: message.id } : {};
  if (cwd === undefined) {
    return connection.sendError("unknown_session", `no session ${JSON.stringify(message.sessionId)}; the sessions message lists the open ones`, message.id);
  }
  const { sessionId } = message;
  try {
    if (message.type === "changes.get") {
      const list = await listChanges(cwd);
      return void connection.send(encodeServerMessage({ type: "changes", ...echo, sessionId, ...list }));
    }
    const refuse = (reason: string) => {
      connection.log.warn(`${message.type} refused: invalid path`, { sessionId, path: message.path, reason });
      connection.sendError("invalid_path", `${JSON.stringify(message.path)}: ${reason}; nothing was read`, message.id);
    };
    if (message.type === "changes.diff") {
      const diff = await diffPath(cwd, message.path);
      if (!diff.ok) return refuse(diff.reason);
      const { ok: _, ...reply } = diff;
      return void connection.send(encodeServerMessage({ type: "diff", ...echo, sessionId, ...reply }));
    }
    const slice = await readFileSlice(cwd, message.path, message);
    if (!slice.ok) return refuse(slice.reason);
    const { ok: _, ...reply } = slice;
    connection.send(encodeServerMessage({ type: "file", ...echo, sessionId, ...reply }));
  } catch (error) {
    const unavailable = error instanceof GitUnavailableError;
    log.error(`${message.type} failed`, { sessionId, cwd, error: String(error) });
    connection.sendError(
      "internal",
      unavailable ? `${(error as Error).message}` : `${message.type} failed in ${JSON.stringify(cwd)}; see the relay's log`,
      message.id,
    );
  }
}
