/**
 * The page's prompts on their way to the relay: each waits in the store's outbox until a
 * logged-in client takes it, so a prompt written offline (or while the key is not authorized yet)
 * goes on the next login.
 *
 * @example
 * ```ts
 * const outbox = new PromptOutbox(store, () => client);
 * outbox.prompt("Run the tests"); // sent now if logged in, else it waits
 * client.on("auth.ok", () => outbox.resend());
 * ```
 */
import { type RelayClient, RelayClientError } from "../../client/client.ts";
import type { PromptImage } from "../../protocol/message-parts.ts";
import type { AppStore, OutgoingPrompt } from "../state/store.ts";

export class PromptOutbox {
  readonly #store: AppStore;
  readonly #client: () => RelayClient | undefined;
  #counter = 0;

  constructor(store: AppStore, client: () => RelayClient | undefined) {
    this.#store = store;
    this.#client = client;
  }

  /** Sends a prompt (and its images) to the shown session; while no connection can take it, it waits in the outbox and goes on the next login. */
  prompt(text: string, images: readonly PromptImage[] = []): void {
    const sessionId = this.#store.activeSessionId.value;
    if (sessionId === undefined) return;
    const prompt = {
      id: `web-${Date.now().toString(36)}-${++this.#counter}`,
      sessionId,
      text,
      ...(images.length > 0 && { images }),
      state: "waiting" as const,
    };
    this.#store.queuePrompt(prompt);
    this.#send(prompt);
  }

  /** Sends the prompts still waiting: called on each login. */
  resend(): void {
    for (const prompt of this.#store.outbox.value) if (prompt.state === "waiting") this.#send(prompt);
  }

  /** Whether `id` is a prompt's (a refusal naming it is the prompt's, not a request's). */
  holds(id: string): boolean {
    return this.#store.outbox.value.some((prompt) => prompt.id === id);
  }

  #send({ id, sessionId, text, images }: OutgoingPrompt): void {
    // Only a logged-in client: one still logging in or reconnecting would queue it in memory it
    // drops if that login fails (key refused, rate limited); the outbox keeps it for auth.ok.
    const client = this.#client();
    if (client?.state !== "open") return;
    try {
      client.send({ type: "prompt", text, id, sessionId, ...(images && { images: [...images] }) });
      this.#store.markSent(id);
    } catch (error) {
      if (!(error instanceof RelayClientError)) throw error; // closed meanwhile: it stays waiting
    }
  }
}
