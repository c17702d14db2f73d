/**
 * Names for the parts of protocol messages that the relay and its clients hand around on their
 * own, derived from the message definitions (messages.ts) so they cannot drift from the wire: a
 * proven key, a prompt's image, a login's resume request.
 *
 * @example
 * ```ts
 * const key: KeyIdentity = { type: "ssh-ed25519", fingerprint: "SHA256:…", comment: "me@phone", device: "phone" };
 * const image: PromptImage = { mediaType: "image/png", data: "iVBORw0KGgo…" };
 * const resume: ResumeRequest = { sessionId: "5e55104e-…", lastSeq: 41 }; // replays from seq 42
 * ```
 */
import type { ClientMessage, ServerMessage } from "./messages.ts";

/**
 * The key a client proved, as `auth.ok` reports it, with the name its device goes by (which the
 * relay always knows; the field is optional only for v1 clients reading it).
 */
export type KeyIdentity = Required<ServerMessage<"auth.ok">["key"]>;

/** An image for Claude to see with a prompt (v2): its type and its bytes in standard base64. */
export type PromptImage = NonNullable<Extract<ClientMessage, { type: "prompt" }>["images"]>[number];

/** What a client logging in asks to be replayed: the events of `sessionId` after `lastSeq` (auth.response's `resume`). */
export type ResumeRequest = NonNullable<Extract<ClientMessage, { type: "auth.response" }>["resume"]>;
