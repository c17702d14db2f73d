/**
 * Folds Claude's stream-json lines into the live view's status of a session (`session.status`):
 * how full its context is, what it has cost, its rate-limit windows, what it does right now
 * (a tool, thinking, an API retry, compaction) and its sub-agents and background tasks. Pure: no
 * I/O, the time is passed in; the session decides when to send it (see live-view.ts).
 *
 * What each field is read from (docs/claude-stream-json.md § Live view shows the lines):
 * - `contextTokens`: the usage of Claude's last main-thread message (message_start or assistant:
 *   input + cache + output tokens); after compaction the boundary's `post_tokens`.
 * - `contextWindow`: the result's `modelUsage[<model>].contextWindow` (the init line's model).
 * - `costUsd`: the result's `total_cost_usd` (Claude counts from its own start).
 * - `rateLimits`: `rate_limit_event` lines, one entry per window.
 * - `activity`: a tool_use until its tool_result (elapsed from `tool_progress`), a thinking
 *   block, `api_retry`, `status: "compacting"`; cleared by the next message or the result.
 * - `tasks`: `task_started`, `task_updated`, `task_notification`.
 *
 * @example
 * ```ts
 * const status = new SessionStatus();
 * status.observe({ type: "system", subtype: "api_retry", attempt: 1, max_retries: 10 }, Date.now()); // true: changed
 * status.snapshot(Date.now()).activity; // { kind: "retrying", attempt: 1, maxRetries: 10, sinceMs: 0 }
 * ```
 */
import type { ServerMessage } from "../protocol/messages.ts";
import { isPlainObject } from "../protocol/schema.ts";

export type StatusFields = Omit<ServerMessage<"session.status">, "type" | "sessionId" | "id">;
type Activity = NonNullable<StatusFields["activity"]>;
type Task = NonNullable<StatusFields["tasks"]>[number];
type RateLimit = NonNullable<StatusFields["rateLimits"]>[number];

/** Tasks kept at most: finished ones are dropped first (a runaway loop of tasks must not grow the frame). */
const MAX_TASKS = 50;

/** Claude's task states (task_updated's patch, task_notification) as the status names them. */
const TASK_STATES: Record<string, Task["state"]> = {
  pending: "running",
  running: "running",
  paused: "running",
  completed: "completed",
  failed: "failed",
  killed: "stopped",
  stopped: "stopped",
};

interface CurrentActivity {
  kind: Activity["kind"];
  /** When it began, on the caller's clock. */
  since: number;
  tool?: string;
  toolUseId?: string;
  attempt?: number;
  maxRetries?: number;
}

export class SessionStatus {
  #contextTokens: number | undefined;
  #contextWindow: number | undefined;
  #costUsd: number | undefined;
  #model: string | undefined;
  #activity: CurrentActivity | undefined;
  readonly #rateLimits = new Map<string, RateLimit>();
  readonly #tasks = new Map<string, Task>();

  /** Folds one line of Claude's output in; true when the status changed. */
  observe(event: Record<string, unknown>, now: number): boolean {
    const mainThread = event.parent_tool_use_id === null || event.parent_tool_use_id === undefined;
    switch (event.type) {
      case "stream_event":
        return mainThread && isPlainObject(event.event) && this.#streamEvent(event.event, now);
      case "assistant":
        return mainThread && isPlainObject(event.message) && this.#assistant(event.message, now);
      case "user":
        return mainThread && this.#toolResult(event.message);
      case "tool_progress":
        return this.#toolProgress(event, now);
      case "result":
        return this.#result(event);
      case "rate_limit_event":
        return isPlainObject(event.rate_limit_info) && this.#rateLimit(event.rate_limit_info);
      case "system":
        return this.#system(event, now);
      default:
        return false;
    }
  }

  /** Claude's process ended (crash, restart, stop): its tasks and whatever it was doing ended with it. */
  claudeGone(): boolean {
    let changed = this.#setActivity(undefined);
    for (const task of this.#tasks.values()) {
      if (task.state !== "running") continue;
      task.state = "stopped";
      changed = true;
    }
    return changed;
  }

  /** Whether `taskId` is a task of this session that still runs (task.stop refuses others). */
  isRunningTask(taskId: string): boolean {
    return this.#tasks.get(taskId)?.state === "running";
  }

