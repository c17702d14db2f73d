/**
 * The page's link to the relay: a {@link RelayClient} signing with the device key, wired to the
 * store. The client does the work — reconnecting without giving up (`keepTrying`: a key the relay
 * refuses is tried again every 3 s growing to 15 s, so the page logs in as soon as the key is
 * added), positions, pending requests, requests answered by id — and the store mirrors it; this
 * file connects the two:
 * - on `visibilitychange` (visible) and `online` it wakes the client: reconnect now, or check
 *   that the open socket still answers;
 * - the first login replays everything the relay holds (a phone opening the page sees the
 *   conversation so far); the other sessions the page needs (the one shown, those with
 *   permission requests waiting: state/attachments.ts) are attached, each from where the client
 *   stood in it, and detached when no longer needed (net/following.ts);
 * - prompts wait in the store's outbox until a logged-in client can take them (net/outbox.ts);
 *   answers and commands go only to a logged-in client (net/answers.ts);
 * - a permission request new to the page is notified (net/notify.ts) while the page is hidden;
 * - the forms' requests (create, stop, configure, history) are in net/requests.ts;
 * - the pickers (models, slash commands, modes) of the default session come in auth.ok once its
 *   Claude has started; when they did not yet, the page attaches to it explicitly, which makes
 *   the relay tell it (in session.attached, or as session.capabilities when Claude starts).
 *
 * @example
 * ```ts
 * const connection = new PageLink({ url: relayUrl(location), store, signer: browserSigner(key) });
 * connection.start();
 * connection.outbox.prompt("Run the tests");
 * connection.following.show("a2c4…");
 * connection.answers.allow(request);
 * connection.client?.request({ type: "changes.get", sessionId }, "changes");
 * ```
 */
import { RelayClient } from "../../client/client.ts";
import type { AuthOkMessage } from "../../client/messages.ts";
import type { ChallengeSigner } from "../../client/signer.ts";
import { CLOSE_CODES } from "../../protocol/errors.ts";
import type { AppStore } from "../state/store.ts";
import { PermissionAnswers } from "./answers.ts";
import { SessionFollowing } from "./following.ts";
import type { PermissionNotifier } from "./notify.ts";
import { PromptOutbox } from "./outbox.ts";
import { PageRequests } from "./requests.ts";

export interface PageLinkOptions {
  url: string;
  store: AppStore;
  signer: ChallengeSigner;
  notifier?: PermissionNotifier;
  /** Called with each client made (before it connects): the live view subscribes to it (live-link.ts). */
  onClient?: (client: RelayClient) => void;
  /** Called after each login, once the store has taken auth.ok (e.g. to send the Web Push subscription again). */
  onLogin?: (ok: AuthOkMessage) => void;
}

/** Errors that end the connection: the status line says what happened, not the error list. */
const CONNECTION_ERRORS = new Set([
  "auth_failed",
  "auth_timeout",
  "server_full",
  "rate_limited",
  "slow_consumer",
  "shutting_down",
  "internal",
  "message_too_large",
]);

/** The relay's WebSocket URL for a page served by the relay. */
export function relayUrl(location: { protocol: string; host: string }): string {
  return `${location.protocol === "https:" ? "wss:" : "ws:"}//${location.host}/ws`;
}

