/**
 * Length limits shared by the protocol's message definitions (messages.ts and the v3 review
 * messages in changes-messages.ts), in one place so both validate alike.
 *
 * @example
 * ```ts
 * string({ maxLength: MAX_ID_LENGTH });
 * ```
 */

/** Longest accepted client-chosen identifier (`id`, `requestId`, `sessionId`). */
export const MAX_ID_LENGTH = 256;

/** Longest accepted path (`cwd` in session.create, `path` in file.read …): PATH_MAX on Linux. */
export const MAX_PATH_LENGTH = 4096;
