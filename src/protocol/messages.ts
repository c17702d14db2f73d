/**
 * Every message of the v1 wire protocol, defined once. Incoming frames are validated against
 * {@link clientMessages}; the relay's own frames are typed from {@link serverMessages} (see
 * encode.ts), and clients validate what they receive against it. `scripts/gen-schema.ts` turns
 * both into docs/protocol.schema.json.
 *
 * @example
 * ```ts
 * const pong: ServerMessage<"pong"> = { type: "pong", id: "7" };
 * serverMessages.pong.parse(pong).ok; // true
 * ```
 */
import { anyObject, anyValue, arrayOf, integer, literal, object, oneOf, string, type Infer } from "./schema.ts";

/** The SSHSIG namespace every login signature uses (`ssh-keygen -Y sign -n claude-relay`). */
export const AUTH_NAMESPACE = "claude-relay";

/** Longest accepted client-chosen identifier (`id`, `requestId`, `sessionId`). */
export const MAX_ID_LENGTH = 256;

const id = string({ maxLength: MAX_ID_LENGTH, description: "Client-chosen id, echoed in replies and errors." });
const sessionId = string({ maxLength: MAX_ID_LENGTH, description: "Claude Code session UUID." });
const seq = integer({ minimum: 1, description: "Per-session event number: 1, 2, 3 … with no gaps." });

// ── client → server ────────────────────────────────────────────────────────────────────────────

export const authResponse = object(
  { type: literal("auth.response"), signature: string({ minLength: 1, maxLength: 16 * 1024, description: "Armored SSHSIG over the challenge." }) },
  { id, resume: object({ sessionId, lastSeq: integer({ minimum: 0 }) }) },
  "Answers auth.challenge; optionally asks for a replay of missed events.",
);

export const prompt = object(
  { type: literal("prompt"), text: string({ minLength: 1, description: "A user message to Claude." }) },
  { id },
  "Sends a user message to Claude.",
);

export const permissionResponse = object(
  { type: literal("permission.response"), requestId: string({ minLength: 1, maxLength: MAX_ID_LENGTH }), behavior: oneOf(["allow", "deny"]) },
  { id, message: string({ maxLength: 64 * 1024 }), updatedInput: anyObject("Replaces the tool input when allowing.") },
  "Answers a permission.request.",
);

export const interrupt = object({ type: literal("interrupt") }, { id }, "Interrupts Claude's current turn.");

export const ping = object({ type: literal("ping") }, { id }, "Answered with pong.");

export const pairRequest = object(
  {
    type: literal("pair.request"),
    code: string({ minLength: 1, maxLength: 256, description: "The one-time code from the pairing link (`#pair=<code>`)." }),
    publicKey: string({ minLength: 1, maxLength: 8 * 1024, description: "The device's public key as in authorized_keys: `<type> <base64>` (Ed25519 or ECDSA)." }),
  },
  { id, name: string({ maxLength: 256, description: "What the device calls itself; the key's comment becomes claude-relay:<name>." }) },
  "Sent instead of auth.response: asks to add this key to authorized_keys with a pairing code.",
);

/** Client messages by type. */
export const clientMessages = {
  "auth.response": authResponse,
  prompt,
  "permission.response": permissionResponse,
  interrupt,
  ping,
  "pair.request": pairRequest,
} as const;

export type ClientMessageType = keyof typeof clientMessages;
export type ClientMessage = { [K in ClientMessageType]: Infer<(typeof clientMessages)[K]> }[ClientMessageType];

// ── server → client ────────────────────────────────────────────────────────────────────────────

export const SESSION_STATES = ["starting", "ready", "busy", "waiting_permission", "restarting", "failed", "stopping"] as const;
export type SessionStateName = (typeof SESSION_STATES)[number];

const keyInfo = object({ type: string(), fingerprint: string(), comment: string() });

export const permissionRequestEvent = object(
  { type: literal("permission.request"), sessionId, seq, requestId: string(), toolName: string(), input: anyObject(), toolUseId: string() },
  { description: string() },
  "Claude asks to use a tool; any client may answer.",
);

