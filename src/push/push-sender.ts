/**
 * Sends Web Push messages off the session's path: `send()` only queues and returns, the POSTs run
 * in the background. Each message is encrypted for its subscription (RFC 8291 `aes128gcm`) and
 * signed for the push service (RFC 8292 VAPID: a JWT whose `aud` is the endpoint's origin, `exp`
 * 12 h ahead, `sub` the relay's contact) by web-push-neo, a WebCrypto implementation that runs
 * alike on Bun, Deno and in the compiled binary; the relay POSTs the request itself with fetch,
 * so the runtime's trust store applies (the system's CAs; `NODE_EXTRA_CA_CERTS` on Bun).
 *
 * Answers are handled as push-response.ts says: a gone subscription is forgotten (`onGone`), 429
 * and 5xx are retried (Retry-After honoured) up to {@link PushSenderOptions.maxAttempts} times.
 * At most `maxPending` messages wait or travel at once; beyond that new ones are dropped and
 * logged, so a dead push service can never pile up memory.
 *
 * @example
 * ```ts
 * const sender = new PushSender({ vapid, subject: "mailto:me@example.com", log, onGone: (endpoint) => store.forget(endpoint) });
 * sender.send(subscription, pushMessage(notification));
 * await sender.close(); // at shutdown
 * ```
 */
import { generateRequestDetails } from "web-push-neo";
import type { Logger } from "../log/logger.ts";
import { type Clock, systemClock } from "../shared/clock.ts";
import type { PushMessage } from "./payload.ts";
import { pushOutcome, retryDelayMs } from "./push-response.ts";
import { endpointOrigin, type StoredSubscription } from "./subscription.ts";
import type { VapidKeys } from "./vapid-keys.ts";

/** How the relay POSTs: fetch, or (in tests) fetch trusting a test CA. */
export type PushPost = (
  url: string,
  init: { method: "POST"; headers: Record<string, string>; body: Uint8Array<ArrayBuffer>; signal: AbortSignal },
) => Promise<Response>;

export interface PushSenderOptions {
  vapid: VapidKeys;
  /** The VAPID `sub`: a mailto: or https: URL where the push service can reach the relay's owner. */
  subject: string;
  log: Logger;
  /** The push service said the subscription no longer exists (404/410). */
  onGone: (endpoint: string) => void;
  /** Called when a POST got a 2xx (for measurements and tests). */
  onDelivered?: (endpoint: string) => void;
  post?: PushPost;
  clock?: Clock;
  /** Messages waiting or in flight at most. Default 256. */
  maxPending?: number;
  /** POSTs per message at most (the first and the retries). Default 5. */
  maxAttempts?: number;
  /** One POST may take this long. Default 15 s. */
  timeoutMs?: number;
}

export class PushSender {
  readonly #options: PushSenderOptions;
  readonly #post: PushPost;
  readonly #clock: Clock;
  readonly #running = new Set<Promise<void>>();
  /** Retry waits, each with what ends it early. */
  readonly #waits = new Map<unknown, (goOn: boolean) => void>();
  #closed = false;

  constructor(options: PushSenderOptions) {
    this.#options = options;
    this.#post = options.post ?? ((url, init) => fetch(url, init));
    this.#clock = options.clock ?? systemClock;
  }

  /** Messages waiting or in flight. */
  get pending(): number {
    return this.#running.size;
  }

  /** Queues `message` for `subscription`; returns at once. */
  send(subscription: StoredSubscription, message: PushMessage): void {
    if (this.#closed) return;
    const max = this.#options.maxPending ?? 256;
    if (this.#running.size >= max) {
      this.#options.log.warn("push dropped: too many pushes waiting (is the push service down?)", { endpoint: endpointOrigin(subscription.endpoint), max });
      return;
    }
    const job = this.#deliver(subscription, message)
      .catch((error: unknown) => this.#options.log.error("push: unexpected failure", { endpoint: endpointOrigin(subscription.endpoint), error: String(error) }))
      .finally(() => this.#running.delete(job));
    this.#running.add(job);
  }

  /** Stops retrying; POSTs in flight get up to `graceMs` to end. */
  async close(graceMs = 2000): Promise<void> {
    this.#closed = true;
    for (const [timer, resolve] of this.#waits) {
      this.#clock.clearTimeout(timer);
      resolve(false);
    }
    this.#waits.clear();
    if (this.#running.size === 0) return;
    let timer: unknown;
    const deadline = new Promise<void>((resolve) => (timer = this.#clock.setTimeout(resolve, graceMs)));
    await Promise.race([Promise.all(this.#running), deadline]);
    this.#clock.clearTimeout(timer);
  }

  async #deliver(subscription: StoredSubscription, message: PushMessage): Promise<void> {
    const { log, vapid, subject } = this.#options;
    const maxAttempts = this.#options.maxAttempts ?? 5;
    const fields = { endpoint: endpointOrigin(subscription.endpoint), kind: message.payload.kind, sessionId: message.payload.sessionId };
    for (let attempt = 1; attempt <= maxAttempts && !this.#closed; attempt++) {
      // Built afresh for each attempt: a new salt and key per encryption, a JWT that has not aged.
      const request = await generateRequestDetails(subscription, JSON.stringify(message.payload), {
        TTL: message.ttl,
        urgency: message.urgency,
        vapidDetails: { subject, publicKey: vapid.publicKey, privateKey: vapid.privateKey },
      });
      let response: Response;
      try {
        response = await this.#post(request.endpoint, {
          method: "POST",
          headers: request.headers,
          body: request.body!,
          signal: AbortSignal.timeout(this.#options.timeoutMs ?? 15_000),
        });
        await response.body?.cancel();
      } catch (error) {
        log.warn("push: the push service could not be reached", { ...fields, attempt, error: String(error) });
        if (!(await this.#wait(retryDelayMs(attempt)))) return;
        continue;
      }
      const outcome = pushOutcome(response.status, response.headers.get("retry-after"), this.#clock.now());
      if (outcome.kind === "delivered") {
        log.debug("push delivered", { ...fields, status: response.status, attempt });
        return this.#options.onDelivered?.(subscription.endpoint);
      }
      if (outcome.kind === "gone") {
        log.info("push subscription gone: forgotten", { ...fields, status: response.status });
        return this.#options.onGone(subscription.endpoint);
      }
      if (outcome.kind === "failed") return log.warn("push refused by the push service", { ...fields, status: response.status });
      log.info("push service busy: retrying", { ...fields, status: response.status, attempt, retryAfterMs: outcome.afterMs });
      if (attempt < maxAttempts && !(await this.#wait(outcome.afterMs ?? retryDelayMs(attempt)))) return;
    }
    if (!this.#closed) log.warn("push given up", { ...fields, attempts: maxAttempts });
  }

  /** Waits `ms`; false when the sender closed meanwhile. */
  #wait(ms: number): Promise<boolean> {
    return new Promise((resolve) => {
      const timer = this.#clock.setTimeout(() => {
        this.#waits.delete(timer);
        resolve(!this.#closed);
      }, ms);
      this.#waits.set(timer, resolve);
    });
  }
}
