/**
 * The top bar: what is connected and what Claude is doing, and a menu with the device key
 * (its details, notifications, forgetting it).
 *
 * @example
 * ```tsx
 * <Header store={store} actions={actions} />
 * ```
 */

import { devicesWords } from "../state/device-words.ts";
import { stateWords } from "../state/session-words.ts";
import type { AppStore, ConnectionView } from "../state/store.ts";
import type { Actions } from "./actions.ts";
import { KeyDetails } from "./key-setup.tsx";

const CONNECTION_TEXT: Record<ConnectionView["status"], string> = {
  connecting: "Connecting…",
  authenticating: "Logging in…",
  open: "Connected",
  reconnecting: "Reconnecting…",
  offline: "Offline",
};

/** Notifications of permission requests while the page is in the background: offered, on, or why not. */
function Notifications({ state, actions }: { state: AppStore["notifications"]["value"]; actions: Actions }) {
  switch (state) {
    case "default":
      return (
        <button type="button" class="secondary" onClick={() => void actions.enableNotifications()} data-testid="enable-notifications">
          Notify me of permission requests
        </button>
      );
    case "granted":
      return <p class="hint">Permission requests are notified while this page is in the background (and the phone vibrates where it can).</p>;
    case "denied":
      return <p class="hint">Notifications are blocked for this page: allow them in the browser's site settings to be told of permission requests.</p>;
    case "unsupported":
      return <p class="hint">This browser cannot notify from this page; it vibrates where it can.</p>;
  }
}

export function Header({ store, actions }: { store: AppStore; actions: Actions }) {
  const connection = store.connection.value;
  const status = store.activeStatus.value;
  const key = store.key.value;
  const login = store.loginKey.value;
  const devices = status && devicesWords(status);
  return (
    <header class="topbar">
      <h1>claude-relay</h1>
      <p class="status" role="status" data-testid="connection" data-status={connection.status}>
        <span class={`dot ${connection.status}`} aria-hidden="true" />
        {CONNECTION_TEXT[connection.status]}
        {connection.status === "open" && status ? ` · ${stateWords(status.state)}` : ""}
        {connection.status === "open" && devices && (
          <span class="devices" title={devices.title} data-testid="devices">
            {` · ${devices.text}`}
          </span>
        )}
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
            <Notifications state={store.notifications.value} actions={actions} />
            <button type="button" class="danger" onClick={() => actions.forgetKey()}>
              Forget this device's key
            </button>
          </div>
        </details>
      )}
    </header>
  );
}
