/**
 * The bar above the conversation: the way to the list of sessions (with how many permission
 * requests wait in the others), which session is shown (its name and directory), and what can be
 * done to it: a new conversation in the same directory, or stopping it; below, its permission mode
 * and model.
 *
 * @example
 * ```tsx
 * <SessionBar store={store} actions={actions} />
 * ```
 */

import { sessionName } from "../state/session-words.ts";
import type { AppStore } from "../state/store.ts";
import type { Actions } from "./actions.ts";
import { ConfirmButton } from "./confirm-button.tsx";
import { SessionSettings } from "./session-settings.tsx";

export function SessionBar({ store, actions }: { store: AppStore; actions: Actions }) {
  const info = store.activeInfo.value;
  const listing = store.view.value === "sessions";
  const waiting = store.pendingElsewhere.value;
  const isDefault = info?.sessionId === store.defaultSessionId.value;
  const restarting = store.creating.value?.origin === "restart" ? store.creating.value : undefined;
  return (
    <nav class="session-bar" aria-label="Sessions">
      <button
        type="button"
        class="secondary sessions-toggle"
        aria-expanded={listing}
        aria-controls="main"
        onClick={() => actions.toggleSessions()}
        data-testid="sessions-toggle"
      >
        {listing ? "Back to the conversation" : "Sessions"}
        {!listing && waiting > 0 && (
          <span class="count" data-testid="pending-elsewhere">
            {" "}
            <span aria-hidden="true">{waiting}</span>
            <span class="visually-hidden">
              ({waiting} permission {waiting === 1 ? "request waits" : "requests wait"} in other sessions)
            </span>
          </span>
        )}
      </button>
      {info && !listing && (
        <>
          <p class="session-current" data-testid="current-session">
            <strong>{sessionName(info)}</strong>
            <span class="cwd">{info.cwd}</span>
          </p>
          <details class="menu session-actions">
            <summary>Actions</summary>
            <div class="menu-body">
              <ConfirmButton
                label="New conversation here"
                question={
                  isDefault
                    ? `Start a new conversation in ${info.cwd}? This one stays in the list.`
                    : `Start a new conversation in ${info.cwd}? This session is stopped first.`
                }
                confirm={isDefault ? "Start it" : "Stop and start new"}
                onConfirm={() => actions.newConversation(info.sessionId)}
              />
              {isDefault ? (
                <p class="hint">This is the relay's default session: it cannot be stopped.</p>
              ) : (
                <ConfirmButton
                  label="Stop this session"
                  kind="danger"
                  question={`Stop “${sessionName(info)}”? Its Claude process ends.`}
                  confirm="Stop session"
                  onConfirm={() => actions.stopSession(info.sessionId)}
                />
              )}
            </div>
          </details>
        </>
      )}
      {info && !listing && <SessionSettings store={store} actions={actions} />}
      {restarting && (
        <p class="hint" role="status">
          Starting a new conversation in {restarting.cwd}…
        </p>
      )}
    </nav>
  );
}
