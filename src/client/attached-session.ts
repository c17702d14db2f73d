/**
 * What a client knows about one relay session it receives events from (pure): where it stands
 * (the session cursor: duplicates dropped, gaps noticed, the resume to send), which permission
 * requests still wait for an answer, and the session's latest state. A client attached to several
 * sessions holds one per session.
 *
 * @example
 * ```ts
 * const session = new AttachedSession();
 * session.joined(authOk, { resumed: false });   // position, state and pending requests from auth.ok
 * const verdict = session.accept(event);       // { deliver: true } | { deliver: false } | { deliver: true, gap }
 * session.pendingPermissions;                  // oldest first
 * session.state?.state;                        // "busy"
 * session.view;                                // all of it as one value, for a page that mirrors it
 * ```
 */
import type {
  AuthOkMessage,
  PermissionRequestMessage,
  ReplayGapMessage,
  SessionAttachedMessage,
  SessionCapabilities,
  SessionConfiguredMessage,
  SessionEventMessage,
  SessionStateMessage,
} from "./messages.ts";
import { type CursorVerdict, SessionCursor } from "./session-cursor.ts";

/** The session's state as last reported (auth.ok's snapshot, then each session.state). */
export type SessionSnapshot = Pick<SessionStateMessage, "state" | "claudePid" | "clients" | "devices" | "claudeAuthError" | "permissionMode" | "model"> & {
  restarts?: number;
};

/**
 * One followed session as the client knows it, as one value: a new object after each change, whose
 * parts that did not change keep their identity (a page mirroring it redraws only what changed).
 */
export interface SessionView {
  sessionId: string;
  /** The highest seq delivered. */
  lastSeq: number;
  /** Permission requests still waiting, oldest first. */
  pendingPermissions: readonly PermissionRequestMessage[];
  state?: SessionSnapshot;
  /** Where the replay of the last join or attach ends, while the session has not got there (catching up). */
  replayEnd?: number;
  /** Its pickers, once reported (the directory adds them: it hears of them for any session). */
  capabilities?: SessionCapabilities;
}

/** Where a session stands when a client joins it: `auth.ok` (the default session) or `session.attached`. */
export type SessionJoin = Pick<AuthOkMessage, "sessionId" | "lastSeq" | "state">;

export interface AttachedSessionOptions {
  /**
   * Without a saved position, ask at the first login for every event the relay still holds (to
   * show what happened before joining) instead of only what follows.
   */
  replayHeld?: boolean;
}

export class AttachedSession {
  readonly #cursor: SessionCursor;
  readonly #pending = new Map<string, PermissionRequestMessage>();
  #replayHeld: boolean;
  /** The first login asked for everything held: its replay.gap says what is no longer held, not that the session changed. */
  #firstReplay = false;
  #state: SessionSnapshot | undefined;
  /** The pending requests as a list, kept until they change. */
  #pendingList: readonly PermissionRequestMessage[] = [];
  #replayEnd: number | undefined;

  /** `start`: a position saved earlier, to resume from. */
  constructor(start?: { sessionId: string; lastSeq: number }, options: AttachedSessionOptions = {}) {
    this.#cursor = new SessionCursor(start);
    this.#replayHeld = options.replayHeld === true && start === undefined;
  }

  get sessionId(): string | undefined {
    return this.#cursor.sessionId;
  }

  /** The highest seq delivered (0 before the first). */
  get lastSeq(): number {
    return this.#cursor.lastSeq;
  }

