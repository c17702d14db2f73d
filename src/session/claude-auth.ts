/**
 * Whether a session's Claude can authenticate to the API, from what Claude tells at start and in
 * each turn. A problem is logged once, with what to do, when it appears, and shown in
 * session.state and /healthz until a turn succeeds. At start, credentials being present only
 * clears "not logged in": present credentials may still be refused.
 *
 * @example
 * ```ts
 * const auth = new ClaudeAuth(log);
 * if (auth.observe(credentialsSignal(event), "turn")) publishState(); // changed
 * auth.problem; // { reason: "not_logged_in", message: "…" } or undefined
 * ```
 */
import type { ClaudeAuthProblem } from "../claude/credentials.ts";
import type { Logger } from "../log/logger.ts";

export class ClaudeAuth {
  readonly #log: Logger;
  #problem: ClaudeAuthProblem | undefined;

  constructor(log: Logger) {
    this.#log = log;
  }

  /** Why Claude cannot authenticate now; undefined when it can (as far as is known). */
  get problem(): ClaudeAuthProblem | undefined {
    return this.#problem;
  }

  /** Takes what Claude told (nothing, "ok", or a problem); true when whether it can authenticate changed. */
  observe(signal: ClaudeAuthProblem | "ok" | undefined, from: "start" | "turn"): boolean {
    if (signal === undefined) return false;
    const current = this.#problem;
    if (signal === "ok") {
      if (!current || (from === "start" && current.reason !== "not_logged_in")) return false;
      this.#problem = undefined;
      this.#log.info("Claude Code can authenticate again", { was: current.reason });
    } else {
      if (current?.reason === signal.reason) return false;
      this.#problem = signal;
      this.#log.warn(signal.message, { reason: signal.reason });
    }
    return true;
  }
}
