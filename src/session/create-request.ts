/**
 * What a `session.create` may ask, checked before anything is made: a mode and model clients may
 * choose, a directory under `--allow-dir` (or the relay's own), no new worktree for a resumed
 * conversation, and a conversation to resume that Claude has there and that is neither open in
 * another directory nor being stopped. A refusal carries the error for the client and, where the
 * relay's log should say so, the line for it.
 *
 * @example
 * ```ts
 * const checked = checkCreateRequest(message, { allowDirs: ["/home/me"], relayDir: "/srv/app", permissionModes, models });
 * if (!checked.ok) return refuse(checked);
 * checked.cwd; // "/home/me/app", resolved
 * ```
 */

import type { ErrorCode } from "../protocol/errors.ts";
import type { ClientMessage } from "../protocol/messages.ts";
import type { ModelChoice } from "./capabilities.ts";
import type { ConversationHistory } from "./history.ts";
import { checkSessionDir } from "./session-dir.ts";
import { type SettingsChange, settingsOf, settingsRefusal } from "./session-settings.ts";
import { isSessionUuid } from "./session-store.ts";

/** Why a session.create is refused: the client's error, and a warning for the relay's log when it is worth one. */
export interface CreateRefusal {
  ok: false;
  code: ErrorCode;
  message: string;
  warn?: { line: string; fields: Record<string, unknown> };
}

export interface CreateRules {
  allowDirs: readonly string[];
  /** The relay's own `--cwd`: always allowed. */
  relayDir: string;
  permissionModes: readonly string[];
  /** The models Claude offers, once known. */
  models: readonly ModelChoice[] | undefined;
}

/** The checks that need no session: settings, directory, and resume without a worktree. */
export function checkCreateRequest(
  message: Extract<ClientMessage, { type: "session.create" }>,
  rules: CreateRules,
): { ok: true; cwd: string; settings: SettingsChange } | CreateRefusal {
  const settings = settingsOf(message);
  const refused = settingsRefusal(settings, rules.permissionModes, rules.models);
  if (refused) {
    const warn = { line: "session refused: mode or model not allowed", fields: { ...settings, reason: refused } };
    return { ok: false, code: "invalid_message", message: `session.create: ${refused}; nothing was created`, warn };
  }
  const dir = checkSessionDir(message.cwd, rules.allowDirs, rules.relayDir);
  if (!dir.ok) {
    return {
      ok: false,
      code: "invalid_session_dir",
      message: dir.message,
      warn: { line: "session refused: directory not allowed", fields: { cwd: message.cwd, reason: dir.message } },
    };
  }
  if (message.resume !== undefined && message.worktree !== undefined) {
    return {
      ok: false,
      code: "invalid_message",
      message: "session.create: resume continues a conversation in its own directory; it cannot take a new worktree",
    };
  }
  return { ok: true, cwd: dir.path, settings };
}

/**
 * Whether the conversation `sessionId` can be resumed in `cwd`: Claude has its transcript there,
 * and it is not open in another directory (`openIn`) or being stopped (`ending`).
 */
export function checkResume(
  sessionId: string,
  cwd: string,
  state: { openIn: string | undefined; ending: boolean; history: ConversationHistory },
): { ok: true; title: string } | CreateRefusal {
  const shown = JSON.stringify(sessionId);
  if (state.openIn !== undefined) {
    const message = `conversation ${shown} is open in another directory (${JSON.stringify(state.openIn)}), not in ${JSON.stringify(cwd)}`;
    return { ok: false, code: "unknown_session", message };
  }
  if (state.ending) {
    return { ok: false, code: "claude_unavailable", message: `conversation ${shown} is being stopped; resume it once session.stopped has come` };
  }
  const found = isSessionUuid(sessionId) ? state.history.find(cwd, sessionId) : undefined;
  if (found) return { ok: true, title: found.title };
  return {
    ok: false,
    code: "unknown_session",
    message: `Claude has no conversation ${shown} in ${JSON.stringify(cwd)}; history.list with this cwd lists the ones it has`,
    warn: { line: "session refused: no such conversation to resume", fields: { cwd, resume: sessionId } },
  };
}
