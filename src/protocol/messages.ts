/**
 * Every message of the wire protocol (v1, and the v2 session and pairing messages), defined once. Incoming frames are validated against
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
import { reviewClientMessages, reviewServerMessages } from "./changes-messages.ts";
import { id, targetSession } from "./fields.ts";
import { MAX_ID_LENGTH, MAX_PATH_LENGTH } from "./limits.ts";
import { liveClientMessages, liveServerMessages } from "./live-messages.ts";
import { pushClientMessages, pushServerMessages } from "./push-messages.ts";
import { anyObject, anyValue, arrayOf, boolean, type Infer, integer, literal, object, oneOf, string } from "./schema.ts";

/** The SSHSIG namespace every login signature uses (`ssh-keygen -Y sign -n claude-relay`). */
export const AUTH_NAMESPACE = "claude-relay";

export { MAX_ID_LENGTH, MAX_PATH_LENGTH } from "./limits.ts";
export { PUSH_EVENTS, type PushEvent } from "./push-messages.ts";

const sessionId = string({ maxLength: MAX_ID_LENGTH, description: "Claude Code session UUID." });
const seq = integer({ minimum: 1, description: "Per-session event number: 1, 2, 3 … with no gaps." });
/** The live view's opt-in (v3): `claude.partial` frames and `session.status` for the session attached to. */
const partial = boolean("Also receive claude.partial (Claude's text as it is produced; no seq, never replayed) and session.status for this session.");

/**
 * Claude Code's permission modes a client may choose (session.create, session.configure).
 * `bypassPermissions` only where the relay was started with `--allow-bypass-permissions`.
 */
export const PERMISSION_MODES = ["default", "acceptEdits", "plan", "bypassPermissions"] as const;
export type PermissionMode = (typeof PERMISSION_MODES)[number];

/** The image types a prompt may carry (those the Messages API takes). */
export const IMAGE_MEDIA_TYPES = ["image/png", "image/jpeg", "image/gif", "image/webp"] as const;
export type ImageMediaType = (typeof IMAGE_MEDIA_TYPES)[number];

/** Images one prompt may carry. */
export const MAX_PROMPT_IMAGES = 8;

/** Permission updates one permission.response may carry. */
export const MAX_PERMISSION_UPDATES = 32;

/** Longest model name a client may choose (aliases such as `opus[1m]`, or full ids). */
export const MAX_MODEL_LENGTH = 128;

// ── client → server ────────────────────────────────────────────────────────────────────────────

export const authResponse = object(
  { type: literal("auth.response"), signature: string({ minLength: 1, maxLength: 16 * 1024, description: "Armored SSHSIG over the challenge." }) },
  { id, resume: object({ sessionId, lastSeq: integer({ minimum: 0 }) }), partial },
  "Answers auth.challenge; optionally asks for a replay of missed events, and (partial) for the live view of the default session.",
);

const promptImage = object(
  {
    mediaType: oneOf(IMAGE_MEDIA_TYPES, "The image's type; its bytes must begin as that type's do."),
    data: string({ minLength: 1, description: "The image's bytes, standard base64 with padding." }),
  },
  {},
  "An image for Claude to see with the prompt's text.",
);

export const prompt = object(
  { type: literal("prompt"), text: string({ minLength: 1, description: "A user message to Claude." }) },
  { id, sessionId: targetSession, images: arrayOf(promptImage, { maxItems: MAX_PROMPT_IMAGES }) },
  "Sends a user message to Claude.",
);

export const permissionResponse = object(
  { type: literal("permission.response"), requestId: string({ minLength: 1, maxLength: MAX_ID_LENGTH }), behavior: oneOf(["allow", "deny"]) },
  {
    id,
    sessionId: targetSession,
    message: string({ maxLength: 64 * 1024 }),
    updatedInput: anyObject("Replaces the tool input when allowing (e.g. AskUserQuestion's input with `answers`)."),
    updatedPermissions: arrayOf(anyObject(), { maxItems: MAX_PERMISSION_UPDATES }),
  },
  "Answers a permission.request; with allow, `updatedPermissions` (the request's `suggestions`, echoed) spares the same question again.",
);

export const interrupt = object({ type: literal("interrupt") }, { id, sessionId: targetSession }, "Interrupts Claude's current turn.");