  /** The status now: only what is known, `sinceMs` measured to `now`. */
  snapshot(now: number): StatusFields {
    const activity = this.#activity;
    return {
      ...(this.#contextTokens !== undefined && { contextTokens: this.#contextTokens }),
      ...(this.#contextWindow !== undefined && { contextWindow: this.#contextWindow }),
      ...(this.#costUsd !== undefined && { costUsd: this.#costUsd }),
      ...(this.#rateLimits.size > 0 && { rateLimits: [...this.#rateLimits.values()] }),
      ...(activity && {
        activity: {
          kind: activity.kind,
          sinceMs: Math.max(0, Math.round(now - activity.since)),
          ...(activity.tool !== undefined && { tool: activity.tool }),
          ...(activity.attempt !== undefined && { attempt: activity.attempt }),
          ...(activity.maxRetries !== undefined && { maxRetries: activity.maxRetries }),
        },
      }),
      ...(this.#tasks.size > 0 && { tasks: [...this.#tasks.values()].map((task) => ({ ...task })) }),
    };
  }

  #streamEvent(event: Record<string, unknown>, now: number): boolean {
    switch (event.type) {
      case "message_start": {
        const usage = isPlainObject(event.message) ? event.message.usage : undefined;
        const context = this.#setContext(contextOf(usage));
        return this.#setActivity(undefined) || context;
      }
      case "content_block_start": {
        const block = isPlainObject(event.content_block) ? event.content_block.type : undefined;
        if (block === "thinking" || block === "redacted_thinking") return this.#setActivity({ kind: "thinking", since: now });
        return this.#setActivity(undefined);
      }
      case "content_block_stop":
        return this.#activity?.kind === "thinking" && this.#setActivity(undefined);
      default:
        return false;
    }
  }

  #assistant(message: Record<string, unknown>, now: number): boolean {
    const context = this.#setContext(contextOf(message.usage));
    const blocks = Array.isArray(message.content) ? message.content.filter(isPlainObject) : [];
    const toolUse = blocks.filter((block) => block.type === "tool_use").at(-1);
    if (toolUse && typeof toolUse.name === "string") {
      const toolUseId = typeof toolUse.id === "string" ? toolUse.id : undefined;
      if (this.#activity?.kind === "tool" && this.#activity.toolUseId === toolUseId) return context;
      return this.#setActivity({ kind: "tool", tool: toolUse.name, since: now, ...(toolUseId && { toolUseId }) }) || context;
    }
    // a thinking block complete: the thinking goes on until the next block starts
    if (blocks.some((block) => block.type === "thinking" || block.type === "redacted_thinking")) {
      return (this.#activity?.kind !== "thinking" && this.#setActivity({ kind: "thinking", since: now })) || context;
    }
    return this.#setActivity(undefined) || context;
  }

  /** A main-thread tool_result ends the tool's activity. */
  #toolResult(message: unknown): boolean {
    if (this.#activity?.kind !== "tool" || !isPlainObject(message) || !Array.isArray(message.content)) return false;
    const done = message.content.some((block) => isPlainObject(block) && block.type === "tool_result");
    return done && this.#setActivity(undefined);
  }

  /** A long tool (Bash) tells how long it has run; its tool_use_id is Claude's own, the tool's is parent_tool_use_id. */
  #toolProgress(event: Record<string, unknown>, now: number): boolean {
    if (typeof event.tool_name !== "string" || typeof event.elapsed_time_seconds !== "number") return false;
    const since = now - event.elapsed_time_seconds * 1000;
    const toolUseId = typeof event.parent_tool_use_id === "string" ? event.parent_tool_use_id : undefined;
    const current = this.#activity;
    if (current?.kind === "tool" && current.tool === event.tool_name && current.since <= since) return false;
    return this.#setActivity({ kind: "tool", tool: event.tool_name, since: Math.min(since, current?.since ?? since), ...(toolUseId && { toolUseId }) });
  }

  #result(event: Record<string, unknown>): boolean {
    let changed = this.#setActivity(undefined);
    if (typeof event.total_cost_usd === "number" && event.total_cost_usd !== this.#costUsd) {
      this.#costUsd = event.total_cost_usd;
      changed = true;
    }
    const window = contextWindowOf(event.modelUsage, this.#model);
    if (window !== undefined && window !== this.#contextWindow) {
      this.#contextWindow = window;
      changed = true;
    }
    return changed;
  }

  #rateLimit(info: Record<string, unknown>): boolean {
    const window = typeof info.rateLimitType === "string" ? info.rateLimitType : "unified";
    const entry: RateLimit = {
      window,
      ...(typeof info.utilization === "number" && { utilization: info.utilization }),
      ...(typeof info.resetsAt === "number" && { resetsAt: new Date(info.resetsAt * 1000).toISOString() }),
      ...((info.status === "allowed" || info.status === "allowed_warning" || info.status === "rejected") && { status: info.status }),
    };
    const before = this.#rateLimits.get(window);
    if (before && JSON.stringify(before) === JSON.stringify(entry)) return false;
    this.#rateLimits.set(window, entry);
    return true;
  }

  #system(event: Record<string, unknown>, now: number): boolean {
    switch (event.subtype) {
      case "init":
        if (typeof event.model === "string") this.#model = event.model;
        return this.#dropFinishedTasks();
      case "api_retry":
        return this.#setActivity({
          kind: "retrying",
          since: now,
          ...(typeof event.attempt === "number" && event.attempt >= 1 && { attempt: event.attempt }),
          ...(typeof event.max_retries === "number" && { maxRetries: event.max_retries }),
        });
      case "status":
        if (event.status === "compacting") return this.#activity?.kind !== "compacting" && this.#setActivity({ kind: "compacting", since: now });
        return this.#activity?.kind === "compacting" && this.#setActivity(undefined);
      case "compact_boundary": {
        const metadata = isPlainObject(event.compact_metadata) ? event.compact_metadata : {};
        const context = typeof metadata.post_tokens === "number" && this.#setContext(metadata.post_tokens);
        return (this.#activity?.kind === "compacting" && this.#setActivity(undefined)) || context;
      }
      case "thinking_tokens":
        return this.#activity === undefined && this.#setActivity({ kind: "thinking", since: now });
      case "task_started":
        return this.#taskStarted(event, now);
      case "task_updated":
        return isPlainObject(event.patch) && this.#taskState(event.task_id, event.patch.status);
      case "task_notification":
        return this.#taskState(event.task_id, event.status);
      default:
        return false;
    }
  }

  #taskStarted(event: Record<string, unknown>, now: number): boolean {
    if (typeof event.task_id !== "string") return false;
    this.#tasks.set(event.task_id, {
      taskId: event.task_id,
      description: typeof event.description === "string" ? event.description : "",
      state: "running",
      startedAt: new Date(now).toISOString(),
      ...(typeof event.task_type === "string" && { taskType: event.task_type }),
      ...(typeof event.tool_use_id === "string" && { toolUseId: event.tool_use_id }),
    });
    this.#trimTasks();
    return true;
  }

  #taskState(taskId: unknown, claudeState: unknown): boolean {
    const task = typeof taskId === "string" ? this.#tasks.get(taskId) : undefined;
    const state = typeof claudeState === "string" ? TASK_STATES[claudeState] : undefined;
    if (!task || !state || task.state === state) return false;
    task.state = state;
    return true;
  }

  /** A new turn: tasks that ended before it are history; running ones (background) stay. */
  #dropFinishedTasks(): boolean {
    let changed = false;
    for (const [taskId, task] of this.#tasks) {
      if (task.state === "running") continue;
      this.#tasks.delete(taskId);
      changed = true;
    }
    return changed;
  }

  #trimTasks(): void {
    for (const [taskId, task] of this.#tasks) {
      if (this.#tasks.size <= MAX_TASKS) return;
      if (task.state !== "running") this.#tasks.delete(taskId);
    }
    while (this.#tasks.size > MAX_TASKS) this.#tasks.delete(this.#tasks.keys().next().value!);
  }

  #setContext(tokens: number | undefined): boolean {
    if (tokens === undefined || tokens === this.#contextTokens) return false;
    this.#contextTokens = tokens;
    return true;
  }

  #setActivity(activity: CurrentActivity | undefined): boolean {
    if (activity === undefined && this.#activity === undefined) return false;
    this.#activity = activity;
    return true;
  }
}

/** The tokens a message's usage says are in the context: input (with cache reads and writes) and output. */
function contextOf(usage: unknown): number | undefined {
  if (!isPlainObject(usage)) return undefined;
  let tokens = 0;
  for (const field of ["input_tokens", "cache_creation_input_tokens", "cache_read_input_tokens", "output_tokens"]) {
    const value = usage[field];
    if (typeof value === "number" && Number.isFinite(value) && value > 0) tokens += value;
  }
  return Math.round(tokens);
}

/** The context window of the session's model in a result's modelUsage (the largest one when the model is not listed). */
function contextWindowOf(modelUsage: unknown, model: string | undefined): number | undefined {
  if (!isPlainObject(modelUsage)) return undefined;
  const windowOf = (entry: unknown) => (isPlainObject(entry) && typeof entry.contextWindow === "number" ? entry.contextWindow : undefined);
  const own = model === undefined ? undefined : windowOf(modelUsage[model]);
  if (own !== undefined) return own;
  const windows = Object.values(modelUsage)
    .map(windowOf)
    .filter((window): window is number => window !== undefined);
  return windows.length > 0 ? Math.max(...windows) : undefined;
}
