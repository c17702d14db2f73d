/**
 * The page's answers to Claude: permission requests allowed, denied or answered (AskUserQuestion),
 * and the interrupt of a turn. They go only to a logged-in client: unlike prompts (outbox.ts),
 * they are not queued.
 *
 * @example
 * ```ts
 * const answers = new PermissionAnswers(store, () => client);
 * answers.allow(request);
 * answers.deny(request, "not that file");
 * answers.interrupt();
 * ```
 */
import type { PermissionRequestMessage, RelayClient } from "../../client/client.ts";
import { allowForSession, type PermissionAnswer, permissionResponse, questionAnswer } from "../../client/permission-answers.ts";
import type { ClientMessage } from "../../protocol/messages.ts";
import type { AppStore } from "../state/store.ts";

export class PermissionAnswers {
  readonly #store: AppStore;
  readonly #client: () => RelayClient | undefined;

  constructor(store: AppStore, client: () => RelayClient | undefined) {
    this.#store = store;
    this.#client = client;
  }

  allow(request: PermissionRequestMessage): void {
    this.#answer(request, { behavior: "allow", updatedInput: request.input });
  }

  /** Allows it and what Claude suggested with it, for as long as the session's Claude runs. */
  allowForSession(request: PermissionRequestMessage): void {
    const answer = allowForSession(request);
    if (answer) this.#answer(request, { ...answer, updatedInput: request.input });
  }

  /** Answers Claude's AskUserQuestion: its input plus the answers, from each question's text to the label(s) or text chosen. */
  answer(request: PermissionRequestMessage, answers: Record<string, string>): void {
    this.#answer(request, questionAnswer(request, answers));
  }

  deny(request: PermissionRequestMessage, message?: string): void {
    this.#answer(request, { behavior: "deny", ...(message && { message }) });
  }

  /** Interrupts Claude's turn in the shown session. */
  interrupt(): void {
    const sessionId = this.#store.activeSessionId.value;
    if (sessionId !== undefined) this.#send({ type: "interrupt", sessionId });
  }

  /** Answers a permission request of the session it belongs to (always named: the page follows several). */
  #answer(request: PermissionRequestMessage, answer: PermissionAnswer): void {
    this.#send(permissionResponse(request.requestId, answer, { sessionId: request.sessionId }));
  }

  /** Sends now if logged in (answers and commands are not queued). */
  #send(message: ClientMessage): void {
    const client = this.#client();
    if (client?.state === "open") client.send(message);
  }
}
