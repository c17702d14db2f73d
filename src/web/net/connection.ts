/**
 * The page's link to the relay: a {@link RelayClient} signing with the device key, feeding the
 * store. It adds what a browser tab needs on top of the client library:
 * - a key the relay refuses is not an end: the page shows the key and tries again by itself
 *   (3 s, growing to 15 s; within the relay's failed-login allowance), and at once on wake-up, so
 *   it logs in as soon as the key is added;
 * - a relay that cannot be reached is retried the same way (2 s … 30 s);
 * - on `visibilitychange` (visible) and `online` it wakes the client: reconnect now, or check
 *   that the open socket still answers;
 * - every new client resumes from the store's lastSeq, so nothing is shown twice.
 *
 * @example
 * ```ts
 * const connection = new RelayConnection({ url: relayUrl(location), store, signer: browserSigner(key) });
 * connection.start();
 * connection.prompt("Run the tests");
 * ```
 */
import { RelayClient, RelayClientError, type PermissionRequestMessage } from "../../client/client.ts";
import type { ChallengeSigner } from "../../client/signer.ts";
import type { AppStore } from "../state/store.ts";
import type { PermissionNotifier } from "./notify.ts";

export interface ConnectionOptions {
  url: string;
  store: AppStore;
  signer: ChallengeSigner;
  notifier?: PermissionNotifier;
}

/** Errors that end the connection: the status line says what happened, not the error list. */
const CONNECTION_ERRORS = new Set(["auth_failed", "auth_timeout", "server_full", "rate_limited", "slow_consumer", "shutting_down", "internal", "message_too_large"]);

const UNAUTHORIZED_RETRY = { firstMs: 3000, maxMs: 15_000 };
const UNREACHABLE_RETRY = { firstMs: 2000, maxMs: 30_000 };

/** The relay's WebSocket URL for a page served by the relay. */
export function relayUrl(location: { protocol: string; host: string }): string {
  return `${location.protocol === "https:" ? "wss:" : "ws:"}//${location.host}/ws`;
}

export class RelayConnection {
  readonly #options: ConnectionOptions;
  #client: RelayClient | undefined;
  #retryTimer: ReturnType<typeof setTimeout> | undefined;
  #retryDelayMs = 0;
  #stopped = false;
  #promptCounter = 0;
  readonly #wake = () => {
    if (document.visibilityState === "visible") this.wake();
  };

  constructor(options: ConnectionOptions) {
    this.#options = options;
  }

  start(): void {
    document.addEventListener("visibilitychange", this.#wake);
    window.addEventListener("online", this.#wake);
    this.#connect();
  }

  /** Reconnect now (or check the open connection): on wake-up, on coming online, or when asked. */
  wake(): void {
    if (this.#stopped) return;
    if (this.#client && this.#client.state !== "closed") return this.#client.wake();
    clearTimeout(this.#retryTimer);
    this.#connect();
  }

  /** Sends a prompt; while no connection can take it, it waits in the outbox and goes on the next login. */
  prompt(text: string): void {
    const id = `web-${Date.now().toString(36)}-${++this.#promptCounter}`;
    this.#options.store.queuePrompt({ id, text, state: "waiting" });
    this.#sendPrompt(id, text);
  }

  allow(request: PermissionRequestMessage): void {
    this.#client?.allow(request.requestId, request.input);
  }

  deny(request: PermissionRequestMessage, message?: string): void {
    this.#client?.deny(request.requestId, message || undefined);
  }

  interrupt(): void {
    this.#client?.interrupt();
  }

  /** Ends the connection for good (e.g. the key was forgotten). */
  async stop(): Promise<void> {
    this.#stopped = true;
    clearTimeout(this.#retryTimer);
    document.removeEventListener("visibilitychange", this.#wake);
    window.removeEventListener("online", this.#wake);
    await this.#client?.close();
  }

  #sendPrompt(id: string, text: string): void {
    const client = this.#client;
    // Only a logged-in client: one still logging in or reconnecting would queue it in memory it
    // drops if that login fails (key refused, rate limited); the outbox keeps it for auth.ok.
    if (client?.state !== "open") return;
    try {
      client.send({ type: "prompt", text, id });
      this.#options.store.markSent(id);
    } catch (error) {
      if (!(error instanceof RelayClientError)) throw error; // queue full or closed: it stays waiting
    }
  }

  #connect(): void {
    const { store, signer, notifier, url } = this.#options;
    const client = new RelayClient({ signer, resume: store.resume(), reconnect: { initialDelayMs: 500, maxDelayMs: 10_000 } });
    this.#client = client;
    store.connection.value = { status: "connecting" };
    client.on("state", (state) => {
      if (state === "connecting" || state === "authenticating" || state === "reconnecting") store.connection.value = { status: state };
    });
    client.on("disconnect", (info) => {
      store.connection.value = { status: "reconnecting", detail: info.error ? info.error.message : closeDetail(info.code, info.reason) };
    });
    client.on("auth.ok", (ok) => {
      this.#retryDelayMs = 0;
      store.authenticated(ok);
      store.connection.value = { status: "open" };
      for (const prompt of store.outbox.value) if (prompt.state === "waiting") this.#sendPrompt(prompt.id, prompt.text);
    });
    client.on("event", (event) => {
      const wasPending = event.type === "permission.request" && (store.conversations.value.get(event.sessionId)?.pending ?? []).some((request) => request.requestId === event.requestId);
      store.event(event);
      if (event.type === "permission.request" && !wasPending) notifier?.requested(event);
      if (event.type === "permission.resolved") notifier?.resolved(event.requestId);
    });
    client.on("replay.gap", (gap) => store.gap(gap));
    client.on("error", (error) => {
      if (!CONNECTION_ERRORS.has(error.code)) store.relayError(error);
    });
    client.on("close", (info) => {
      if (this.#client !== client || this.#stopped) return;
      this.#client = undefined;
      const refused = info.error?.code === "auth_failed";
      if (refused) store.access.value = "unauthorized";
      store.connection.value = { status: "offline", detail: refused ? "this device's key is not authorized yet" : (info.error?.message ?? closeDetail(info.code, info.reason)) };
      this.#scheduleRetry(refused ? UNAUTHORIZED_RETRY : UNREACHABLE_RETRY);
    });
    client.connect(url).catch(() => {}); // failures arrive as the close event above
  }

  #scheduleRetry(policy: { firstMs: number; maxMs: number }): void {
    this.#retryDelayMs = this.#retryDelayMs === 0 ? policy.firstMs : Math.min(policy.maxMs, this.#retryDelayMs * 2);
    clearTimeout(this.#retryTimer);
    this.#retryTimer = setTimeout(() => this.#connect(), this.#retryDelayMs);
  }
}

function closeDetail(code: number, reason: string): string {
  if (code === 1001) return "the relay is restarting";
  if (code === 1006 || code === 0) return "no connection to the relay";
  return reason ? `closed (${code}: ${reason})` : `closed (${code})`;
}
