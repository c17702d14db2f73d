/**
 * The v3 live-view messages (contract "Live view"): Claude's message as it is written
 * (`claude.partial`, to clients that attached with `partial`), a session's status
 * (`session.status`, asked with `session.status.get`), and stopping a task (`task.stop`). Spread
 * into messages.ts's `clientMessages` and `serverMessages`.
 *
 * @example
 * ```ts
 * taskStop.parse({ type: "task.stop", taskId: "t1" }).ok; // true
 * ```
 */
import { id, targetSession } from "./fields.ts";
import { MAX_ID_LENGTH } from "./limits.ts";
import { anyValue, arrayOf, integer, literal, number, object, oneOf, string } from "./schema.ts";

const sessionId = string({ maxLength: MAX_ID_LENGTH, description: "Claude Code session UUID." });

export const sessionStatusGet = object(
  { type: literal("session.status.get") },
  { id, sessionId: targetSession },
  "Asks for a session's session.status now; the client then also gets its later updates.",
);

export const taskStop = object(
  { type: literal("task.stop"), taskId: string({ minLength: 1, maxLength: MAX_ID_LENGTH, description: "A running task's taskId (session.status tasks)." }) },
  { id, sessionId: targetSession },
  "Stops a sub-agent or background task of the session (Claude's stop_task); its end shows in session.status and Claude's task_notification.",
);

const sinceMs = integer({ minimum: 0, description: "How long it has lasted when the frame was sent, in ms (a client adds the time since it received it)." });

/** What Claude does right now, for "is it working or stuck?". */
const activity = object(
  { kind: oneOf(["tool", "thinking", "retrying", "compacting"]), sinceMs },
  {
    tool: string({ description: "kind tool: the tool's name (Bash, Task …)." }),
    attempt: integer({ minimum: 1, description: "kind retrying: the attempt that failed (Claude's api_retry)." }),
    maxRetries: integer({ minimum: 0, description: "kind retrying: how many attempts Claude makes at most." }),
  },
  "Absent while Claude is idle or writing.",
);

/** A sub-agent or background task (Claude's task_started … task_notification). */
const task = object(
  {
    taskId: string({ description: "What task.stop takes." }),
    description: string(),
    state: oneOf(["running", "completed", "failed", "stopped"]),
    startedAt: string({ description: "RFC 3339: when the relay saw the task start." }),
  },
  {
    taskType: string({ description: "Claude's task_type, e.g. local_agent (a sub-agent) or local_bash (a background command)." }),
    toolUseId: string({ description: "The tool_use that started it: a sub-agent's own events carry it as parent_tool_use_id." }),
  },
);

/** One rate-limit window (Claude's rate_limit_event; only with a claude.ai login). */
const rateLimit = object(
  {
    window: string({ description: "Claude's rateLimitType: five_hour, seven_day, seven_day_opus, overage …" }),
  },
  {
    utilization: number({ minimum: 0, description: "Share of the window used, 0–1, when Claude said." }),
    resetsAt: string({ description: "RFC 3339: when the window resets." }),
    status: oneOf(["allowed", "allowed_warning", "rejected"]),
  },
);

/** The live view's status of a session (v3). */
export const sessionStatus = object(
  { type: literal("session.status"), sessionId },
  {
    id,
    contextTokens: integer({ minimum: 0, description: "Tokens in Claude's context after its last message (input, cache and output)." }),
    contextWindow: integer({ minimum: 0, description: "The model's context window, in tokens." }),
    costUsd: number({ minimum: 0, description: "What Claude's process has spent so far, in US dollars (its result's total_cost_usd)." }),
    rateLimits: arrayOf(rateLimit),
    activity,
    tasks: arrayOf(task),
  },
  "A session's status for the live view: to clients that attached with partial or asked session.status.get, at most 2 a second; no seq.",
);

/** The live-view messages a client sends, by type. */
export const liveClientMessages = {
  "session.status.get": sessionStatusGet,
  "task.stop": taskStop,
} as const;

/** The relay's live-view frames, by type. */
export const liveServerMessages = {
  "claude.partial": object(
    { type: literal("claude.partial"), sessionId, event: anyValue("One stream_event line from Claude, verbatim (a delta of the message being written).") },
    {},
    "Claude's message as it is produced, to clients that attached with partial: no seq, never replayed; the claude.event with the complete assistant message supersedes it.",
  ),
  "session.status": sessionStatus,
} as const;
