/**
 * The client's model of the relay (pure: no sockets, no timers). Fed the decoded messages of each
 * authenticated connection, it owns every fact a client keeps about the relay, once:
 * - the relay's session list, its default session and each session's pickers (capabilities);
 * - the session in focus (the default one, or the one `follow` / the `session` option chose) and
 *   the others followed (v2 `attach`), each with its position (lastSeq, duplicates dropped, gaps
 *   noticed), pending permission requests, state and settings (attached-session.ts), each also
 *   reported as one value after every change (`sessionView`), for a page that mirrors the model;
 * - requests sent with an id, as promises settled by the reply or the `error` carrying that id,
 *   and failed when the connection ends (pending-requests.ts).
 *
 * It emits the client's events (session-bound ones after deduplication) and produces the messages
 * a login must send (re-attaches, the focused session's join). The facade (client.ts) owns the
 * connection, the reconnect loop and the send queue.
 *
 * @example
 * ```ts
 * const directory = new SessionDirectory({}, { emit, sendNow: (m) => connection.send(m), stop: (e) => finish(e) });
 * if (directory.loggedIn(authOk, { resumed: false })) directory.join(authOk, { resumed: false });
 * directory.receive(frame);                        // events emitted, requests settled
 * const created = directory.request({ type: "session.create", cwd: "/srv/api" }, "session.created", send);
 * directory.connectionLost(new Error("gone"));     // waiting requests fail
 * ```
 */
import type { ClientMessage } from "../protocol/messages.ts";
import { AttachedSession, type SessionJoin, type SessionSnapshot, type SessionView } from "./attached-session.ts";
import type { EmitClientEvent, FollowReplay } from "./client-types.ts";
import type { RelayMessage } from "./connection.ts";
import { RelayClientError, RelayRequestError } from "./errors.ts";
import {
  type AuthOkMessage,
  isSessionEvent,
  type PermissionRequestMessage,
  type SessionAttachedMessage,
  type SessionCapabilities,
  type SessionEventMessage,
  type SessionInfo,
} from "./messages.ts";
import { PendingRequests } from "./pending-requests.ts";
import { attachFrom, SessionAttachments } from "./session-attachments.ts";
import { findSession } from "./session-lookup.ts";

/** What the model needs from the client around it. */
export interface DirectoryOutput {
  emit: EmitClientEvent;
  /** Sends on the connection just authenticated (login traffic, ahead of anything queued). */
  sendNow(message: ClientMessage): void;
  /** The session asked for does not exist: the client cannot go on. */
  stop(error: RelayClientError): void;
}

export interface DirectoryOptions {
  /** Continue an earlier position in the default session. */
  resume?: { sessionId: string; lastSeq: number };
  /** Focus on this session (its id or the start of it) instead of the default one. */
  session?: string;
  /** Without a position: ask at the first login for everything the relay holds. */
  replayHeld?: boolean;
}

type SessionAttach = ClientMessage & { type: "session.attach" };

/** Messages without a seq that are also client events of their own name (the payload is the message). */
const NAMED_MESSAGES = new Set<string>([
  "pong",
  "sessions",
  "session.attached",
  "session.created",
  "session.capabilities",
  "session.configured",
  "session.detached",
  "session.stopped",
  "history",
  "error",
  "claude.partial",
  "session.status",
]);

export class SessionDirectory {
  readonly #out: DirectoryOutput;
  /** The default session, which every login joins (v1: the relay's one session). */
  #session: AttachedSession;
  /** The other sessions followed (v2 `attach`, and the one `follow` focuses on). */
  readonly #others = new SessionAttachments();
  /**
   * The session focused on instead of the default one: what was asked for until the first auth.ok
   * resolves it, then its id. Undefined: the default session (v1 behaviour).
   */
  #target: { query: string; sessionId?: string; replay: FollowReplay } | undefined;
  /** A `session.attached` for the focused session is awaited: it is the join. */
  #joinPending = false;
  /** The focused session was joined since it was chosen (a later join is a reconnect, not a first). */
  #joinedBefore = false;
  /** Some session was joined once: until then a refused focus ends the client (its connect() fails). */
  #joinedOnce = false;
  #sessionList: SessionInfo[] = [];
  readonly #capabilities = new Map<string, SessionCapabilities>();
  #lastAuthOk: AuthOkMessage | undefined;
  readonly #requests = new PendingRequests("c");

