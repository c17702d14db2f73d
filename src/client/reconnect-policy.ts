/**
 * Whether a client reconnects after losing a connection, and when (pure): what happened goes in
 * (close code, the relay's error or this side's failure, the retry streak so far), a decision
 * comes out — retry after N ms, or give up with a reason a program can branch on.
 *
 * The rules, in order:
 * - a failure on this side (unusable URL, the key cannot sign, a refused challenge) never gets
 *   better by retrying;
 * - 4401 / `auth_failed`: the key is not authorized — retrying would only count as more failed logins;
 * - 4408 / `auth_timeout`: once may be a slow agent (a confirmation prompt); twice in a row is not
 *   going to get better;
 * - anything else before the first `auth.ok` means the relay is not there: report it at once
 *   rather than retry a typo for 25 minutes;
 * - after that: back off (backoff.ts) until `maxAttempts` or `giveUpAfterMs` are used up;
 * - with `keepTrying` (backoff.ts) only a failure on this side ends it: a refused key is retried
 *   slowly ({@link REFUSED_RETRY}, for a page waiting for its key to be added), anything else with
 *   the backoff, without limit.
 *
 * @example
 * ```ts
 * const decision = decideReconnect(
 *   { closeCode: 1006, everAuthenticated: true, attempts: 0, authTimeouts: 0, elapsedMs: 0 },
 *   backoffSettings(), Math.random(),
 * );
 * // { action: "retry", delayMs: 250…500, attempt: 1, authTimeouts: 0 }
 * ```
 */
import { CLOSE_CODES } from "../protocol/errors.ts";
import { type BackoffSettings, backoffDelay } from "./backoff.ts";

/** How often `keepTrying` retries a refused key: every 3 s, doubling up to 15 s (the relay allows some failed logins a minute). */
export const REFUSED_RETRY = { firstMs: 3000, maxMs: 15_000 } as const;

/** Failures on the client's side that end a connection. */
export type LocalFailure = "invalid_url" | "signer_failed" | "challenge_refused";

/** One lost connection, and the streak of failed attempts since the last `auth.ok`. */
export interface ConnectionLoss {
  /** WebSocket close code (1006: the network; 4000: this client gave up on a silent relay; 0: never opened). */
  closeCode: number;
  /** Code of the `error` frame the relay sent just before closing, if any (e.g. `slow_consumer`). */
  relayError?: string;
  /** Why this side ended the connection, if it did so for good. */
  localFailure?: LocalFailure;
  /** The client has been authenticated at least once (reconnecting, not connecting). */
  everAuthenticated: boolean;
  /** Retries already made since the last `auth.ok`. */
  attempts: number;
  /** `auth_timeout` losses in a row since the last `auth.ok`, this one not counted. */
  authTimeouts: number;
  /** Time since the first loss after the last `auth.ok`. */
  elapsedMs: number;
}

/** Why a client stopped trying (each is a `RelayClientError` code). */
export type GiveUpReason = "auth_failed" | "auth_timeout" | "unreachable" | "gave_up" | "connection_lost" | "signer_failed" | "challenge_refused";

export type ReconnectDecision =
  /** Try again after `delayMs`; `attempt` and `authTimeouts` are the streak after this loss. */
  { action: "retry"; delayMs: number; attempt: number; authTimeouts: number } | { action: "give_up"; reason: GiveUpReason };

/**
 * Decides on one lost connection. `backoff` undefined: reconnecting is off. `random` in [0, 1)
 * spreads the delay (see backoff.ts).
 *
 * @example
 * decideReconnect({ closeCode: 4401, everAuthenticated: true, attempts: 0, authTimeouts: 0, elapsedMs: 0 }, backoffSettings(), 0);
 * // { action: "give_up", reason: "auth_failed" }
 */
export function decideReconnect(loss: ConnectionLoss, backoff: BackoffSettings | undefined, random: number): ReconnectDecision {
  if (loss.localFailure) return giveUp(loss.localFailure === "invalid_url" ? "unreachable" : loss.localFailure);
  const refused = loss.closeCode === CLOSE_CODES.authFailed || loss.relayError === "auth_failed";
  if (backoff?.keepTrying) {
    const delayMs = refused ? Math.min(REFUSED_RETRY.maxMs, REFUSED_RETRY.firstMs * 2 ** loss.attempts) : backoffDelay(backoff, loss.attempts, random);
    return { action: "retry", delayMs, attempt: loss.attempts + 1, authTimeouts: 0 };
  }
  if (refused) return giveUp("auth_failed");
  const authTimedOut = loss.closeCode === CLOSE_CODES.authTimeout || loss.relayError === "auth_timeout";
  const authTimeouts = authTimedOut ? loss.authTimeouts + 1 : loss.authTimeouts;
  if (authTimeouts > 1) return giveUp("auth_timeout");
  if (!loss.everAuthenticated && !authTimedOut) return giveUp("unreachable");
  if (!backoff) {
    // Reconnecting is off, but a first login that timed out once still gets its second chance.
    return loss.everAuthenticated ? giveUp("connection_lost") : { action: "retry", delayMs: 0, attempt: loss.attempts + 1, authTimeouts };
  }
  if (loss.attempts >= backoff.maxAttempts || loss.elapsedMs >= backoff.giveUpAfterMs) return giveUp("gave_up");
  return { action: "retry", delayMs: backoffDelay(backoff, loss.attempts, random), attempt: loss.attempts + 1, authTimeouts };
}

function giveUp(reason: GiveUpReason): ReconnectDecision {
  return { action: "give_up", reason };
}
