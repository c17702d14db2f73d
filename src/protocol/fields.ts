/**
 * Message fields that several message files share, defined once so their schema (and its
 * description in docs/protocol.schema.json) is the same everywhere.
 *
 * @example
 * ```ts
 * const interrupt = object({ type: literal("interrupt") }, { sessionId: targetSession });
 * ```
 */
import { MAX_ID_LENGTH } from "./limits.ts";
import { string } from "./schema.ts";

/** A message's optional `id`, echoed in the reply or error it gets. */
export const id = string({ maxLength: MAX_ID_LENGTH, description: "Client-chosen id, echoed in replies and errors." });

/** The optional `sessionId` of a message about one session: absent means the default session. */
export const targetSession = string({
  maxLength: MAX_ID_LENGTH,
  description: "The session this message is for; default: the default session (the one `serve --cwd` runs).",
});