  constructor(options: DirectoryOptions, out: DirectoryOutput) {
    this.#out = out;
    const replayHeld = options.replayHeld === true;
    this.#session = new AttachedSession(options.session === undefined ? options.resume : undefined, { replayHeld });
    if (options.session !== undefined) this.#target = { query: options.session, replay: replayHeld ? "held" : "live" };
  }

  /** The id of the session in focus, once known. */
  get sessionId(): string | undefined {
    return this.#target ? this.#target.sessionId : this.#session.sessionId;
  }

  /** The relay's default session, once authenticated. */
  get defaultSessionId(): string | undefined {
    return this.#lastAuthOk?.sessionId;
  }

  /** The last login's auth.ok (who we are to the relay, our key). */
  get lastAuthOk(): AuthOkMessage | undefined {
    return this.#lastAuthOk;
  }

  /** The relay's sessions as last reported; oldest first. */
  get sessions(): SessionInfo[] {
    return this.#sessionList;
  }

  /** The sessions followed besides the default one. */
  get attachedSessions(): string[] {
    return this.#others.ids;
  }

  /** Every session followed (the default one too, while joined), as one value each. */
  get views(): SessionView[] {
    const sessions = [...(this.#target ? [] : [this.#session]), ...this.#others.all()];
    return sessions.flatMap((session) => {
      const view = this.#viewOf(session);
      return view ? [view] : [];
    });
  }

  /** The focused session's highest seq delivered. */
  get lastSeq(): number {
    return this.#focused()?.lastSeq ?? 0;
  }

  /** The focused session's permission requests still waiting, oldest first. */
  get pendingPermissions(): PermissionRequestMessage[] {
    return this.#focused()?.pendingPermissions ?? [];
  }

  /** The focused session's state (with its mode and model) as last reported. */
  get sessionState(): SessionSnapshot | undefined {
    return this.#focused()?.state;
  }

  /** A session's pickers as last reported (auth.ok, session.attached, session.capabilities). */
  capabilitiesOf(sessionId: string | undefined): SessionCapabilities | undefined {
    return sessionId === undefined ? undefined : this.#capabilities.get(sessionId);
  }

  /** The `resume` of the next login: the default session's position, unless the focus is elsewhere (its past is not wanted). */
  resume(): { sessionId: string; lastSeq: number } | undefined {
    return this.#target ? undefined : this.#session.resume();
  }

  /** The `sessionId` field of prompts and answers: present when the focus is not the default session. */
  sessionField(): { sessionId?: string } {
    const sessionId = this.#target?.sessionId;
    return sessionId === undefined ? {} : { sessionId };
  }

  // ── logins ────────────────────────────────────────────────────────────────────────────────────

  /**
   * auth.ok, first half: the facts it carries and the session to focus on. Returns false when the
   * client cannot go on (the `session` asked for names none: `stop` was called).
   */
  loggedIn(ok: AuthOkMessage, { resumed }: { resumed: boolean }): boolean {
    this.#lastAuthOk = ok;
    if (ok.sessions) this.#sessionList = ok.sessions;
    if (ok.capabilities) this.#capabilities.set(ok.sessionId, ok.capabilities);
    const target = this.#resolveTarget(ok);
    if (target === "unknown") return false;
    if (!target && this.#session.joined(ok, { resumed })) this.#out.emit("warning", `the relay runs another session now (${ok.sessionId}); seqs start over`);
    this.#others.detach(ok.sessionId); // joined at login: followed as the default session
    if (ok.sessions) this.#forgetGone(ok.sessions);
    return true;
  }

  /**
   * auth.ok, second half (the client is open): leaves the default session when the focus is
   * elsewhere, re-attaches every session followed from where it stood, and reports the login and,
   * for the default session, the join.
   */
  join(ok: AuthOkMessage, { resumed }: { resumed: boolean }): void {
    const target = this.#target?.sessionId;
    if (target !== undefined && target !== ok.sessionId) this.#out.sendNow({ type: "session.detach", sessionId: ok.sessionId });
    // The focused session joins at its session.attached (the re-attach sent here).
    this.#joinPending = target !== undefined;
    for (const message of this.#others.reattach() as SessionAttach[]) {
      if (message.sessionId === target) this.#rejoin(message);
      else this.#out.sendNow(message);
    }
    this.#out.emit("frame", ok as unknown as Record<string, unknown>);
    this.#out.emit("auth.ok", ok, { resumed });
    if (target !== undefined) return;
    this.#changed(this.#session);
    this.#announceJoin({ ...ok, lastSeq: ok.lastSeq ?? this.#session.lastSeq }, resumed);
  }

  /**
   * The session to focus on after this login: undefined for the default one. The first login turns
   * the `session` option into an id (and follows it); one that names no session ends the client
   * (`unknown_session`). A focused session that is gone after a reconnect (stopped meanwhile) falls
   * back to the default one.
   */
  #resolveTarget(ok: AuthOkMessage): { sessionId: string } | undefined | "unknown" {
    const target = this.#target;
    if (!target) return undefined;
    if (target.sessionId === undefined) {
      const found = findSession(ok.sessions ?? [], target.query);
      if (!found.ok) {
        this.#out.stop(new RelayClientError("unknown_session", found.message));
        return "unknown";
      }
      target.sessionId = found.session.sessionId;
      if (target.sessionId === ok.sessionId) {
        // The default session after all: joined at this very login.
        this.#target = undefined;
        return undefined;
      }
      this.#others.follow(target.sessionId, target.replay);
      return { sessionId: target.sessionId };
    }
    if (ok.sessions && !ok.sessions.some((session) => session.sessionId === target.sessionId)) {
      this.#out.emit("warning", `session ${target.sessionId} is no longer open on the relay (stopped meanwhile); following the default session`);
      this.#others.detach(target.sessionId);
      this.#target = undefined;
      this.#session = new AttachedSession();
      this.#joinedBefore = false;
      return undefined;
    }
    return { sessionId: target.sessionId };
  }

  /**
   * Sends the focused session's attach at login with an id, so a refusal is tied to it: the
   * session may stop between the list auth.ok carries and the attach (`unknown_session`).
   */
  #rejoin(attach: SessionAttach): void {
    this.request(attach, "session.attached", (message) => this.#out.sendNow(message)).catch((error: unknown) => {
      // A lost connection is retried at the next login; only the relay's refusal is an answer.
      if (error instanceof RelayRequestError) this.#focusRefused(attach.sessionId, error);
    });
  }