export const ping = object({ type: literal("ping") }, { id }, "Answered with pong.");

export const pairRequest = object(
  {
    type: literal("pair.request"),
    code: string({ minLength: 1, maxLength: 256, description: "The one-time code from the pairing link (`#pair=<code>`)." }),
    publicKey: string({
      minLength: 1,
      maxLength: 8 * 1024,
      description: "The device's public key as in authorized_keys: `<type> <base64>` (Ed25519 or ECDSA).",
    }),
  },
  { id, name: string({ maxLength: 256, description: "What the device calls itself; the key's comment becomes claude-relay:<name>." }) },
  "Sent instead of auth.response: asks to add this key to authorized_keys with a pairing code.",
);

export const sessionCreate = object(
  {
    type: literal("session.create"),
    cwd: string({ minLength: 1, maxLength: MAX_PATH_LENGTH, description: "Absolute path of an existing directory inside an --allow-dir." }),
  },
  {
    id,
    resume: string({ maxLength: MAX_ID_LENGTH, description: "The sessionId of one of Claude's earlier conversations in cwd (history.list) to continue." }),
    permissionMode: oneOf(PERMISSION_MODES, "Claude's permission mode from the start, applied before the first prompt."),
    model: string({
      minLength: 1,
      maxLength: MAX_MODEL_LENGTH,
      description: "Claude's model from the start: a `value` of the capabilities' models, or a full id `claude-…`.",
    }),
    worktree: string({
      minLength: 1,
      maxLength: MAX_ID_LENGTH,
      description: "A new branch: `git worktree add -b <branch>` for the repository cwd belongs to, and the session runs in that worktree.",
    }),
  },
  "Starts a new session (its own Claude process) in a directory; answered session.created.",
);

export const historyList = object(
  { type: literal("history.list") },
  {
    id,
    cwd: string({
      minLength: 1,
      maxLength: MAX_PATH_LENGTH,
      description: "Absolute path of a directory inside an --allow-dir; default: the default session's directory.",
    }),
  },
  "Lists Claude's earlier conversations in a directory, newest first; answered history.",
);

export const sessionAttach = object(
  { type: literal("session.attach"), sessionId },
  {
    id,
    lastSeq: integer({ minimum: 0, description: "The highest seq of this session the client has; absent: replay the whole buffer." }),
    partial,
  },
  "Receive a session's events: session.attached, the replay after lastSeq, then live events (attaching again replaces `partial`).",
);

export const sessionDetach = object({ type: literal("session.detach"), sessionId }, { id }, "Stop receiving a session's events; answered session.detached.");

export const sessionStop = object(
  { type: literal("session.stop"), sessionId },
  {
    id,
    removeWorktree: boolean("A worktree session: also remove its worktree (refused with worktree_dirty when it has uncommitted changes); the branch stays."),
  },
  "Ends a session's Claude process and removes the session from the list; answered session.stopped.",
);

export const sessionConfigure = object(
  { type: literal("session.configure"), sessionId },
  {
    id,
    permissionMode: oneOf(PERMISSION_MODES, "The permission mode to switch Claude to."),
    model: string({
      minLength: 1,
      maxLength: MAX_MODEL_LENGTH,
      description: "The model to switch Claude to: a `value` of the capabilities' models, or a full id `claude-…`.",
    }),
  },
  "Changes a session's permission mode and/or model; answered session.configured once Claude has taken them.",
);

/** Client messages by type. */
export const clientMessages = {
  "auth.response": authResponse,
  prompt,
  "permission.response": permissionResponse,
  interrupt,
  ping,
  "pair.request": pairRequest,
  "session.create": sessionCreate,
  "session.attach": sessionAttach,
  "session.detach": sessionDetach,
  "session.stop": sessionStop,
  "session.configure": sessionConfigure,
  "history.list": historyList,
  ...reviewClientMessages,
  ...pushClientMessages,
  ...liveClientMessages,
} as const;

export type ClientMessageType = keyof typeof clientMessages;
export type ClientMessage = { [K in ClientMessageType]: Infer<(typeof clientMessages)[K]> }[ClientMessageType];

// ── server → client ────────────────────────────────────────────────────────────────────────────

