/**
 * The session bar, in the top row: the way to the list of sessions (with how many permission
 * requests wait in the others), which session is shown (its name and directory) over the
 * connection status; and, in the row below, the session's Actions menu: a new conversation in
 * the same directory, or stopping it.
 *
 * @example
 * ```tsx
 * <SessionBar store={store} status={<ConnectionStatus store={store} />} actions={actions} />
 * <SessionActions store={store} actions={actions} />
 * ```
 */
import type { ComponentChildren } from "preact";
import { sessionName } from "../state/session-words.ts";
import type { AppStore } from "../state/store.ts";
import type { Actions } from "./actions.ts";
import { ConfirmButton } from "./confirm-button.tsx";
import { closeMenus } from "./menus.ts";

export function SessionBar({ store, status, actions }: { store: AppStore; status: ComponentChildren; actions: Actions }) {
  const info = store.activeInfo.value;
  const listing = store.view.value === "sessions";
  const waiting = store.pendingElsewhere.value;
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
        {listing ? "Back" : "Sessions"}
        {listing && <span class="visually-hidden"> to the conversation</span>}
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
      <div class="session-current">
        {info && !listing && (
          <p class="session-title" data-testid="current-session">
            <strong>{sessionName(info)}</strong>
            <span class="cwd">{info.cwd}</span>
          </p>
        )}
        {status}
      </div>
    </nav>
  );
}

/** The shown session's Actions menu; it closes once an action is chosen. */
export function SessionActions({ store, actions }: { store: AppStore; actions: Actions }) {
  const info = store.activeInfo.value;
  if (!info) return null;
  const isDefault = info.sessionId === store.defaultSessionId.value;
  return (
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
          onConfirm={(button) => {
            closeMenus(button);
            actions.newConversation(info.sessionId);
          }}
        />
        {isDefault ? (
          <p class="hint">This is the relay's default session: it cannot be stopped.</p>
        ) : (
          <ConfirmButton
            label="Stop this session"
            kind="danger"
            question={`Stop “${sessionName(info)}”? Its Claude process ends.`}
            confirm="Stop session"
            onConfirm={(button) => {
              closeMenus(button);
              actions.stopSession(info.sessionId);
            }}
          />
        )}
      </div>
    </details>
  );
}
