/**
 * The top bar: what is connected and what Claude is doing, and a menu with the device key
 * (its details, notifications, forgetting it).
 *
 * @example
 * ```tsx
 * <Header store={store} actions={actions} />
 * ```
 */
import type { AppStore, ConnectionView } from "../state/store.ts";
import { stateWords } from "../state/session-words.ts";
import type { Actions } from "./actions.ts";
import { KeyDetails } from "./key-setup.tsx";

const CONNECTION_TEXT: Record<ConnectionView["status"], string> = {
  connecting: "Connecting…",
  authenticating: "Logging in…",
  open: "Connected",
  reconnecting: "Reconnecting…",
  offline: "Offline",
};

export function Header({ store, actions }: { store: AppStore; actions: Actions }) {
  const connection = store.connection.value;
  const status = store.activeStatus.value;
  const key = store.key.value;
  const login = store.loginKey.value;
  return (
    <header class="topbar">
      <h1>claude-relay</h1>
      <p class="status" role="status" data-testid="connection" data-status={connection.status}>
        <span class={`dot ${connection.status}`} aria-hidden="true" />
        {CONNECTION_TEXT[connection.status]}
        {connection.status === "open" && status ? ` · ${stateWords(status.state)}${status.clients > 1 ? ` · ${status.clients} devices` : ""}` : ""}
        {connection.status !== "open" && connection.detail ? <span class="detail"> ({connection.detail})</span> : null}
      </p>
      {key && store.access.value === "authorized" && (
        <details class="menu">
          <summary>Device</summary>
          <div class="menu-body">
            {login && (
              <p class="hint" data-testid="login-key">
                The relay knows this device's key as <span class="name">{login.comment || login.fingerprint}</span>.
              </p>
            )}
            <KeyDetails deviceKey={key} />
            {actions.enableNotifications && (
              <button type="button" class="secondary" onClick={() => actions.enableNotifications?.()}>
                Notify me of permission requests
              </button>
            )}
            <button type="button" class="danger" onClick={() => actions.forgetKey()}>
              Forget this device's key
            </button>
          </div>
        </details>
      )}
    </header>
  );
}