  /**
   * The relay refused to attach the focused session at login (it stopped meanwhile): the first
   * connect fails with `unknown_session` (nothing was joined yet); after a reconnect the client
   * falls back to the default session, as when the session is missing from auth.ok's list.
   */
  #focusRefused(sessionId: string, error: RelayRequestError): void {
    if (this.#target?.sessionId !== sessionId) return; // the focus moved meanwhile (follow)
    this.#others.detach(sessionId);
    if (error.code === "unknown_session") this.#sessionList = this.#sessionList.filter((session) => session.sessionId !== sessionId);
    if (!this.#joinedOnce) {
      const message = `the relay refused to join session ${sessionId} (stopped since it was listed?): ${error.code}: ${error.message}`;
      this.#out.stop(new RelayClientError("unknown_session", message, undefined, { cause: error }));
      return;
    }
    this.#out.emit("warning", `session ${sessionId} is no longer open on the relay (${error.code}: ${error.message}); following the default session`);
    const defaultId = this.defaultSessionId;
    if (defaultId !== undefined) this.#out.sendNow(this.focusOn(defaultId, "live"));
  }

  #announceJoin(join: SessionJoin & { lastSeq: number }, resumed: boolean): void {
    const first = !this.#joinedBefore;
    this.#joinedBefore = true;
    this.#joinedOnce = true;
    this.#out.emit("joined", join, { resumed, first });
  }

  // ── incoming ──────────────────────────────────────────────────────────────────────────────────

  /** One message of an authenticated connection: the facts updated, the events emitted, a request it answers settled. */
  receive(message: RelayMessage): void {
    if (isSessionEvent(message)) return this.#onSessionEvent(message);
    const emit = this.#out.emit;
    emit("frame", message as unknown as Record<string, unknown>);
    switch (message.type) {
      case "replay.gap": {
        const session = this.#sessionFor(message.sessionId);
        const gap = session?.gapAnnounced(message);
        if (gap) emit("replay.gap", gap);
        return session && this.#changed(session);
      }
      case "sessions":
        this.#sessionList = message.sessions;
        this.#forgetGone(message.sessions);
        break;
      case "session.attached":
        if (message.capabilities) this.#capabilities.set(message.sessionId, message.capabilities);
        this.#onAttached(message);
        break;
      case "session.capabilities": {
        const { type: _, sessionId, ...pickers } = message;
        this.#capabilities.set(sessionId, pickers);
        this.#changed(this.#sessionFor(sessionId));
        break;
      }
      case "session.configured": {
        const session = this.#sessionFor(message.sessionId);
        session?.configured(message);
        this.#changed(session);
        break;
      }
      case "session.stopped":
        this.#others.detach(message.sessionId);
        break;
    }
    if (NAMED_MESSAGES.has(message.type)) (emit as (name: string, message: RelayMessage) => void)(message.type, message);
    // After the listeners: a reply that settles a request is seen by `on` first, like any frame.
    this.#requests.settle(message);
  }

  /** `session.attached`: the session's state now; for the session in focus, awaited, its join. */
  #onAttached(attached: SessionAttachedMessage): void {
    const session = this.#sessionFor(attached.sessionId);
    if (!session) return;
    // A replay follows when the attach named a position (or asked for everything held).
    const replaying = session.resume() !== undefined;
    session.attached(attached);
    this.#changed(session);
    if (!this.#joinPending || attached.sessionId !== this.sessionId) return;
    this.#joinPending = false;
    this.#announceJoin(attached, replaying);
  }

  #onSessionEvent(event: SessionEventMessage): void {
    const emit = this.#out.emit;
    const session = this.#sessionFor(event.sessionId);
    // A session detached a moment ago may still have events on the way.
    if (!session) return emit("warning", `dropped seq ${event.seq} of session ${event.sessionId}, which this client does not follow`);
    const verdict = session.accept(event);
    if (!verdict.deliver) return emit("warning", `dropped a duplicate of seq ${event.seq}`);
    if (verdict.gap) {
      emit("warning", `seqs ${verdict.gap.fromSeq}…${verdict.gap.toSeq} never arrived`);
      emit("replay.gap", { type: "replay.gap", sessionId: event.sessionId, ...verdict.gap, reason: "detected" });
    }
    emit("frame", event as unknown as Record<string, unknown>);
    // Each session event type is also an event name of the same payload type.
    (emit as (name: SessionEventMessage["type"], event: SessionEventMessage) => void)(event.type, event);
    emit("event", event);
    // After the event: a mirror applying it still sees the requests it resolves.
    this.#changed(session);
  }

  /** Reports a followed session's view after a change. */
  #changed(session: AttachedSession | undefined): void {
    const view = session && this.#viewOf(session);
    if (view) this.#out.emit("sessionView", view);
  }

  #viewOf(session: AttachedSession): SessionView | undefined {
    const view = session.view;
    const capabilities = view && this.#capabilities.get(view.sessionId);
    return view && capabilities ? { ...view, capabilities } : view;
  }

  /**
   * Where events of `sessionId` are tracked: the default session, an attached one, or none (not
   * followed — also the default one while the focus is elsewhere, until its detach is answered).
   */
  #sessionFor(sessionId: string): AttachedSession | undefined {
    const other = this.#others.get(sessionId);
    if (other) return other;
    if (this.#target) return undefined;
    return sessionId === (this.#session.sessionId ?? this.defaultSessionId) ? this.#session : undefined;
  }

  /** Forgets attached sessions the relay no longer lists; the one in focus is kept (its loss is for the next login to handle). */
  #forgetGone(listed: readonly { sessionId: string }[]): void {
    const keep = [...listed.map((info) => info.sessionId), ...(this.#target?.sessionId !== undefined ? [this.#target.sessionId] : [])];
    for (const sessionId of this.#others.retain(keep))
      this.#out.emit("warning", `session ${sessionId} is no longer listed by the relay; no longer following it`);
  }

  /** The session in focus: the default one, or the one `follow` chose. */
  #focused(): AttachedSession | undefined {
    return this.#target?.sessionId !== undefined ? this.#others.get(this.#target.sessionId) : this.#session;
  }

  // ── outgoing ──────────────────────────────────────────────────────────────────────────────────

  /**
   * Sends `message` with a fresh id through `send` and waits for its `reply` type; rejects with a
   * `RelayRequestError` on an `error` carrying the id, or with the error {@link connectionLost}
   * gives. A `send` that throws sends nothing and leaves nothing waiting.
   */
  request<T extends Record<string, unknown>>(message: ClientMessage, reply: string, send: (message: ClientMessage) => void): Promise<T> {
    const id = this.#requests.nextId();
    send({ ...message, id } as ClientMessage);
    return this.#requests.wait<T>(id, reply);
  }

  /** The connection ended (or the client closed): nothing will answer the requests waiting. */
  connectionLost(error: Error): void {
    this.#requests.failAll(error);
    for (const session of [this.#session, ...this.#others.all()]) if (session.connectionLost()) this.#changed(session);
  }

  /**
   * Resolves what `follow` was given (an id in the list or the unambiguous start of one; the whole
   * id of a session too new to be listed) to a session id, or throws `unknown_session`.
   */
  resolve(sessionId: string): string {
    const found = findSession(this.#sessionList, sessionId);
    // A session created a moment ago may not be in the list yet: its whole id is still good.
    const id = found.ok ? found.session.sessionId : found.problem === "unknown" && sessionId.length >= 32 ? sessionId : undefined;
    if (id === undefined) throw new RelayClientError("unknown_session", found.ok ? "" : found.message);
    return id;
  }

  /** Stops following the session in focus, when it is not `next`; returns the detach to send. */
  leaveFocus(next: string): ClientMessage | undefined {
    const previous = this.sessionId;
    if (previous === undefined || previous === next) return undefined;
    this.#others.detach(previous);
    return { type: "session.detach", sessionId: previous };
  }

  /** Moves the focus to `sessionId` (its join awaited); returns the `session.attach` to send. */
  focusOn(sessionId: string, replay: FollowReplay): SessionAttach {
    if (sessionId === this.defaultSessionId) {
      // Back to the default session: followed afresh like any other, and again joined at each login.
      this.#target = undefined;
      this.#session = new AttachedSession(undefined, { replayHeld: replay === "held" });
    } else {
      this.#target = { query: sessionId, sessionId, replay };
      this.#others.follow(sessionId, replay);
    }
    this.#joinPending = true;
    this.#joinedBefore = false;
    return { type: "session.attach", sessionId, lastSeq: attachFrom(this.#focused()!) };
  }

  /**
   * Follows `sessionId` besides the focus from `lastSeq` (absent: where it stands, or everything
   * held); the default session only asks for a replay after `lastSeq`. Returns the lastSeq to attach with.
   */
  attach(sessionId: string, lastSeq?: number): number {
    if (sessionId === this.#session.sessionId) return lastSeq ?? this.#session.lastSeq;
    return this.#others.attach(sessionId, lastSeq);
  }

  /** Stops following `sessionId` (the default session is joined again at the next login). */
  detach(sessionId: string): void {
    this.#others.detach(sessionId);
  }
}
