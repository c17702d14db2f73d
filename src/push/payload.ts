/**
 * What a Web Push says, from what the relay notifies (src/notify): the plaintext JSON the service
 * worker shows (`{kind, sessionId, title, body, url}`), how urgent it is, and how long the push
 * service may hold it. Pure. Claude's AskUserQuestion arrives as a permission request and is
 * told as a `question`; a turn's end is `done` (also when it ended in an error: the body says
 * so); Claude given up after crashing is `failed`.
 *
 * The push service stores and forwards at most 4 KiB, so title and body are cut well below.
 *
 * @example
 * ```ts
 * pushMessage({ event: "permission", sessionId, cwd: "/home/me/app", time, tool: "Bash", detail: "rm -rf build" });
 * // { payload: { kind: "permission", sessionId, title: "app: Claude asks to use Bash", body: "rm -rf build", url: "/#session=…" },
 * //   urgency: "high", ttl: 86400 }
 * ```
 */
import type { Notification } from "../notify/notifier.ts";
import type { PushEvent } from "../protocol/messages.ts";
import { cutWithEllipsis as cut } from "../shared/ellipsis.ts";

/** The plaintext of a push, as JSON. */
export interface PushPayload {
  kind: PushEvent;
  sessionId: string;
  title: string;
  body: string;
  /** Opens the app at the session (relative to the app's origin). */
  url: string;
}

export interface PushMessage {
  payload: PushPayload;
  urgency: "high" | "normal";
  /** Seconds the push service keeps it for a device that is offline. */
  ttl: number;
}

/** A question or permission is worth a day; news of a finished turn an hour. */
const WAITING_TTL_S = 86_400;
const NEWS_TTL_S = 3_600;
const MAX_TITLE = 120;
const MAX_BODY = 600;

/** The push for `notification`. */
export function pushMessage(notification: Notification): PushMessage {
  const where = sessionLabel(notification);
  const { sessionId } = notification;
  const make = (kind: PushEvent, title: string, body: string): PushPayload => ({
    kind,
    sessionId,
    title: cut(`${where}: ${title}`, MAX_TITLE),
    body: cut(body, MAX_BODY),
    url: `/#session=${encodeURIComponent(sessionId)}`,
  });
  switch (notification.event) {
    case "permission":
      if (notification.tool === "AskUserQuestion") {
        return { payload: make("question", "Claude has a question", notification.detail ?? "Open the app to answer."), urgency: "high", ttl: WAITING_TTL_S };
      }
      return {
        payload: make("permission", `Claude asks to use ${notification.tool ?? "a tool"}`, notification.detail ?? "Open the app to allow or deny."),
        urgency: "high",
        ttl: WAITING_TTL_S,
      };
    case "turn_finished":
      return {
        payload: make("done", notification.isError ? "the turn ended with an error" : "Claude is done", notification.result ?? "The turn has ended."),
        urgency: "normal",
        ttl: NEWS_TTL_S,
      };
    case "failed":
      return {
        payload: make("failed", "Claude stopped", `Claude Code kept crashing and was given up after ${notification.restarts ?? 0} restarts.`),
        urgency: "normal",
        ttl: NEWS_TTL_S,
      };
  }
}

/** The session's title, else its directory's last part. */
function sessionLabel(notification: Notification): string {
  if (notification.title) return notification.title;
  return notification.cwd.split("/").filter(Boolean).at(-1) ?? notification.cwd;
}
