/**
 * A session's permission requests from request to resolution. Each request Claude asks is
 * published to the clients and kept in the session's one pending table; the first valid answer
 * wins and goes to Claude; Claude's withdrawal, an interrupt, or a Claude that died or stops
 * resolves what is pending as cancelled, once. The session publishes its state after each change.
 *
 * @example
 * ```ts
 * const permissions = new SessionPermissions({ sessionId, claude, events, publish: (event) => fanOut.publish(event), permissionModes });
 * permissions.requested(request, log);                        // permission.request to every client
 * permissions.answer(phone, { type: "permission.response", requestId, behavior: "allow" }); // true: resolved
 * permissions.withdrawAll("relay");                           // Claude died: the rest are cancelled
 * ```
 */
import type { PermissionAnswer, PermissionRequest } from "../claude/stream-json.ts";
import type { Logger } from "../log/logger.ts";
import type { UnnumberedEvent } from "../protocol/messages.ts";
import { checkPermissionUpdates } from "./permission-updates.ts";
import { PendingPermissions, type PermissionRequestMessage } from "./permissions.ts";
import type { ReplayBuffer } from "./replay-buffer.ts";
import { type ClaudePort, type ConversationMessage, deviceOf, type SessionClient } from "./session-ports.ts";

export interface PermissionFlowOptions {
  sessionId: string;
  claude: Pick<ClaudePort, "answerPermission">;
  /** The session's numbering: a request is listed with the seq it was published at. */
  events: Pick<ReplayBuffer, "lastSeq">;
  /** Numbers an event and sends it to the session's clients. */
  publish: (event: UnnumberedEvent) => void;
  /** The permission modes clients may choose (an answer's `setMode` updates are checked against them). */
  permissionModes: readonly string[];
}

export class SessionPermissions {
  readonly #options: PermissionFlowOptions;
  readonly #pending = new PendingPermissions();

  constructor(options: PermissionFlowOptions) {
    this.#options = options;
  }

  get size(): number {
    return this.#pending.size;
  }

  /** The pending requests in arrival order (for auth.ok and session.attached). */
  list(): PermissionRequestMessage[] {
    return this.#pending.list();
  }

  /** Claude asks to use a tool: every client is told, and the request waits for the first answer. */
  requested(request: PermissionRequest, log: Logger, clients: number): void {
    const { sessionId, events, publish } = this.#options;
    publish({ type: "permission.request", ...request });
    this.#pending.add({ type: "permission.request", sessionId, seq: events.lastSeq, ...request });
    log.info("permission requested", { requestId: request.requestId, toolName: request.toolName, clients });
  }

  /** Claude withdrew a request (control_cancel_request); false when it was already answered or withdrawn. */
  cancelled(requestId: string): boolean {
    if (!this.#pending.take(requestId)) return false;
    this.#options.publish({ type: "permission.resolved", requestId, behavior: "cancelled", by: "claude" });
    return true;
  }

  /**
   * A client's answer: the first valid one resolves the request (cancelled by the relay when no
   * Claude runs to receive it). An answer to no pending request, or with updates clients may not
   * choose, is refused with an error to that client and changes nothing. True when resolved.
   */
  answer(connection: SessionClient, message: Extract<ConversationMessage, { type: "permission.response" }>): boolean {
    if (!this.#pending.peek(message.requestId)) {
      const shown = JSON.stringify(message.requestId);
      connection.sendError("unknown_permission", `no pending permission request ${shown}; it was already answered or withdrawn`, message.id);
      return false;
    }
    // a refused answer leaves the request pending: the client may answer it again
    const refused = message.updatedPermissions && checkPermissionUpdates(message.updatedPermissions, this.#options.permissionModes);
    if (refused) {
      connection.sendError("invalid_message", `permission.response: ${refused}`, message.id);
      return false;
    }
    const request = this.#pending.take(message.requestId)!;
    const answer: PermissionAnswer = { behavior: message.behavior };
    if (message.message !== undefined) answer.message = message.message;
    if (message.updatedInput !== undefined) answer.updatedInput = message.updatedInput;
    if (message.updatedPermissions !== undefined) answer.updatedPermissions = message.updatedPermissions;
    const delivered = this.#options.claude.answerPermission(request, answer);
    connection.log.info("permission answered", {
      requestId: message.requestId,
      toolName: request.toolName,
      behavior: message.behavior,
      delivered,
      updatedPermissions: message.updatedPermissions?.length,
    });
    this.#options.publish({
      type: "permission.resolved",
      requestId: message.requestId,
      behavior: delivered ? message.behavior : "cancelled",
      ...(delivered ? { by: connection.clientId, ...deviceOf(connection) } : { by: "relay" }),
    });
    return true;
  }

  /** Withdraws every pending request, by the relay or by the client whose interrupt it was (named by its device). */
  withdrawAll(by: "relay" | SessionClient): void {
    const who = by === "relay" ? { by } : { by: by.clientId, ...deviceOf(by) };
    for (const request of this.#pending.takeAll()) {
      this.#options.publish({ type: "permission.resolved", requestId: request.requestId, behavior: "cancelled", ...who });
    }
  }
}
