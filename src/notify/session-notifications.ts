/**
 * What of a session's Claude is worth a notification (`--notify-command`): a permission request,
 * the end of a turn (its `result` line), Claude given up after crashing (`failed`). Subscribes to
 * the session's supervisor and hands each as a {@link Notification} to `notify`; the mapping from
 * Claude's lines is pure and exported for tests.
 *
 * @example
 * ```ts
 * const stop = watchForNotifications(claude, () => ({ sessionId, cwd, title }), (n) => notifier.notify(n));
 * stop(); // the session ended
 * ```
 */
import type { PermissionRequest } from "../claude/stream-json.ts";
import type { SupervisorEvents } from "../claude/supervisor.ts";
import type { Notification } from "./notifier.ts";

/** Which session a notification is about, as it is when it is sent (its title may come later). */
export interface SessionFacts {
  sessionId: string;
  cwd: string;
  title?: string;
}

/** What the watcher needs of a supervisor. */
export interface NotificationSource {
  readonly restarts: number;
  on<K extends keyof SupervisorEvents>(name: K, listener: (...args: SupervisorEvents[K]) => void): () => void;
}

/** Longest `detail` of a permission notification. */
const MAX_DETAIL = 200;
/** Longest `result` of a turn notification. */
const MAX_RESULT = 500;

/** Input fields that say what a tool acts on, most telling first. */
const DETAIL_FIELDS = ["command", "file_path", "notebook_path", "url", "pattern", "path", "query", "description"] as const;

/** Subscribes `notify` to the notable events of `claude`; returns the unsubscribe function. */
export function watchForNotifications(
  claude: NotificationSource,
  facts: () => SessionFacts,
  notify: (notification: Notification) => void,
  now: () => Date = () => new Date(),
): () => void {
  const base = () => ({ ...withoutUndefined(facts()), time: now().toISOString() });
  const unsubscribe = [
    claude.on("permissionRequest", (request) => notify({ event: "permission", ...base(), ...permissionFields(request) })),
    claude.on("event", (_line, event) => {
      if (event.type === "result") notify({ event: "turn_finished", ...base(), ...resultFields(event) });
    }),
    claude.on("state", (state, info) => {
      if (state === "failed") notify({ event: "failed", ...base(), restarts: info.restarts });
    }),
  ];
  return () => {
    for (const off of unsubscribe) off();
  };
}

/** tool, requestId and what the tool acts on (the first telling input field, on one line, cut). */
export function permissionFields(request: PermissionRequest): Pick<Notification, "tool" | "detail" | "requestId"> {
  const value = DETAIL_FIELDS.map((field) => request.input[field]).find(
    (candidate): candidate is string => typeof candidate === "string" && candidate.trim() !== "",
  );
  const detail = value ?? request.description;
  return { tool: request.toolName, requestId: request.requestId, ...(detail !== undefined && { detail: cut(detail.replace(/\s+/g, " ").trim(), MAX_DETAIL) }) };
}

/** Whether a result line reports an error, and Claude's final text, cut. */
export function resultFields(event: Record<string, unknown>): Pick<Notification, "isError" | "result"> {
  const isError = event.is_error === true || (typeof event.subtype === "string" && event.subtype !== "success");
  return { isError, ...(typeof event.result === "string" && event.result !== "" && { result: cut(event.result, MAX_RESULT) }) };
}

function cut(text: string, max: number): string {
  const chars = Array.from(text);
  return chars.length > max ? `${chars.slice(0, max - 1).join("")}…` : text;
}

function withoutUndefined(facts: SessionFacts): SessionFacts {
  return { sessionId: facts.sessionId, cwd: facts.cwd, ...(facts.title !== undefined && { title: facts.title }) };
}