/** `idle`: the session has no Claude process now; the next prompt starts one with `--resume`. */
export const SESSION_STATES = ["starting", "ready", "busy", "waiting_permission", "restarting", "failed", "stopping", "idle"] as const;
export type SessionStateName = (typeof SESSION_STATES)[number];

/** What a device goes by: derived by the relay from its authorized_keys line (the comment's pair name, the comment, or the fingerprint's start). */
const device = string({
  description: "The sending device's name, from its key's authorized_keys comment (claude-relay:<name> gives <name>), else SHA256:<8 chars>.",
});

/** The devices attached to a session: one name per distinct device, sorted; `clients` counts the connections. */
const devices = arrayOf(string(), {
  description: "Names of the devices attached to the session, each once (two tabs with one key are one device), sorted; `clients` counts connections.",
});

const keyInfo = object(
  { type: string(), fingerprint: string(), comment: string() },
  { device: string({ description: "The name the relay gives this device in prompts, answers and presence." }) },
);

export const permissionRequestEvent = object(
  { type: literal("permission.request"), sessionId, seq, requestId: string(), toolName: string(), input: anyObject(), toolUseId: string() },
  {
    description: string(),
    suggestions: arrayOf(anyObject()),
  },
  'Claude asks to use a tool; any client may answer. `suggestions`: Claude\'s permission updates for "allow for this session".',
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

const permissionMode = string({ description: "Claude's permission mode (default, acceptEdits, plan, bypassPermissions …)." });
const model = string({ description: "Claude's model, when known." });

const capabilityFields = {
  models: arrayOf(
    object(
      { value: string({ description: "What session.configure's `model` takes, e.g. default, opus[1m], sonnet, haiku." }), displayName: string() },
      { description: string(), resolvedModel: string({ description: "The full model id the value stands for (what `model` in session.state may show)." }) },
    ),
  ),
  commands: arrayOf(
    object(
      { name: string({ description: "A slash command, without the slash: send `/<name> …` as a prompt." }) },
      { description: string(), argumentHint: string() },
    ),
  ),
  permissionModes: arrayOf(string(), { maxItems: PERMISSION_MODES.length }),
};

/** What a client needs to offer pickers for a session: models, slash commands, permission modes. */
const capabilities = object(
  capabilityFields,
  {},
  "Claude's models and slash commands (from its initialize answer) and the permission modes this relay accepts.",
);

const sessionSnapshot = object(
  {
    state: oneOf(SESSION_STATES),
    claudePid: integer(),
    clients: integer({ minimum: 0 }),
    pendingPermissions: arrayOf(permissionRequestEvent),
  },
  { claudeAuthError, permissionMode, model, devices },
);

export const sessionInfo = object(
  {
    sessionId,
    cwd: string({ description: "The session's working directory (its real path)." }),
    state: oneOf(SESSION_STATES),
    clients: integer({ minimum: 0, description: "Clients attached to the session." }),
    permissionMode,
    lastActivity: string({ description: "RFC 3339 time of the last prompt or state change." }),
  },
  {
    title: string({ description: "The first line of the session's first prompt." }),
    model,
    devices,
    branch: string({ description: "The branch of a session created with a worktree." }),
    worktree: boolean("true: the relay made this session's directory with `git worktree add`."),
  },
  "One session in the relay's list.",
);

export const serverMessages = {
  "auth.challenge": object(
    { type: literal("auth.challenge"), protocol: literal(1), namespace: literal(AUTH_NAMESPACE), challenge: string(), expiresInMs: integer() },
    {},
    "First message on every connection: sign `challenge` with an authorized SSH key.",
  ),
  "auth.ok": object(
    { type: literal("auth.ok"), clientId: string(), sessionId, key: keyInfo, state: sessionSnapshot },
    {
      lastSeq: integer({ minimum: 0, description: "The session's newest seq at auth.ok; live events follow it (after any replay)." }),
      sessions: arrayOf(sessionInfo),
      capabilities,
      push: object(
        {
          vapidPublicKey: string({
            description: "The relay's VAPID public key (P-256, uncompressed point, base64url): PushManager.subscribe's applicationServerKey.",
          }),
        },
        {},
        "Web Push: present when the relay sends it.",
      ),
    },
    "Authentication succeeded; the client is attached to the default session (sessionId).",
  ),
  error: object({ type: literal("error"), code: string(), message: string() }, { id }, "An error for one client; not a session event (no seq)."),
  pong: object({ type: literal("pong") }, { id }, "Answer to ping."),
  "pair.ok": object(
    { type: literal("pair.ok"), fingerprint: string({ description: "The added key's fingerprint, SHA256:…" }) },
    {},
    "The device's key is in authorized_keys; a fresh auth.challenge follows on the same connection.",
  ),
  "claude.event": object({ type: literal("claude.event"), sessionId, seq, event: anyValue("One stream-json line from Claude, verbatim.") }),
  "user.prompt": object(
    { type: literal("user.prompt"), sessionId, seq, text: string(), by: string() },
    {
      device,
      id,
      images: arrayOf(object({ mediaType: oneOf(IMAGE_MEDIA_TYPES), bytes: integer({ minimum: 1, description: "The image's size in bytes (decoded)." }) })),
    },
    "A prompt any client sent; its images are listed by type and size only (they went to Claude, not into every client's replay buffer).",
  ),
  "permission.request": permissionRequestEvent,
  "permission.resolved": object(
    {
      type: literal("permission.resolved"),
      sessionId,
      seq,
      requestId: string(),
      behavior: oneOf(["allow", "deny", "cancelled"]),
      by: string({ description: 'clientId, "claude" or "relay".' }),
    },
    { device },
  ),
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
    { claudeAuthError, permissionMode, model, devices },
  ),
  "replay.gap": object(
    { type: literal("replay.gap"), sessionId, fromSeq: integer(), toSeq: integer() },
    { reason: oneOf(["evicted", "session_changed"]) },
    "Events fromSeq..toSeq can no longer be replayed.",
  ),
  sessions: object(
    { type: literal("sessions"), sessions: arrayOf(sessionInfo) },
    {},
    "The relay's sessions, sent to every client when the list or a summary changes.",
  ),
  "session.created": object(
    { type: literal("session.created"), sessionId },
    { id },
    "Answer to session.create: the new session's id (with resume: that conversation's, also when it was open already).",
  ),
  history: object(
    {
      type: literal("history"),
      conversations: arrayOf(
        object(
          {
            sessionId,
            cwd: string({ description: "The directory (its real path)." }),
            title: string({ description: "The first line of the first prompt typed; empty when the transcript's head holds none." }),
            updatedAt: string({ description: "RFC 3339: when Claude last wrote the conversation." }),
          },
          {},
          "One of Claude's earlier conversations; resumable with session.create {cwd, resume: sessionId}.",
        ),
      ),
    },
    { id },
    "Answer to history.list: newest first, at most 100.",
  ),
  "session.attached": object(
    {
      type: literal("session.attached"),
      sessionId,
      lastSeq: integer({ minimum: 0, description: "The session's newest seq now: the replay ends here and live events follow it." }),
      state: sessionSnapshot,
    },
    { id, capabilities },
    "Answer to session.attach, before the replay.",
  ),
  "session.detached": object({ type: literal("session.detached"), sessionId }, { id }, "Answer to session.detach: no more events of this session."),
  "session.stopped": object(
    { type: literal("session.stopped"), sessionId },
    { id, worktreeRemoved: boolean("With removeWorktree: whether the worktree was removed (false: it changed after the check and was kept).") },
    "Answer to session.stop, once the session's Claude process has ended.",
  ),
  "session.configured": object(
    { type: literal("session.configured"), sessionId, permissionMode },
    { id, model },
    "Answer to session.configure (and to the sender only): the session's permission mode and model now.",
  ),
  "session.capabilities": object(
    { type: literal("session.capabilities"), sessionId, ...capabilityFields },
    {},
    "A session's pickers changed (its Claude started and told its models and commands); to attached clients that use sessions. No seq.",
  ),
  ...reviewServerMessages,
  ...pushServerMessages,
  ...liveServerMessages,
} as const;

/** One session in `auth.ok.sessions` and the `sessions` update. */
export type SessionInfo = Infer<typeof sessionInfo>;

/** A session's pickers, in `auth.ok`, `session.attached` and `session.capabilities`. */
export type SessionCapabilities = Infer<typeof capabilities>;

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
