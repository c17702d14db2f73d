/**
 * What a {@link RelayClient} reports and is configured with: its states, the events its listeners
 * get, and what a lost or ended connection says. Kept apart from the client itself so the model of
 * the relay (session-directory.ts) can name the events it emits without importing the facade.
 *
 * @example
 * ```ts
 * import type { RelayClientEvents } from "./client-types.ts";
 * const onJoin = (...[join, info]: RelayClientEvents["joined"]) => console.log(join.sessionId, info.first);
 * ```
 */
import type { Logger } from "../log/silent-logger.ts";
import type { SessionJoin, SessionView } from "./attached-session.ts";
import type { ReconnectBackoffOptions } from "./backoff.ts";
import type { ChallengeCheck } from "./connection.ts";
import type { RelayClientError } from "./errors.ts";
import type {
  AuthOkMessage,
  ClaudeEventMessage,
  ClaudePartialMessage,
  ErrorMessage,
  HistoryMessage,
  PermissionRequestMessage,
  PermissionResolvedMessage,
  PongMessage,
  ReplayGapMessage,
  SessionAttachedMessage,
  SessionCapabilitiesMessage,
  SessionConfiguredMessage,
  SessionCreatedMessage,
  SessionDetachedMessage,
  SessionEventMessage,
  SessionStateMessage,
  SessionStatusMessage,
  SessionStoppedMessage,
  SessionsMessage,
  UserPromptMessage,
} from "./messages.ts";
import type { RelayTls } from "./relay-tls.ts";
import type { ChallengeSigner } from "./signer.ts";
import type { TransportFactory } from "./transport.ts";

/** An image for Claude to see with a prompt (v2): the protocol's own type, named in the library's API. */
export type { PromptImage } from "../protocol/message-parts.ts";

/** How much of a session's past `follow()` asks for: every event the relay holds, or none (live events only). */
export type FollowReplay = "held" | "live";

/** What `events()` yields: every session event in seq order, each once; gaps; errors sent to this client. */
export type RelayEvent = SessionEventMessage | ReplayGapMessage | ErrorMessage;

/**
 * `idle` (before connect) → `connecting` → `authenticating` → `open`; after an unexpected close
 * `reconnecting` → `authenticating` → `open` …; `closed` is final.
 */
export type ClientState = "idle" | "connecting" | "authenticating" | "open" | "reconnecting" | "closed";

/** One lost connection. */
export interface DisconnectInfo {
  code: number;
  reason: string;
  /** The error frame the relay sent just before closing, if any (e.g. slow_consumer, shutting_down). */
  error?: ErrorMessage;
  willReconnect: boolean;
  /** Delay before the next attempt, when reconnecting. */
  delayMs?: number;
  /** Consecutive attempt number of the next try (1 = first retry). */
  attempt?: number;
}

/** The client stopped for good. */
export interface CloseInfo {
  code: number;
  reason: string;
  /** Why, unless `close()` was called. */
  error?: RelayClientError;
}

