/**
 * `claude-relay connect`'s exit codes, and which one a failure gets (pure).
 *
 * | code | meaning |
 * | --- | --- |
 * | 0 | done: the turn succeeded, or /quit, end of input |
 * | 1 | the turn ended in an error, or the connection was lost for good; the relay runs as many sessions as it may |
 * | 2 | usage error (a bad flag, URL or combination; a URL that reaches the relay the wrong way: ws:// for a relay that speaks TLS, a path other than /ws; a --session the relay does not run, a --new DIR it refuses) |
 * | 3 | authentication failed: the relay refused the key, or there is no usable key |
 * | 4 | the relay is unreachable (nothing listens, or it refused the connection) |
 * | 5 | the relay did not prove who it is: its certificate is not the pinned one, or its challenge was made for another connection; nothing was signed |
 *
 * @example
 * ```ts
 * process.exitCode = exitCodeFor(error); // 3 for a refused key
 * ```
 */
import { RelayClientError, RelayRequestError } from "../../client/errors.ts";
import { SignerError } from "../../client/signer.ts";
import { SshAgentError } from "../../client/ssh-agent.ts";

export const EXIT_OK = 0;
export const EXIT_FAILED = 1;
export const EXIT_USAGE = 2;
export const EXIT_AUTH_FAILED = 3;
export const EXIT_UNREACHABLE = 4;
export const EXIT_NOT_VERIFIED = 5;

/**
 * The exit code for why the client could not connect or stopped.
 *
 * @example
 * exitCodeFor(new RelayClientError("unreachable", "cannot connect …")); // 4
 */
export function exitCodeFor(error: unknown): number {
  if (error instanceof SignerError || error instanceof SshAgentError) return EXIT_AUTH_FAILED;
  // A session or directory that was asked for and does not exist (or may not be used) is a mistake in the command.
  if (error instanceof RelayRequestError) return error.code === "invalid_session_dir" || error.code === "unknown_session" ? EXIT_USAGE : EXIT_FAILED;
  if (!(error instanceof RelayClientError)) return EXIT_FAILED;
  switch (error.code) {
    case "auth_failed":
    case "signer_failed":
      return EXIT_AUTH_FAILED;
    case "unreachable":
      return EXIT_UNREACHABLE;
    case "challenge_refused":
      return EXIT_NOT_VERIFIED;
    case "unknown_session":
      return EXIT_USAGE;
    default:
      return EXIT_FAILED;
  }
}
