/**
 * The page's requests to the relay that a form waits for (forms.ts): creating a session (new, or
 * continuing an earlier conversation), stopping one, "new conversation here" (stop, then create
 * in the same directory), changing a session's permission mode or model, and listing Claude's
 * earlier conversations. Each goes through the client's requests answered by id, only while
 * logged in (a client still logging in or reconnecting would hold it in memory a failing login
 * drops): else it is refused at once with `not_connected`.
 *
 * @example
 * ```ts
 * const requests = new PageRequests(store, () => client, () => follow());
 * requests.create("/home/me/api");        // the answer shows the session, or the form says why not
 * requests.configure("a2c4…", { model: "haiku" });
 * ```
 */
import type { RelayClient } from "../../client/client.ts";
import type { PendingConfigure, PendingCreate, RequestRefusal } from "../state/forms.ts";
import type { AppStore } from "../state/store.ts";

/** A request made while no connection can take it. */
/** How a request is refused while the page has no logged-in client. */
export const NOT_CONNECTED: RequestRefusal = { code: "not_connected", message: "not connected to the relay; try again once connected" };

export class PageRequests {
  readonly #store: AppStore;
  readonly #client: () => RelayClient | undefined;
  /** Follows the sessions the page needs now (a session created is shown). */
  readonly #follow: () => void;

  constructor(store: AppStore, client: () => RelayClient | undefined, follow: () => void) {
    this.#store = store;
    this.#client = client;
    this.#follow = follow;
  }

  /** Switches a session's permission mode or model; the answer (or refusal) reaches the pickers. */
  configure(sessionId: string, change: PendingConfigure["change"]): void {
    const { forms } = this.#store;
    const configure = { sessionId, change };
    forms.configureStarted(configure);
    this.#request((client) => client.configure(change, sessionId)).then(
      () => forms.configureDone(configure),
      (error: RequestRefusal) => forms.configureDone(configure, error),
    );
  }

  /** Lists Claude's earlier conversations in `cwd` (undefined: the default session's directory). */
  listHistory(cwd?: string): void {
    const { forms } = this.#store;
    const view = forms.historyStarted(cwd);
    this.#request((client) => client.listHistory(cwd)).then(
      (history) => forms.historyListed(view, history),
      (error: RequestRefusal) => forms.historyListed(view, error),
    );
  }

  /** Starts a session in `cwd` (continuing the conversation `resume`, or in a new `worktree` branch); the relay's answer shows it, or its refusal reaches the form (or a note). */
  create(cwd: string, origin: PendingCreate["origin"] = "form", resume?: string, worktree?: string): void {
    const create = { cwd, origin, ...(resume !== undefined && { resume }), ...(worktree !== undefined && { worktree }) };
    this.#store.forms.createStarted(create);
    this.#create(create);
  }

  /** Stops a session (not the default one, which the relay keeps for v1 clients), and its worktree with `removeWorktree`; a refusal is a note in the relay's words. */
  stopSession(sessionId: string, options: { removeWorktree?: boolean } = {}): void {
    const store = this.#store;
    if (this.#client()?.state === "open") store.stopRequested(sessionId);
    this.#request((client) => client.stopSession(sessionId, options)).catch((error: RequestRefusal) => store.note(`${error.code}: ${error.message}`));
  }

  /**
   * A new conversation in the same directory: the session is stopped and, once its Claude has
   * ended (it counts against --max-sessions until then), one is created there. The default
   * session cannot be stopped: a new session is created beside it.
   */
  newConversation(sessionId: string): void {
    const store = this.#store;
    const info = store.sessions.value.find((candidate) => candidate.sessionId === sessionId);
    if (!info) return;
    if (sessionId === store.defaultSessionId.value) return this.create(info.cwd, "restart");
    const create: PendingCreate = { cwd: info.cwd, origin: "restart" };
    store.forms.createStarted(create);
    if (this.#client()?.state === "open") store.stopRequested(sessionId);
    this.#request((client) => client.stopSession(sessionId)).then(
      () => this.#create(create),
      (error: RequestRefusal) => {
        if (store.forms.creating.value === create) store.forms.creating.value = undefined;
        store.note(error.code === "not_connected" ? `No new conversation in ${create.cwd}: ${error.message}` : `The session was not stopped: ${error.message}`);
      },
    );
  }

  #create(create: PendingCreate): void {
    const { forms } = this.#store;
    const options = { ...(create.resume !== undefined && { resume: create.resume }), ...(create.worktree !== undefined && { worktree: create.worktree }) };
    this.#request((client) => client.createSession(create.cwd, options)).then(
      (sessionId) => forms.created(create, sessionId) && this.#follow(),
      (error: RequestRefusal) => forms.createRefused(create, error),
    );
  }

  #request<T>(ask: (client: RelayClient) => Promise<T>): Promise<T> {
    const client = this.#client();
    if (client?.state !== "open") return Promise.reject(NOT_CONNECTED);
    return ask(client);
  }
}