  /** Permission requests still waiting for an answer, oldest first. */
  get pendingPermissions(): PermissionRequestMessage[] {
    return [...this.#pendingList];
  }

  /** The session's state as last reported; undefined before auth.ok. */
  get state(): SessionSnapshot | undefined {
    return this.#state;
  }

  /** All of the above as one value (undefined before the session is known). */
  get view(): SessionView | undefined {
    const sessionId = this.#cursor.sessionId;
    if (!sessionId) return undefined;
    const lastSeq = this.lastSeq;
    const replaying = this.#replayEnd !== undefined && lastSeq < this.#replayEnd;
    return {
      sessionId,
      lastSeq,
      pendingPermissions: this.#pendingList,
      ...(this.#state && { state: this.#state }),
      ...(replaying && { replayEnd: this.#replayEnd }),
    };
  }

  /**
   * What to put in `auth.response.resume`, once there is a session to resume. Asked to replay
   * everything held and not yet in a session: an empty session id with lastSeq 0, which the relay
   * answers with everything it holds (docs/protocol.md, Reconnecting).
   */
  resume(): { sessionId: string; lastSeq: number } | undefined {
    const resume = this.#cursor.resume();
    if (resume === undefined && this.#replayHeld) return { sessionId: "", lastSeq: 0 };
    return resume;
  }

  /**
   * `auth.ok` (or `session.attached`): the session, its state and the requests pending right now.
   * Returns whether the relay runs a different session than the one resumed.
   */
  joined(ok: SessionJoin, { resumed }: { resumed: boolean }): boolean {
    const known = this.#cursor.sessionId !== undefined;
    this.#firstReplay = resumed && !known;
    this.#replayHeld = false;
    const changed = this.#cursor.join(ok.sessionId, { resumed, lastSeq: ok.lastSeq });
    this.#snapshot(ok.state);
    this.#replayEnd = ok.lastSeq;
    return known && changed && resumed;
  }

  /**
   * `session.attached` (v2): the state and the requests pending now. A session followed from a
   * known position stays there (the replay asked for follows this answer); one followed afresh (no
   * position yet) joins here as at auth.ok — from everything held (`replayHeld`), or live from the
   * answer's `lastSeq`.
   */
  attached(message: SessionAttachedMessage): void {
    if (this.#cursor.sessionId === undefined) {
      this.joined(message, { resumed: this.resume() !== undefined });
      return;
    }
    this.#snapshot(message.state);
    this.#replayEnd = message.lastSeq;
  }

  /** `session.configured`: the mode and model taken (the session.state that follows says the same). */
  configured(message: Pick<SessionConfiguredMessage, "permissionMode" | "model">): void {
    if (!this.#state) return;
    const { permissionMode, model } = message;
    this.#state = { ...this.#state, permissionMode, ...(model !== undefined && { model }) };
  }

  /** The connection is gone: the replay it carried will not finish (the next login asks anew). */
  connectionLost(): boolean {
    const replaying = this.#replayEnd !== undefined && this.lastSeq < this.#replayEnd;
    this.#replayEnd = undefined;
    return replaying;
  }

  #snapshot(snapshot: SessionJoin["state"]): void {
    this.#pending.clear();
    for (const request of snapshot.pendingPermissions) this.#pending.set(request.requestId, request);
    this.#pendingChanged();
    this.#state = snapshotOf(snapshot);
  }

  #pendingChanged(): void {
    this.#pendingList = [...this.#pending.values()].sort((a, b) => a.seq - b.seq);
  }

  /**
   * The relay announced events it will not send. Returns the gap as the client should report it,
   * or undefined when there is nothing to report (an empty gap in answer to a first full replay).
   */
  gapAnnounced(gap: ReplayGapMessage): ReplayGapMessage | undefined {
    this.#cursor.adopt(gap.sessionId);
    this.#cursor.skip(gap);
    if (!this.#firstReplay) return gap;
    this.#firstReplay = false;
    // We asked for everything from the start: what is missing fell out of the relay's buffer.
    return gap.toSeq < gap.fromSeq ? undefined : { ...gap, reason: "evicted" };
  }

  /** Decides on one session event; a delivered one updates the pending requests and the state. */
  accept(event: SessionEventMessage): CursorVerdict {
    const verdict = this.#cursor.accept(event.sessionId, event.seq);
    if (!verdict.deliver) return verdict;
    this.#firstReplay = false;
    if (event.type === "permission.request") {
      this.#pending.set(event.requestId, event);
      this.#pendingChanged();
    }
    if (event.type === "permission.resolved" && this.#pending.delete(event.requestId)) this.#pendingChanged();
    if (event.type === "session.state") {
      this.#state = { ...snapshotOf(event), restarts: event.restarts };
    }
    return verdict;
  }
}

function snapshotOf(state: SessionJoin["state"] | SessionStateMessage): SessionSnapshot {
  const { claudeAuthError, permissionMode, model, devices } = state;
  return {
    state: state.state,
    claudePid: state.claudePid,
    clients: state.clients,
    ...(devices !== undefined && { devices }),
    ...(claudeAuthError && { claudeAuthError }),
    ...(permissionMode !== undefined && { permissionMode }),
    ...(model !== undefined && { model }),
  };
}
