/**
 * What a session needs from its neighbours and what it tells them: the Claude supervisor
 * (src/claude) and client connections (src/server) as the session sees them, the conversation
 * messages it handles, and what it reports to the session manager (list entries, health, changes).
 * Kept apart from the session so that the manager, the relay and test fakes can name them without
 * the session's internals.
 *
 * @example
 * ```ts
 * const claude: ClaudePort = new ClaudeSupervisor({ bin, cwd, sessionId, logger });
 * const observer: SessionObserver = { prompted: (text) => title(text), stateChanged: (state) => idle.update(state) };
 * ```
 */
import type { PermissionAnswer, PermissionRequest } from "../claude/stream-json.ts";
import type { ClaudeState, ControlResult, SupervisorEvents } from "../claude/supervisor.ts";
import type { Logger } from "../log/logger.ts";
import type { ErrorCode } from "../protocol/errors.ts";
import type { KeyIdentity, PromptImage } from "../protocol/message-parts.ts";
import type { ClientMessage, SessionCapabilities, SessionInfo, SessionStateName } from "../protocol/messages.ts";

/** What the session needs from the Claude supervisor (src/claude). */
export interface ClaudePort {
  readonly state: ClaudeState;
  readonly pid: number | undefined;
  readonly restarts: number;
  /** Starts Claude (from `stopped`); it resumes the conversation when Claude has persisted it. */
  start(): Promise<void>;
  /** Ends Claude's whole process tree; the supervisor is `stopped` afterwards. */
  stop(): Promise<void>;
  /** Stops Claude for idleness: prompts sent meanwhile wait in its queue and start it again once it has stopped. */
  suspend(): Promise<void>;
  /** Subscribes to the supervisor's events; returns the unsubscribe function. */
  on<K extends keyof SupervisorEvents>(name: K, listener: (...args: SupervisorEvents[K]) => void): () => void;
  /** Sends (or, while Claude starts, restarts or is suspended, queues) a prompt; a refusal (failed, stopping, queue full) says why. */
  prompt(text: string, images?: readonly PromptImage[]): { ok: true } | { ok: false; reason: string };
  /** Sends a control request to the running Claude (`set_permission_mode`, `set_model`) and resolves with its answer. */
  control(subtype: string, fields?: Record<string, unknown>): Promise<ControlResult>;
  /** Interrupts the current turn; false when no running Claude can be interrupted. */
  interrupt(): boolean;
  /** Writes an answer to the running Claude; false when no Claude runs to receive it. */
  answerPermission(request: Pick<PermissionRequest, "requestId" | "input">, answer: PermissionAnswer): boolean;
}

/** What the session needs from a client connection (src/server's Connection): who it is, and a way to send it frames. */
export interface SessionClient {
  readonly clientId: string;
  /** The key it proved; undefined until it authenticated. */
  readonly key: KeyIdentity | undefined;
  /** A logger whose lines carry the client's context. */
  readonly log: Logger;
  /** Sends one serialized frame; false when it was not sent (closed, or cut off as a slow consumer). */
  send(frame: string): boolean;
  /** Sends several frames with their writes coalesced. */
  sendBatch(frames: readonly string[]): void;
  sendError(code: ErrorCode, message: string, id?: string): void;
}

/** The client messages a session handles itself: the conversation. */
export type ConversationMessage = Extract<ClientMessage, { type: "prompt" | "permission.response" | "interrupt" }>;

/** Told what a list of sessions shows about this one (its title, its last activity). */
export interface SessionObserver {
  /** A prompt was sent to Claude. */
  prompted(text: string): void;
  /** The state clients see changed (not only its client count), or the permission mode or model. */
  stateChanged(state: SessionStateName): void;
  /** Claude (re)started and told its models and slash commands, and they differ from before. */
  capabilities?(capabilities: SessionCapabilities): void;
}

/** What a list of sessions shows that the session itself knows. */
export type SessionSummary = Pick<SessionInfo, "sessionId" | "state" | "clients" | "devices" | "permissionMode" | "model">;

/** A session's part of `/healthz` and `/metrics`. */
export interface SessionHealth {
  state: SessionStateName;
  clients: number;
  claudePid: number;
  sessionId: string;
  restarts: number;
  pendingPermissions: number;
  replay: { events: number; bytes: number; oldestSeq: number; lastSeq: number };
  /** Why this session cannot fully serve its clients now; empty when it can. */
  degraded: string[];
}

/** The `device` field of an event a client caused: the name its key goes by. */
export function deviceOf(client: SessionClient): { device: string } | undefined {
  return client.key && { device: client.key.device };
}
