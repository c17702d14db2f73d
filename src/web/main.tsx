/**
 * The web app's entry point: loads (or makes) the device key, pairs the device when opened through
 * a `claude-relay pair` link (`/#pair=<code>`), connects to the relay that served the page, shows
 * the session a notification's link names (`/#session=<id>`) once logged in, and renders. Rendering is batched to animation frames, so a long replay on attach becomes a few
 * renders rather than one per event.
 */
import { options, render } from "preact";
// Hooks Preact so a component re-renders when a signal it read changes (the store's signals).
import "@preact/signals";
import "./styles.css";
import type { ClientMessage } from "../protocol/messages.ts";
import { browserSigner } from "./key/browser-signer.ts";
import { type DeviceKey, DeviceKeyUnavailableError, forgetDeviceKey, loadOrCreateDeviceKey, type StoredDeviceKey } from "./key/device-key.ts";
import { openKeyDb } from "./key/key-db.ts";
import { deviceName } from "./key/ssh-public-key.ts";
import { PageLink, relayUrl } from "./net/connection.ts";
import { linkLiveView } from "./net/live-link.ts";
import { PermissionNotifier } from "./net/notify.ts";
import { PairingError, type PairLink, pairingFailureWords, pairLink, requestPairing } from "./net/pairing.ts";
import { PushNotifications } from "./net/push.ts";
import { NOT_CONNECTED } from "./net/requests.ts";
import { registerServiceWorker } from "./net/service-worker.ts";
import { sessionLink } from "./net/session-link.ts";
import { ReviewState } from "./state/changes.ts";
import { LiveText } from "./state/live.ts";
import { SessionStatuses } from "./state/status.ts";
import { AppStore, type PageMemory } from "./state/store.ts";
import { watchTurns } from "./state/turn-watch.ts";
import type { Actions } from "./ui/actions.ts";
import { App } from "./ui/app.tsx";

/** Before the next frame is drawn; a hidden page draws no frames, so a timer there. */
const nextFrame = (callback: () => void) => (document.hidden ? setTimeout(callback, 0) : requestAnimationFrame(callback));
options.debounceRendering = nextFrame;

const INSECURE =
  "This page needs a secure connection to make and keep its key, and browsers allow that only over https or on the relay's own computer (http://localhost). " +
  "To use it from another device, reach the relay over https: `tailscale serve` or a reverse proxy such as Caddy in front of it, or `claude-relay serve --host 0.0.0.0 --tls --tls-ca` (with its certificate authority installed on the device, notifications work while the app is closed too). " +
  "docs/remote-access.md in claude-relay explains each way; pairing links (claude-relay pair) then use https too.";

const memory: PageMemory = {
  load: (name) => {
    try {
      return localStorage.getItem(name);
    } catch {
      return null; // storage disabled: nothing remembered
    }
  },
  save: (name, value) => {
    try {
      localStorage.setItem(name, value);
    } catch {
      // storage full or disabled: remembered only for this page load
    }
  },
};

const store = new AppStore(memory);
/** A request answered by id (the Changes view's, the push panel's), through the page's client; refused while there is none. */
const relayRequest = <T extends Record<string, unknown>>(message: ClientMessage, reply: string): Promise<T> =>
  connection?.client?.request<T>(message, reply) ?? Promise.reject(NOT_CONNECTED);
const review = new ReviewState(relayRequest);
watchTurns(store, review);
const live = { text: new LiveText(nextFrame), statuses: new SessionStatuses(Date.now) };
const notifier = new PermissionNotifier();
store.notifications.value = notifier.permission;
const db = openKeyDb<StoredDeviceKey>();
let connection: PageLink | undefined;
let key: DeviceKey | undefined;
/** The code of the pairing link this page was opened with, until it is used. */
let pairing: string | undefined;
/** The session a `#session=` link (a notification's) asks to show, until a login has shown it. */
let linkedSession = sessionLink(location.hash);
const push = new PushNotifications({
  registration: registerServiceWorker(),
  request: relayRequest,
  memory,
});

async function start(): Promise<void> {
  try {
    if (!globalThis.isSecureContext || !globalThis.crypto?.subtle || typeof indexedDB === "undefined") throw new DeviceKeyUnavailableError(INSECURE);
    key = await loadOrCreateDeviceKey({ db });
    store.key.value = key;
    const link = pairLink(location.hash);
    if (link) enterPairing(link);
    else connect();
  } catch (error) {
    store.access.value = "unsupported";
    store.problem.value = error instanceof DeviceKeyUnavailableError ? error.message : `Cannot prepare this device's key: ${(error as Error).message}`;
  }
}

function connect(): void {
  if (!key || connection) return;
  connection = new PageLink({
    url: relayUrl(location),
    store,
    signer: browserSigner(key),
    notifier,
    onClient: (client) => linkLiveView(client, live.text, live.statuses),
    onLogin: (ok) => {
      showLinkedSession();
      void push.loggedIn(ok);
    },
  });
  connection.start();
}

