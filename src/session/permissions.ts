/**
 * The table of permission requests waiting for an answer: the only one in the relay (the
 * supervisor keeps none). Any client may answer; the first valid answer wins and every later one
 * finds nothing.
 *
 * @example
 * ```ts
 * const table = new PendingPermissions();
 * table.add({ type: "permission.request", sessionId: "s", seq: 4, requestId: "r1", toolName: "Write", input: {}, toolUseId: "t1" });
 * table.take("r1"); // the request: this answer wins
 * table.take("r1"); // undefined: a later answer gets unknown_permission
 * ```
 */

import type { ServerMessage } from "../protocol/messages.ts";

/** The permission.request session event sent to clients (and listed in auth.ok). */
export type PermissionRequestMessage = ServerMessage<"permission.request">;

export class PendingPermissions {
  readonly #pending = new Map<string, PermissionRequestMessage>();

  get size(): number {
    return this.#pending.size;
  }

  add(message: PermissionRequestMessage): void {
    this.#pending.set(message.requestId, message);
  }

  /** The request if it is still pending, left pending (an answer is checked before it takes the request). */
  peek(requestId: string): PermissionRequestMessage | undefined {
    return this.#pending.get(requestId);
  }

  /** Removes and returns the request if it is still pending. */
  take(requestId: string): PermissionRequestMessage | undefined {
    const message = this.#pending.get(requestId);
    this.#pending.delete(requestId);
    return message;
  }

  /** Removes and returns every pending request (Claude died, or the turn was interrupted). */
  takeAll(): PermissionRequestMessage[] {
    const all = this.list();
    this.#pending.clear();
    return all;
  }

  /** The pending requests in arrival order. */
  list(): PermissionRequestMessage[] {
    return [...this.#pending.values()];
  }
}
