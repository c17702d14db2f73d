/**
 * Why a client failed: an error with a code a program can branch on and a message a person can
 * act on, and the words for a connection the client gave up on.
 *
 * @example
 * ```ts
 * try {
 *   await client.connect(url);
 * } catch (error) {
 *   if (error instanceof RelayClientError && error.code === "auth_failed") console.error("add your key: " + error.message);
 * }
 * ```
 */
import { authorizedKeysLine } from "./key-line.ts";
import type { ErrorMessage } from "./messages.ts";
import type { GiveUpReason } from "./reconnect-policy.ts";
import type { ChallengeSigner } from "./signer.ts";

export type RelayClientErrorCode = GiveUpReason | "closed" | "not_connected" | "queue_full" | "timeout" | "no_websocket" | "unknown_session";

/** Why the client failed, with a code a program can branch on and a message a person can act on. */
export class RelayClientError extends Error {
  override readonly name = "RelayClientError";
  constructor(
    readonly code: RelayClientErrorCode,
    message: string,
    readonly closeCode?: number,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/**
 * The relay refused one request (its `error` frame echoed the request's `id`): `code` is the
 * relay's (`invalid_session_dir`, `too_many_sessions`, `unknown_session` …), the message its words.
 *
 * @example
 * ```ts
 * try {
 *   await client.createSession("/etc");
 * } catch (error) {
 *   if (error instanceof RelayRequestError && error.code === "invalid_session_dir") console.error(error.message);
 * }
 * ```
 */
export class RelayRequestError extends Error {
  override readonly name = "RelayRequestError";
  readonly code: string;
  constructor(readonly relayError: ErrorMessage) {
    super(relayError.message);
    this.code = relayError.code;
  }
}

/** What the client knows about the connection it gave up on. */
export interface GiveUpContext {
  url: string;
  signer: Pick<ChallengeSigner, "fingerprint" | "source" | "publicKey" | "comment">;
  closeCode: number;
  closeReason: string;
  /** The relay's last `error` frame on that connection. */
  relayError?: ErrorMessage;
  /** This side's own account, when it ended the connection itself (signer, URL, challenge). */
  localMessage?: string;
  /** What made this side end it (e.g. the RelayIdentityError a check before signing threw). */
  localCause?: unknown;
  attempts: number;
  elapsedMs: number;
}

/**
 * The error a client closes with when the reconnect policy gives up.
 *
 * @example
 * giveUpError("gave_up", { url, signer, closeCode: 1006, closeReason: "", attempts: 50, elapsedMs: 1_500_000 }).message;
 * // "gave up reconnecting to ws://… after 50 attempts over 1500 s"
 */
export function giveUpError(reason: GiveUpReason, context: GiveUpContext): RelayClientError {
  const { url, closeCode: code, closeReason, relayError } = context;
  if (context.localMessage !== undefined) {
    return new RelayClientError(reason, context.localMessage, undefined, context.localCause === undefined ? undefined : { cause: context.localCause });
  }
  switch (reason) {
    case "auth_failed":
      return new RelayClientError(reason, authFailedMessage(context.signer), code);
    case "auth_timeout":
      return new RelayClientError(reason, "the relay timed out waiting for our signature twice in a row", code);
    case "unreachable":
      return relayError
        ? new RelayClientError(reason, `the relay at ${url} refused the connection: ${relayError.code}: ${relayError.message}`, code)
        : new RelayClientError(reason, `cannot connect to ${url} (${describeClose(code, closeReason)})`, code);
    case "gave_up":
      return new RelayClientError(
        reason,
        `gave up reconnecting to ${url} after ${context.attempts} attempts over ${Math.round(context.elapsedMs / 1000)} s`,
        code,
      );
    default:
      return new RelayClientError(reason, `connection to ${url} lost (${describeClose(code, closeReason)})`, code);
  }
}

/** What a person should know when the relay refuses the key, and the line that would let it in. */
function authFailedMessage(signer: GiveUpContext["signer"]): string {
  const source = signer.source === "agent" ? "from ssh-agent" : "from the key file";
  return (
    `your key ${signer.fingerprint} (${source}) is not in the relay's authorized_keys, or may not log in from this address: the relay refused it. ` +
    `To let it in, add this line to ~/.ssh/authorized_keys on the relay's machine (claude-relay keys there shows why a line is refused):\n` +
    `  ${authorizedKeysLine(signer.publicKey, signer.comment)}`
  );
}

function describeClose(code: number, reason: string): string {
  if (code === 1006) return `no connection or it dropped${reason ? ` (${reason})` : ""}: is the relay running and the URL right?`;
  return reason ? `close ${code}: ${reason}` : `close ${code}`;
}
