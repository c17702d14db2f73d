/**
 * The relay's sessions: for each its name, directory, state in words, who is connected, how
 * many permission requests wait for an answer and when something last happened, and the branch
 * of a worktree session; tapping one shows it; each but the default one can be stopped (after a
 * confirmation), a worktree session also with its worktree removed. Below: starting a new session.
 *
 * @example
 * ```tsx
 * <SessionList store={store} actions={actions} />
 * ```
 */

import { otherDevices } from "../../shared/other-devices.ts";
import { wantedAttachments } from "../state/attachments.ts";
import { clientsWords, relativeTime, type SessionInfo, sessionName, stateWords } from "../state/session-words.ts";
import type { AppStore } from "../state/store.ts";
import type { Actions } from "./actions.ts";
import { ConfirmButton } from "./confirm-button.tsx";
import { CreateSession } from "./create-session.tsx";
import { BranchBadge, RemoveWorktreeButton } from "./session-bar.tsx";

function pendingWords(count: number, state: SessionInfo["state"]): string | undefined {
  if (count > 0) return `${count} waiting for you`;
  return state === "waiting_permission" ? "waiting for you" : undefined;
}

/** Who is connected to a session, by name where the relay names devices (this page's own left out where it is attached). */
function connectedWords(info: SessionInfo, attached: boolean, ownDevice: string | undefined): string {
  return clientsWords(info.clients, attached, attached ? otherDevices(info.devices, ownDevice) : (info.devices ?? []));
}

export function SessionList({ store, actions }: { store: AppStore; actions: Actions }) {
  const sessions = store.sessions.value;
  const shown = store.activeSessionId.value;
  const defaultId = store.defaultSessionId.value;
  const now = store.now.value;
  const ownDevice = store.loginKey.value?.device;
  const pendingCount = (sessionId: string) => store.pendingCount(sessionId);
  // The sessions this page is attached to count it among their clients.
  const followed = new Set([defaultId, ...wantedAttachments({ defaultSessionId: defaultId, shownSessionId: shown, sessions, pendingCount })]);
  return (
    <section class="sessions" aria-labelledby="sessions-title" data-testid="session-list">
      <h2 id="sessions-title">Sessions</h2>
      <ul>
        {sessions.map((info) => {
          const name = sessionName(info);
          const pending = pendingWords(pendingCount(info.sessionId), info.state);
          return (
            <li key={info.sessionId} class={info.sessionId === shown ? "current" : undefined} data-testid="session" data-session-id={info.sessionId}>
              <button
                type="button"
                class="session-open"
                aria-current={info.sessionId === shown ? "true" : undefined}
                onClick={() => actions.show(info.sessionId)}
              >
                <span class="session-name">{name}</span>
                {info.branch !== undefined && <BranchBadge branch={info.branch} />}
                {pending && <span class="badge pending">{pending}</span>}
                <span class="cwd">{info.cwd}</span>
                <span class="session-meta">
                  {stateWords(info.state)} · {connectedWords(info, followed.has(info.sessionId), ownDevice)} · {relativeTime(info.lastActivity, now)}
                </span>
              </button>
              {info.sessionId === defaultId ? (
                <p class="hint">The relay's default session</p>
              ) : (
                <div class="session-stops">
                  <ConfirmButton
                    label="Stop"
                    question={`Stop “${name}”? Its Claude process ends.`}
                    confirm="Stop session"
                    onConfirm={() => actions.stopSession(info.sessionId)}
                  />
                  {info.worktree && <RemoveWorktreeButton info={info} actions={actions} />}
                </div>
              )}
            </li>
          );
        })}
      </ul>
      <CreateSession store={store} actions={actions} />
    </section>
  );
}
