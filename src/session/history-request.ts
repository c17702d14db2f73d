/**
 * Answers `history.list`: Claude's earlier conversations in a directory (checked against
 * `--allow-dir` as for session.create, the relay's own `--cwd` allowed too; default: the default
 * session's), or why they cannot be listed.
 *
 * @example
 * ```ts
 * answerHistoryList(phone, { type: "history.list", cwd: "/home/me/app", id: "h1" }, { history, allowDirs, defaultCwd, log });
 * // phone gets { type: "history", conversations: [{ sessionId, title, updatedAt, cwd }, …], id: "h1" }
 * ```
 */
import type { Logger } from "../log/logger.ts";
import { encodeServerMessage } from "../protocol/encode.ts";
import type { ClientMessage } from "../protocol/messages.ts";
import type { ConversationHistory } from "./history.ts";
import { checkSessionDir } from "./session-dir.ts";
import type { SessionClient } from "./session-ports.ts";

export interface HistoryListContext {
  history: ConversationHistory;
  /** `--allow-dir`: the directories whose conversations may be listed. */
  allowDirs: readonly string[];
  /** Where the default session runs (the relay's own `--cwd`): listed when the request names no directory, and always allowed. */
  defaultCwd: string;
  log: Logger;
}

export function answerHistoryList(connection: SessionClient, message: Extract<ClientMessage, { type: "history.list" }>, context: HistoryListContext): void {
  let cwd = context.defaultCwd;
  if (message.cwd !== undefined) {
    const dir = checkSessionDir(message.cwd, context.allowDirs, context.defaultCwd);
    if (!dir.ok) return connection.sendError("invalid_session_dir", dir.message, message.id);
    cwd = dir.path;
  }
  context.history.list(cwd).then(
    (conversations) => {
      connection.log.debug("history listed", { cwd, conversations: conversations.length });
      connection.send(encodeServerMessage({ type: "history", conversations, ...(message.id !== undefined && { id: message.id }) }));
    },
    (error: unknown) => {
      context.log.error("cannot list Claude's conversations", { cwd, error: String(error) });
      connection.sendError("internal", `cannot list Claude's conversations in ${JSON.stringify(cwd)}; see the relay's log`, message.id);
    },
  );
}
