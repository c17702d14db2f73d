/**
 * A session's live status (`session.status`, v3) in short words, for the web app's status line
 * and the terminal's (pure). The activity's clock runs on the client: `sinceMs` is how long it had
 * lasted when the relay sent the frame, so the words add the time since it was received.
 *
 * @example
 * ```ts
 * liveStatusWords({ contextTokens: 84_000, contextWindow: 200_000, costUsd: 0.1234, activity: { kind: "tool", tool: "Bash", sinceMs: 9_000 } }, 3_000);
 * // { context: "42% context", contextShare: 0.42, cost: "$0.12", activity: "Bash · 12 s" }
 * ```
 */

/** The fields of `session.status` the words are made of (the message itself fits). */
export interface LiveStatus {
  contextTokens?: number;
  contextWindow?: number;
  costUsd?: number;
  rateLimits?: ReadonlyArray<{ window: string; utilization?: number; status?: string; resetsAt?: string }>;
  activity?: { kind: string; tool?: string; sinceMs: number; attempt?: number; maxRetries?: number };
  tasks?: ReadonlyArray<LiveTask>;
}

export interface LiveTask {
  taskId: string;
  description: string;
  state: string;
  startedAt: string;
  taskType?: string;
  toolUseId?: string;
}

export interface LiveStatusWords {
  /** "42% context", "<1% context" (undefined until both figures are known). */
  context?: string;
  /** The same as a share 0–1, for a ring. */
  contextShare?: number;
  /** "$0.12" (cents; "<$0.01" for less than a cent but more than nothing). */
  cost?: string;
  /** "Bash · 12 s", "Thinking… 3 s", "Retrying 2/10…", "Compacting…". */
  activity?: string;
  /** "5-hour limit 92%" when a window is at or above {@link RATE_LIMIT_WARNING} or the relay says it warns or refuses. */
  rateLimit?: string;
  /** How many tasks run now. */
  running: number;
}

/** From this share of a rate-limit window on, the status line warns. */
export const RATE_LIMIT_WARNING = 0.8;

/**
 * The words for `status`, `elapsedMs` after it was received.
 *
 * @example
 * liveStatusWords({ activity: { kind: "retrying", attempt: 2, maxRetries: 10, sinceMs: 0 } }, 0).activity; // "Retrying 2/10…"
 */
export function liveStatusWords(status: LiveStatus, elapsedMs: number): LiveStatusWords {
  const { contextTokens, contextWindow, costUsd } = status;
  const share = contextTokens !== undefined && contextWindow ? Math.min(1, contextTokens / contextWindow) : undefined;
  const limit = rateLimitWords(status.rateLimits ?? []);
  const activity = status.activity && activityWords(status.activity, elapsedMs);
  return {
    ...(share !== undefined && { context: `${share > 0 && share < 0.005 ? "<1" : Math.round(share * 100)}% context`, contextShare: share }),
    ...(costUsd !== undefined && { cost: costWords(costUsd) }),
    ...(activity && { activity }),
    ...(limit && { rateLimit: limit }),
    running: (status.tasks ?? []).filter((task) => task.state === "running").length,
  };
}

/** "$0.12"; "<$0.01" for a fraction of a cent; "$0.00" for nothing spent. */
export function costWords(usd: number): string {
  if (usd > 0 && usd < 0.005) return "<$0.01";
  return `$${usd.toFixed(2)}`;
}

/** Seconds as "12 s", "3 min 05 s", "1 h 02 min". */
export function secondsWords(ms: number): string {
  return durationWords(ms, SPACED_UNITS);
}

/** How a duration's units are written after the numbers. */
export interface DurationUnits {
  s: string;
  min: string;
  h: string;
}

/** "12 s", "3 min 05 s", "2 h 07 min". */
export const SPACED_UNITS: DurationUnits = { s: " s", min: " min", h: " h" };

/**
 * A duration to the second below a minute, to the second within the hour, to the minute above,
 * in `units` (the web's spaced ones; the terminal's compact "12s", "3m 05s").
 *
 * @example
 * durationWords(185_000, { s: "s", min: "m", h: "h" }); // "3m 05s"
 */
export function durationWords(ms: number, units: DurationUnits): string {
  const seconds = Math.max(0, Math.floor(ms / 1000));
  if (seconds < 60) return `${seconds}${units.s}`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `${minutes}${units.min} ${String(seconds % 60).padStart(2, "0")}${units.s}`;
  return `${Math.floor(minutes / 60)}${units.h} ${String(minutes % 60).padStart(2, "0")}${units.min}`;
}

function activityWords(activity: NonNullable<LiveStatus["activity"]>, elapsedMs: number): string {
  const took = secondsWords(activity.sinceMs + elapsedMs);
  switch (activity.kind) {
    case "tool":
      return `${activity.tool ?? "A tool"} · ${took}`;
    case "thinking":
      return `Thinking… ${took}`;
    case "retrying":
      return `Retrying ${activity.attempt ?? "?"}${activity.maxRetries !== undefined ? `/${activity.maxRetries}` : ""}…`;
    case "compacting":
      return "Compacting…";
    default:
      return `Working · ${took}`;
  }
}

/** The most used window when it warns: "5-hour limit 92%" (or "… reached" when refused). */
function rateLimitWords(limits: NonNullable<LiveStatus["rateLimits"]>): string | undefined {
  const warning = limits
    .filter((limit) => limit.status === "rejected" || limit.status === "allowed_warning" || (limit.utilization ?? 0) >= RATE_LIMIT_WARNING)
    .sort((a, b) => (b.status === "rejected" ? 2 : (b.utilization ?? 0)) - (a.status === "rejected" ? 2 : (a.utilization ?? 0)))[0];
  if (!warning) return undefined;
  const name = windowName(warning.window);
  if (warning.status === "rejected") return `${name} limit reached`;
  return warning.utilization !== undefined ? `${name} limit ${Math.round(warning.utilization * 100)}%` : `${name} limit near`;
}

/** Claude's rateLimitType in words: five_hour → "5-hour", seven_day → "7-day", seven_day_opus → "7-day Opus". */
function windowName(window: string): string {
  return window
    .replace(/^five_hour/, "5-hour")
    .replace(/^seven_day/, "7-day")
    .replace(/_(\w)/g, (_, letter: string) => ` ${letter.toUpperCase()}`);
}
