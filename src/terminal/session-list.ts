/**
 * The relay's sessions as terminal lines (pure): for `/sessions`, and for a `--session` the relay
 * does not run. Each line: the id's start (enough to type after `/switch`), what Claude is doing
 * in words, the directory, the title (the first prompt), and who is connected.
 *
 * @example
 * ```ts
 * sessionLines(client.sessions, { current: client.sessionId, defaultId: client.defaultSessionId, style });
 * // ["* 7f0c3d0e  ready for a prompt · ~/app · 1 device (you) · default",
 * //  "  a2c4e6f8  waiting for permission · /srv/api · “Fix the flaky login test” · 2 devices"]
 * ```
 */
import { plainText } from "../client/plain-text.ts";
import type { SessionInfo } from "../protocol/messages.ts";
import { stateInWords } from "./state-words.ts";
import type { Style } from "./style.ts";
import { oneLine } from "./tool-call.ts";

export interface SessionListView {
  style: Style;
  /** The session this terminal follows: marked with `*`, and one of its devices is this one. */
  current?: string;
  /** The relay's default session (serve --cwd). */
  defaultId?: string;
  /** The user's home on this machine, shown as `~` when the relay is on it. */
  home?: string;
}

/** States in which a session wants someone: shown in yellow. */
const NEEDS_YOU = new Set(["waiting_permission"]);

/**
 * One line per session, oldest first (the relay's order); a note when there is none.
 *
 * @example
 * sessionLines([], { style }); // ["the relay runs no session"]
 */
export function sessionLines(sessions: readonly SessionInfo[], view: SessionListView): string[] {
  if (sessions.length === 0) return ["the relay runs no session"];
  return sessions.map((session) => sessionLine(session, view));
}

/**
 * The first 8 characters of a session id: what the lists show and `/switch` takes.
 *
 * @example
 * shortSessionId("7f0c3d0e-1111-2222-3333-444455556666"); // "7f0c3d0e"
 */
export function shortSessionId(sessionId: string): string {
  return sessionId.slice(0, 8);
}

/**
 * A session named for a note: its short id, and its title or directory.
 *
 * @example
 * sessionLabel({ sessionId: "a2c4e6f8-…", cwd: "/srv/api", title: "Fix it", … }); // "a2c4e6f8 (Fix it)"
 */
export function sessionLabel(session: Pick<SessionInfo, "sessionId" | "cwd" | "title">, home?: string): string {
  return `${shortSessionId(session.sessionId)} (${session.title ? oneLine(plainText(session.title), 40) : homeRelative(session.cwd, home)})`;
}

/**
 * Where a session works and what about: its directory and title.
 *
 * @example
 * sessionPlace({ cwd: "/home/me/api", title: "Fix it" }, "/home/me"); // "~/api · “Fix it”"
 */
export function sessionPlace(session: Pick<SessionInfo, "cwd" | "title">, home?: string): string {
  return [homeRelative(session.cwd, home), ...(session.title ? [`“${oneLine(plainText(session.title), 60)}”`] : [])].join(" · ");
}

function sessionLine(session: SessionInfo, view: SessionListView): string {
  const { style } = view;
  const current = session.sessionId === view.current;
  const state = stateInWords(session.state);
  const parts = [
    NEEDS_YOU.has(session.state) ? style.paint("yellow", state) : state,
    sessionPlace(session, view.home),
    devices(session.clients, current),
    ...(session.permissionMode !== "default" ? [`mode ${session.permissionMode}`] : []),
    ...(session.model !== undefined ? [`model ${session.model}`] : []),
    ...(session.sessionId === view.defaultId ? ["default"] : []),
  ];
  const id = current ? style.paint("bold", shortSessionId(session.sessionId)) : shortSessionId(session.sessionId);
  return `${current ? "*" : " "} ${id}  ${parts.join(style.paint("dim", " · "))}`;
}

function devices(clients: number, current: boolean): string {
  if (clients === 0) return "no device";
  const count = clients === 1 ? "1 device" : `${clients} devices`;
  return current ? `${count} (you${clients > 1 ? " and others" : ""})` : count;
}

function homeRelative(path: string, home: string | undefined): string {
  if (!home) return path;
  if (path === home) return "~";
  return path.startsWith(`${home}/`) ? `~${path.slice(home.length)}` : path;
}
