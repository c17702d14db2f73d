/**
 * The web app's entry point: loads (or makes) the device key, connects to the relay that served
 * the page, and renders. Rendering is batched to animation frames, so a long replay on attach
 * becomes a few renders rather than one per event.
 */
import { options, render } from "preact";
// Hooks Preact so a component re-renders when a signal it read changes (the store's signals).
import "@preact/signals";
import "./styles.css";
import { browserSigner } from "./key/browser-signer.ts";
import { DeviceKeyUnavailableError, forgetDeviceKey, loadOrCreateDeviceKey, type StoredDeviceKey } from "./key/device-key.ts";
import { openKeyDb } from "./key/key-db.ts";
import { RelayConnection, relayUrl } from "./net/connection.ts";
import { PermissionNotifier } from "./net/notify.ts";
import { AppStore, type ClientIdMemory } from "./state/store.ts";
import type { Actions } from "./ui/actions.ts";
import { App } from "./ui/app.tsx";

options.debounceRendering = (callback) => (document.hidden ? setTimeout(callback, 0) : requestAnimationFrame(callback));

const CLIENT_IDS_KEY = "claude-relay:client-ids";

const memory: ClientIdMemory = {
  load: () => {
    try {
      const parsed: unknown = JSON.parse(localStorage.getItem(CLIENT_IDS_KEY) ?? "[]");
      return Array.isArray(parsed) ? parsed.filter((id): id is string => typeof id === "string") : [];
    } catch {
      return [];
    }
  },
  save: (ids) => {
    try {
      localStorage.setItem(CLIENT_IDS_KEY, JSON.stringify(ids));
    } catch {
      // storage full or disabled: "you" is then only known for this page load
    }
  },
};

const store = new AppStore(memory);
const notifier = new PermissionNotifier();
const db = openKeyDb<StoredDeviceKey>();
let connection: RelayConnection | undefined;

async function start(): Promise<void> {
  try {
    if (!globalThis.isSecureContext || !globalThis.crypto?.subtle || typeof indexedDB === "undefined") {
      throw new DeviceKeyUnavailableError(
        "This page needs a secure connection to make and keep its key: open it over https (start the relay with --tls), or on this computer at http://localhost.",
      );
    }
    const key = await loadOrCreateDeviceKey({ db });
    store.key.value = key;
    connection = new RelayConnection({ url: relayUrl(location), store, signer: browserSigner(key), notifier });
    connection.start();
  } catch (error) {
    store.access.value = "unsupported";
    store.problem.value = error instanceof DeviceKeyUnavailableError ? error.message : `Cannot prepare this device's key: ${(error as Error).message}`;
  }
}

const actions: Actions = {
  prompt: (text) => connection?.prompt(text),
  allow: (request) => connection?.allow(request),
  deny: (request, reason) => connection?.deny(request, reason),
  interrupt: () => connection?.interrupt(),
  retry: () => connection?.wake(),
  forgetKey: async () => {
    await connection?.stop();
    connection = undefined;
    await forgetDeviceKey(db);
    store.key.value = undefined;
    store.access.value = "starting";
    await start();
  },
  ...(notifier.canAsk && { enableNotifications: async () => void (await notifier.ask()) }),
  dismissPrompt: (id) => store.dismissPrompt(id),
  dismissErrors: () => store.dismissErrors(),
};

render(<App store={store} actions={actions} />, document.getElementById("app")!);
void start();