async function disconnect(): Promise<void> {
  const current = connection;
  connection = undefined;
  await current?.close();
}

/** Shows the pairing form (the name from the link, else a guess from the browser); nothing is sent before the user confirms the name. */
function enterPairing(link: PairLink): void {
  pairing = link.code;
  store.pairing.value = { phase: "ready", name: link.name ?? deviceName(navigator.userAgent) };
  store.access.value = "pairing";
  void disconnect();
}

/** The code is used (or useless): out of the address bar, so a reload does not offer it again. */
function dropPairingCode(): void {
  pairing = undefined;
  dropFragment();
}

function dropFragment(): void {
  if (location.hash) history.replaceState(null, "", location.pathname + location.search);
}

/**
 * Shows the session a `#session=` link named, once logged in (the relay's list says whether it
 * still runs); the link then leaves the address bar, so the next notification's link is a change
 * again and a reload shows what was shown last.
 */
function showLinkedSession(): void {
  const sessionId = linkedSession;
  if (sessionId === undefined || store.access.value !== "authorized" || !connection) return;
  linkedSession = undefined;
  dropFragment();
  const running = sessionId === store.defaultSessionId.value || store.sessions.value.some((info) => info.sessionId === sessionId);
  if (running) connection.following.show(sessionId);
  else store.note("The session that notification was about has ended.");
}

addEventListener("hashchange", () => {
  const link = pairLink(location.hash);
  if (link && key) return enterPairing(link);
  linkedSession = sessionLink(location.hash) ?? linkedSession;
  showLinkedSession();
});

// Relative times ("5 min ago") move on.
setInterval(() => (store.now.value = Date.now()), 30_000);

const actions: Actions = {
  prompt: (text, images) => connection?.outbox.prompt(text, images),
  allow: (request) => connection?.answers.allow(request),
  allowForSession: (request) => connection?.answers.allowForSession(request),
  answer: (request, answers) => connection?.answers.answer(request, answers),
  configure: (change) => {
    const sessionId = store.activeSessionId.value;
    if (sessionId !== undefined) connection?.requests.configure(sessionId, change);
  },
  listHistory: (cwd) => connection?.requests.listHistory(cwd),
  resumeConversation: (cwd, sessionId) => connection?.requests.create(cwd, "form", sessionId),
  deny: (request, reason) => connection?.answers.deny(request, reason),
  interrupt: () => connection?.answers.interrupt(),
  retry: () => connection?.wake(),
  forgetKey: async () => {
    await disconnect();
    await forgetDeviceKey(db);
    key = undefined;
    store.key.value = undefined;
    store.access.value = "starting";
    await start();
  },
  enableNotifications: async () => {
    store.notifications.value = await notifier.ask();
  },
  enablePush: async () => {
    await push.enable();
    store.notifications.value = notifier.permission;
  },
  disablePush: () => push.disable(),
  choosePush: (choices) => push.choose(choices),
  dismissPrompt: (id) => store.dismissPrompt(id),
  dismissErrors: () => store.dismissErrors(),
  show: (sessionId) => connection?.following.show(sessionId),
  toggleSessions: () => (store.view.value = store.view.value === "sessions" ? "conversation" : "sessions"),
  createSession: (cwd, worktree) => connection?.requests.create(cwd, "form", undefined, worktree),
  stopTask: (sessionId, taskId) => {
    const client = connection?.client;
    if (client?.state === "open") client.stopTask(taskId, { sessionId });
  },
  stopSession: (sessionId, options) => connection?.requests.stopSession(sessionId, options),
  openChanges: (sessionId) => {
    store.view.value = "conversation";
    review.showList(sessionId);
  },
  newConversation: (sessionId) => connection?.requests.newConversation(sessionId),
  pair: async (name) => {
    const code = pairing;
    if (!key || !code) return;
    store.pairing.value = { phase: "connecting", name };
    try {
      await requestPairing({
        url: relayUrl(location),
        code,
        publicKey: key.line.split(" ").slice(0, 2).join(" "),
        name,
        onWaiting: () => (store.pairing.value = { phase: "waiting", name }),
      });
      dropPairingCode();
      // Approved: said until the login that follows replaces the panel.
      store.pairing.value = { phase: "approved", name };
      connect();
    } catch (error) {
      dropPairingCode();
      store.pairing.value = {
        phase: "failed",
        name,
        error: error instanceof PairingError ? pairingFailureWords(error) : `Pairing did not finish: ${(error as Error).message}.`,
      };
    }
  },
  skipPairing: () => {
    dropPairingCode();
    store.pairing.value = undefined;
    store.access.value = "starting";
    connect();
  },
};

render(<App store={store} push={push.view} actions={actions} review={review} live={live} />, document.getElementById("app")!);
void start();
