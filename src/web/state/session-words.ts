/**
 * How the page words a session for people (pure): its state, a name for it, who is connected and
 * how long ago something happened.
 *
 * @example
 * ```ts
 * stateWords("waiting_permission");                       // "Waiting for your answer"
 * sessionName({ cwd: "/home/me/api" });                   // "api"
 * sessionName({ cwd: "/home/me/api", title: "say **Hello** f…" }); // "say Hello f…"
 * clientsWords(2, true, ["phone"]);                       // "you and 1 other device: phone"
 * relativeTime("2026-11-25T20:00:00Z", Date.parse("2026-11-25T20:05:10Z")); // "5 min ago"
 * ```
 */
import type { SessionsMessage } from "../../client/client.ts";
import { plainText } from "../../client/plain-text.ts";

export type SessionInfo = SessionsMessage["sessions"][number];
export type SessionStateName = SessionInfo["state"];

const STATE_WORDS: Record<SessionStateName, string> = {
  starting: "Claude is starting",
  ready: "Ready",
  busy: "Claude is working",
  waiting_permission: "Waiting for your answer",
  restarting: "Claude is restarting",
  failed: "Claude failed",
  stopping: "Stopping",
  idle: "Idle: Claude starts at the next prompt",
};

/** A session's state in words. */
export function stateWords(state: SessionStateName): string {
  return STATE_WORDS[state];
}

/** The last part of a directory path ("/" for the root). */
export function baseName(path: string): string {
  const parts = path.split(/[\\/]+/).filter(Boolean);
  return parts.at(-1) ?? path;
}

/** What to call a session: its title (first prompt, markdown as plain words), else its directory's name. */
export function sessionName(info: Pick<SessionInfo, "cwd" | "title">): string {
  return plainText(info.title ?? "") || baseName(info.cwd);
}

/**
 * Who is connected to a session: `clients` counts this page too when it is `attached`; `names`:
 * the devices counted (without this page's), when the relay names them.
 */
export function clientsWords(clients: number, attached: boolean, names: readonly string[] = []): string {
  const others = Math.max(0, attached ? clients - 1 : clients);
  const devices = others === 1 ? "1 other device" : `${others} other devices`;
  const named = names.length > 0 ? `: ${names.join(", ")}` : "";
  if (attached) return others === 0 ? "only you" : `you and ${devices}${named}`;
  return others === 0 ? "no device connected" : `${others === 1 ? "1 device connected" : `${others} devices connected`}${named}`;
}

/** "just now", "5 min ago", "3 h ago", "yesterday", "4 days ago", else the date. */
export function relativeTime(iso: string, now: number): string {
  const then = Date.parse(iso);
  if (Number.isNaN(then)) return "";
  const seconds = Math.max(0, Math.round((now - then) / 1000));
  if (seconds < 45) return "just now";
  const minutes = Math.round(seconds / 60);
  if (minutes < 60) return `${minutes} min ago`;
  const hours = Math.round(minutes / 60);
  if (hours < 24) return `${hours} h ago`;
  const days = Math.round(hours / 24);
  if (days === 1) return "yesterday";
  if (days < 14) return `${days} days ago`;
  return new Date(then).toISOString().slice(0, 10);
}