/** Why Claude cannot answer prompts although it runs: it has no credentials, or the API refused them. */
export const CLAUDE_AUTH_PROBLEMS = ["not_logged_in", "rejected"] as const;
export type ClaudeAuthProblemReason = (typeof CLAUDE_AUTH_PROBLEMS)[number];

const claudeAuthError = object(
  {
    reason: oneOf(CLAUDE_AUTH_PROBLEMS, "not_logged_in: Claude Code has no credentials; rejected: the API refused them (HTTP 401)."),
    message: string({ description: "What to do, for people: log in once with `claude` on the relay's machine, or set ANTHROPIC_API_KEY." }),
  },
  {},
  "Present while Claude Code cannot authenticate to the API; absent once a turn succeeds.",
);

const sessionSnapshot = object(
  {
    state: oneOf(SESSION_STATES),
    claudePid: integer(),
    clients: integer({ minimum: 0 }),
    pendingPermissions: arrayOf(permissionRequestEvent),
  },
  { claudeAuthError },
);

export const serverMessages = {
  "auth.challenge": object(
    { type: literal("auth.challenge"), protocol: literal(1), namespace: literal(AUTH_NAMESPACE), challenge: string(), expiresInMs: integer() },
    {},
    "First message on every connection: sign `challenge` with an authorized SSH key.",
  ),
  "auth.ok": object(
    { type: literal("auth.ok"), clientId: string(), sessionId, key: keyInfo, state: sessionSnapshot },
    { lastSeq: integer({ minimum: 0, description: "The session's newest seq at auth.ok; live events follow it (after any replay)." }) },
    "Authentication succeeded.",
  ),
  error: object(
    { type: literal("error"), code: string(), message: string() },
    { id },
    "An error for one client; not a session event (no seq).",
  ),
  pong: object({ type: literal("pong") }, { id }, "Answer to ping."),
  "pair.ok": object(
    { type: literal("pair.ok"), fingerprint: string({ description: "The added key's fingerprint, SHA256:…" }) },
    {},
    "The device's key is in authorized_keys; a fresh auth.challenge follows on the same connection.",
  ),
  "claude.event": object({ type: literal("claude.event"), sessionId, seq, event: anyValue("One stream-json line from Claude, verbatim.") }),
  "user.prompt": object({ type: literal("user.prompt"), sessionId, seq, text: string(), by: string() }, { id }, "A prompt any client sent."),
  "permission.request": permissionRequestEvent,
  "permission.resolved": object({
    type: literal("permission.resolved"),
    sessionId,
    seq,
    requestId: string(),
    behavior: oneOf(["allow", "deny", "cancelled"]),
    by: string({ description: "clientId, \"claude\" or \"relay\"." }),
  }),
  "session.state": object(
    {
      type: literal("session.state"),
      sessionId,
      seq,
      state: oneOf(SESSION_STATES),
      claudePid: integer(),
      restarts: integer({ minimum: 0 }),
      clients: integer({ minimum: 0 }),
    },
    { claudeAuthError },
  ),
  "replay.gap": object(
    { type: literal("replay.gap"), sessionId, fromSeq: integer(), toSeq: integer() },
    { reason: oneOf(["evicted", "session_changed"]) },
    "Events fromSeq..toSeq can no longer be replayed.",
  ),
} as const;

export type ServerMessageType = keyof typeof serverMessages;
/** A server message (of type `K`), as the schemas above define it. */
export type ServerMessage<K extends ServerMessageType = ServerMessageType> = { [T in K]: Infer<(typeof serverMessages)[T]> }[K];

/** The messages that are session events: numbered with `seq`, kept for replay, sent to every client. */
export const SESSION_EVENT_TYPES = ["claude.event", "user.prompt", "permission.request", "permission.resolved", "session.state"] as const;
export type SessionEventType = (typeof SESSION_EVENT_TYPES)[number];
export type SessionEvent = ServerMessage<SessionEventType>;

type OmitEach<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;
/** A session event as its producer builds it: the session adds `sessionId` and `seq`. */
export type UnnumberedEvent = OmitEach<Exclude<SessionEvent, { type: "claude.event" }>, "sessionId" | "seq">;