export type RelayClientEvents = {
  /** Authenticated (first connect and every reconnect); `resumed` when a resume was sent. */
  "auth.ok": [message: AuthOkMessage, info: { resumed: boolean }];
  /**
   * The client joined the session it follows (see `follow`): at auth.ok for the default session,
   * at `session.attached` for another. `resumed`: a replay follows (events up to `lastSeq` are
   * the past); `first`: the first join since the session was chosen (not a reconnect).
   */
  joined: [session: SessionJoin & { lastSeq: number }, info: { resumed: boolean; first: boolean }];
  /** v2: the relay's list of sessions changed (also in `auth.ok.sessions`). */
  sessions: [SessionsMessage];
  /** v2: answers to `session.create`, `attach`, `detach`, `session.stop` and `history.list`. */
  "session.created": [SessionCreatedMessage];
  "session.attached": [SessionAttachedMessage];
  "session.detached": [SessionDetachedMessage];
  "session.stopped": [SessionStoppedMessage];
  /** v2: answer to `configure` (the session's mode and model now). */
  "session.configured": [SessionConfiguredMessage];
  history: [HistoryMessage];
  /** v2: a session's pickers changed (a new Claude process told others). */
  "session.capabilities": [SessionCapabilitiesMessage];
  /**
   * v3, with the `partial` option: Claude's message as it is written (a `stream_event` line, no
   * seq, never replayed); the `claude.event` with the complete `assistant` message supersedes it.
   */
  "claude.partial": [ClaudePartialMessage];
  /** v3, with the `partial` option or after `requestStatus`: a session's context, cost, rate limits, activity and tasks. */
  "session.status": [SessionStatusMessage];
  "claude.event": [ClaudeEventMessage];
  "user.prompt": [UserPromptMessage];
  "permission.request": [PermissionRequestMessage];
  "permission.resolved": [PermissionResolvedMessage];
  "session.state": [SessionStateMessage];
  /** Every session event, in seq order, each seq once. */
  event: [SessionEventMessage];
  /**
   * A followed session changed (joined, attached, an event, a gap, its settings or pickers, a
   * replay cut short): where the client stands in it, its pending requests and state, as one value.
   */
  sessionView: [SessionView];
  /** Events the client will never get (announced by the relay, or detected). */
  "replay.gap": [ReplayGapMessage];
  pong: [PongMessage];
  /** An `error` frame from the relay (to this client, no seq). */
  error: [ErrorMessage];
  /** Every frame received, after deduplication (heartbeat pongs excepted): for logging and `--json`. */
  frame: [Record<string, unknown>];
  state: [state: ClientState, previous: ClientState];
  disconnect: [DisconnectInfo];
  close: [CloseInfo];
  /** Something odd but survivable: an invalid frame, a dropped duplicate, a detected gap. */
  warning: [message: string];
};

/** Emits one client event (the facade's emitter, as the model sees it). */
export type EmitClientEvent = <K extends keyof RelayClientEvents>(name: K, ...args: RelayClientEvents[K]) => void;

export interface RelayClientOptions {
  /** Answers the challenge (see `openSigner`). The client does not close it. */
  signer: ChallengeSigner;
  /** Reconnect after unexpected closes (default on). `false` ends the client at the first drop. */
  reconnect?: boolean | ReconnectBackoffOptions;
  /** Continue an earlier session: the first auth.response already carries this resume. */
  resume?: { sessionId: string; lastSeq: number };
  /**
   * Follow this session instead of the default one: its id, or the start of it when that names one
   * session (see `follow`). `connect()` rejects with `unknown_session` when the relay has none such.
   */
  session?: string;
  /**
   * Without `resume`: ask at the first login for every event the relay still holds, so what
   * happened before joining is delivered first (events up to `auth.ok.lastSeq`), then live ones.
   * What the relay no longer holds is reported as a `replay.gap` (reason `evicted`).
   */
  replayHeld?: boolean;
  /**
   * v3: the live view of every session followed: `claude.partial` (Claude's text as it is
   * written) and `session.status` events. Sent with the login and every `session.attach`.
   */
  partial?: boolean;
  /** WebSocket open + authentication must finish within this. Default 15 s. */
  connectTimeoutMs?: number;
  /** Application pings to notice a dead network; `false` disables. Default every 15 s, dead after 45 s of silence. */
  heartbeat?: false | { intervalMs?: number; timeoutMs?: number };
  /** Messages sent while reconnecting are queued up to this many, then sent after auth.ok. Default 100. */
  maxQueuedMessages?: number;
  /** Outstanding `ping()` calls. Default 16. */
  maxPendingPings?: number;
  /** Checks each challenge before it is signed; throwing refuses it (`challenge_refused`, no reconnect). */
  checkChallenge?: ChallengeCheck;
  /**
   * TLS with the relay's certificate checked before signing: `relayTls({ fingerprint })`,
   * `relayTls({ knownRelays })` or `relayTls()` (relay-tls.ts; Node.js, Bun, Deno). Its check runs
   * before `checkChallenge`; its transport is used unless `transport` is given.
   */
  tls?: RelayTls;
  /** How to reach the relay. Default: the global `WebSocket` (see `webSocketTransportFor` for runtimes without one). */
  transport?: TransportFactory;
  log?: Logger;
}