export class PageLink {
  /** Creating, stopping and configuring sessions, listing earlier conversations. */
  readonly requests: PageRequests;
  /** Prompts, sent or waiting for the next login. */
  readonly outbox: PromptOutbox;
  /** Permission answers and interrupts. */
  readonly answers: PermissionAnswers;
  /** The sessions followed (attached), and showing another. */
  readonly following: SessionFollowing;
  readonly #options: PageLinkOptions;
  #client: RelayClient | undefined;
  #stopped = false;
  /** Logged in at least once: a later loss is "reconnecting", not "offline". */
  #loggedIn = false;
  readonly #wake = () => {
    if (document.visibilityState === "visible") this.wake();
  };

  constructor(options: PageLinkOptions) {
    this.#options = options;
    const client = () => this.#client;
    this.outbox = new PromptOutbox(options.store, client);
    this.answers = new PermissionAnswers(options.store, client);
    this.following = new SessionFollowing(options.store, client);
    this.requests = new PageRequests(options.store, client, () => this.following.follow());
  }

  /** The client, once started: for features with requests and events of their own (`client.request`, `client.on`). */
  get client(): RelayClient | undefined {
    return this.#client;
  }

  start(): void {
    document.addEventListener("visibilitychange", this.#wake);
    window.addEventListener("online", this.#wake);
    this.#connect();
  }

  /** Reconnect now (or check the open connection): on wake-up, on coming online, or when asked. */
  wake(): void {
    if (this.#stopped) return;
    // A client ended by a failure on this side (its key could not sign) starts over on waking.
    if (this.#client && this.#client.state !== "closed") return this.#client.wake();
    this.#connect();
  }

  /** Ends the connection for good (e.g. the key was forgotten). */
  async close(): Promise<void> {
    this.#stopped = true;
    document.removeEventListener("visibilitychange", this.#wake);
    window.removeEventListener("online", this.#wake);
    await this.#client?.close();
  }

  #connect(): void {
    const { store, signer, notifier, url } = this.#options;
    // Never gives up on its own: a key not authorized yet is tried again (slowly) until it is added.
    // `partial`: Claude's text as it is written and the sessions' status (the live view).
    const client = new RelayClient({
      signer,
      replayHeld: true,
      reconnect: { initialDelayMs: 500, maxDelayMs: 10_000, keepTrying: true },
      partial: true,
    });
    this.#client = client;
    this.#options.onClient?.(client);
    store.clientStarted();
    store.connection.value = { status: "connecting" };
    client.on("state", (state) => {
      // Waiting to retry a refused key or a relay not reached yet: the page stays "offline", as the disconnect said.
      if (state === "reconnecting" && store.connection.value.status === "offline") return;
      if (state === "connecting" || state === "authenticating" || state === "reconnecting") store.connection.value = { status: state };
    });
    client.on("disconnect", (info) => {
      const refused = info.code === CLOSE_CODES.authFailed || info.error?.code === "auth_failed";
      if (refused) store.access.value = "unauthorized";
      const detail = refused ? "this device's key is not authorized yet" : info.error ? info.error.message : closeDetail(info.code, info.reason);
      store.connection.value = { status: refused || !this.#loggedIn ? "offline" : "reconnecting", detail };
    });
    client.on("auth.ok", (ok) => {
      this.#loggedIn = true;
      store.authenticated(ok);
      store.connection.value = { status: "open" };
      this.following.follow();
      // A v2 relay tells a client the default session's pickers once it attached explicitly.
      if (ok.sessions && !ok.capabilities) client.attach(ok.sessionId, { lastSeq: ok.lastSeq ?? client.lastSeq });
      this.outbox.resend();
      this.#options.onLogin?.(ok);
    });
    client.on("sessions", (message) => {
      store.sessionsChanged(message.sessions);
      this.following.follow();
    });
    client.on("sessionView", (view) => {
      const before = store.sessionViews.value.get(view.sessionId);
      store.sessionView(view);
      // Requests came or went (an attach, a resolution): a session followed only for its requests may be let go.
      if (before?.pendingPermissions !== view.pendingPermissions) this.following.follow();
    });
    client.on("event", (event) => {
      // The store still mirrors the session as it was before this event (its view follows).
      const wasPending =
        event.type === "permission.request" &&
        store.sessionViews.value.get(event.sessionId)?.pendingPermissions.some((request) => request.requestId === event.requestId);
      store.event(event);
      if (event.type === "permission.request" && !wasPending) notifier?.requested(event);
      if (event.type === "permission.resolved") notifier?.resolved(event.requestId);
    });
    client.on("replay.gap", (gap) => store.gap(gap));
    client.on("error", (error) => {
      // A refused request (its id not a prompt's) reaches the promise that asked.
      const answersRequest = error.id !== undefined && !this.outbox.holds(error.id);
      if (!answersRequest && !CONNECTION_ERRORS.has(error.code)) store.relayError(error);
    });
    client.on("close", (info) => {
      if (this.#client !== client || this.#stopped) return;
      store.connection.value = { status: "offline", detail: info.error?.message ?? closeDetail(info.code, info.reason) };
    });
    client.connect(url).catch(() => {}); // failures arrive as the close event above
  }
}

function closeDetail(code: number, reason: string): string {
  if (code === 1001) return "the relay is restarting";
  if (code === 1006 || code === 0) return "no connection to the relay";
  return reason ? `closed (${code}: ${reason})` : `closed (${code})`;
}
