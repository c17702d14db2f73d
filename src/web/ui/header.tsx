/**
 * The top of the page, kept short for phones (two rows of 48 px controls, at most ~120 px): the
 * session bar (the way to the list of sessions, the session shown and how things stand: the
 * connection, what Claude is doing) and the Device menu (the key, notifications on this device, forgetting it);
 * below, the shown session's mode and model pickers and its Actions menu. Before a session is
 * known (logging in, pairing) only the connection status and the menu.
 *
 * @example
 * ```tsx
 * <Header store={store} push={push.view} actions={actions} />
 * ```
 */

import type { ReadonlySignal } from "@preact/signals";
import type { PushView } from "../net/push.ts";
import { devicesWords } from "../state/device-words.ts";
import { stateWords } from "../state/session-words.ts";
import type { AppStore, ConnectionView } from "../state/store.ts";
import type { Actions } from "./actions.ts";
import { KeyDetails } from "./key-setup.tsx";
import { closeMenus, useMenuDismissal } from "./menus.ts";
import { PHASE_WORDS } from "./pair-panel.tsx";
import { PushPanel } from "./push-panel.tsx";
import { SessionActions, SessionBar } from "./session-bar.tsx";
import { SessionSettings } from "./session-settings.tsx";

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
        <button
          type="button"
          class="secondary"
          onClick={(event) => {
            closeMenus(event.currentTarget);
            void actions.enableNotifications();
          }}
          data-testid="enable-notifications"
        >
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

/**
 * The connection and, once connected, what Claude is doing in the session shown and how many
 * devices see it; while pairing, where pairing stands instead (there is no connection to speak of).
 */
export function ConnectionStatus({ store }: { store: AppStore }) {
  const connection = store.connection.value;
  const status = store.activeStatus.value;
  const pairing = store.access.value === "pairing" ? store.pairing.value : undefined;
  if (pairing)
    return (
      <p class="status" role="status" data-testid="connection" data-status={connection.status} data-pairing={pairing.phase}>
        <span class={`dot ${pairing.phase === "approved" ? "open" : pairing.phase === "failed" ? "offline" : "connecting"}`} aria-hidden="true" />
        {PHASE_WORDS[pairing.phase]}
      </p>
    );
  const devices = status && devicesWords(status);
  return (
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
  );
}

function DeviceMenu({ store, push, actions }: { store: AppStore; push: ReadonlySignal<PushView>; actions: Actions }) {
  const key = store.key.value;
  const login = store.loginKey.value;
  const { support, subscribed, error } = push.value;
  // Web Push impossible here (or refused by the browser), notifications while the page is open may still be had; not once they are blocked.
  const pageNotifications = support === "ready" ? error !== undefined && !subscribed : support !== "checking" && support !== "denied";
  if (!key) return null;
  return (
    <details class="menu device-menu">
      <summary>Device</summary>
      <div class="menu-body">
        {login && (
          <p class="hint" data-testid="login-key">
            The relay knows this device's key as <span class="name">{login.comment || login.fingerprint}</span>.
          </p>
        )}
        <KeyDetails deviceKey={key} />
        <PushPanel view={push} actions={actions} />
        {pageNotifications && <Notifications state={store.notifications.value} actions={actions} />}
        <button
          type="button"
          class="danger"
          onClick={(event) => {
            closeMenus(event.currentTarget);
            void actions.forgetKey();
          }}
        >
          Forget this device's key
        </button>
      </div>
    </details>
  );
}

export function Header({ store, push, actions }: { store: AppStore; push: ReadonlySignal<PushView>; actions: Actions }) {
  useMenuDismissal();
  const authorized = store.access.value === "authorized";
  const withSessions = authorized && store.sessions.value.length > 0;
  const info = store.activeInfo.value;
  const conversation = withSessions && info !== undefined && store.view.value === "conversation";
  const restarting = store.forms.creating.value?.origin === "restart" ? store.forms.creating.value : undefined;
  return (
    <header class="topbar">
      <div class="topbar-row">
        <h1>claude-relay</h1>
        {withSessions ? <SessionBar store={store} status={<ConnectionStatus store={store} />} actions={actions} /> : <ConnectionStatus store={store} />}
        {authorized && <DeviceMenu store={store} push={push} actions={actions} />}
      </div>
      {conversation && (
        <div class="topbar-row session-tools">
          <SessionSettings store={store} actions={actions} />
          <SessionActions store={store} actions={actions} />
        </div>
      )}
      {withSessions && restarting && (
        <p class="hint" role="status">
          Starting a new conversation in {restarting.cwd}…
        </p>
      )}
    </header>
  );
}
