/**
 * One prompt and its answer, for scripts: `runTurn` sends a prompt on a connected client, streams
 * Claude's answer text, answers the turn's permission requests with a policy, and resolves when
 * the turn ends. Only this turn's requests are answered: other devices may be driving the same
 * session (see turn-tracker.ts for how the turn is told apart).
 *
 * The prompt is sent once the session is idle, so the turn's place in Claude's queue is known;
 * while another device's turn runs, `onWait` is told and the prompt waits for it.
 *
 * @example
 * ```ts
 * const client = new RelayClient({ signer });
 * await client.connect("ws://127.0.0.1:7717/ws");
 * const turn = await runTurn(client, "Summarise README.md", {
 *   permissionPolicy: allowTools(["Read"]),
 *   onText: (chunk) => process.stdout.write(chunk),
 * });
 * console.log(turn.ok ? "done" : `failed: ${turn.error}`);
 * await client.close();
 * ```
 */
import { AssistantText } from "./assistant-text.ts";
import type { PromptImage, RelayClient } from "./client.ts";
import { RelayClientError } from "./errors.ts";
import type { ClaudePartialMessage, ErrorMessage, PermissionRequestMessage, ReplayGapMessage, SessionEventMessage } from "./messages.ts";
import { denyAll, type PermissionDecision, type PermissionPolicy } from "./permission-policy.ts";
import { findSession } from "./session-lookup.ts";
import { TurnTracker } from "./turn-tracker.ts";

export interface TurnOptions {
  /** Answers this turn's permission requests. Default: {@link denyAll}. */
  permissionPolicy?: PermissionPolicy;
  /** Claude's answer text as it comes (whole blocks, or deltas with `--include-partial-messages`). */
  onText?: (chunk: string) => void;
  /** Every session event of this turn, in order (Claude's lines, permission requests and answers). */
  onEvent?: (event: SessionEventMessage) => void;
  /** A permission request of this turn and how the policy answered it. */
  onPermission?: (request: PermissionRequestMessage, decision: PermissionDecision) => void;
  /** The session is busy (`state`), so the prompt waits; called each time the state changes while waiting. */
  onWait?: (state: string) => void;
  /** Our prompt is queued behind `ahead` turns of other devices. */
  onQueued?: (ahead: number) => void;
  /** Aborting interrupts the turn once it runs (it then ends with an error result); before that, gives up waiting. */
  signal?: AbortSignal;
  /** The prompt's `id` (default: a random UUID). */
  id?: string;
  /** Images for Claude to see with the prompt (v2; see `RelayClient.prompt`). */
  images?: PromptImage[];
  /**
   * The session to run the turn in (its id or the unambiguous start of it). Default: the session
   * the client follows. Another one is followed first (`client.follow`, live events only), and the
   * client keeps following it afterwards.
   */
  sessionId?: string;
}

export interface TurnOutcome {
  /** The turn ended with a result that is not an error. */
  ok: boolean;
  /** Claude's answer text: every text block of the turn, each ending with a newline. */
  text: string;
  /** Claude's `result` line, when the turn got that far. */
  result?: Record<string, unknown>;
  /** Why the turn failed, in words (absent when ok). */
  error?: string;
  /** The permission requests of this turn and the answers given. */
  permissions: Array<{ request: PermissionRequestMessage; decision: PermissionDecision }>;
}

/**
 * States in which a prompt is sent at once: nothing in flight (`ready`; `idle`: Claude stopped
 * until the next prompt), or the relay answers it with an error right away.
 */
const SEND_NOW = new Set(["ready", "idle", "failed", "stopping"]);

/**
 * Runs one turn on a connected client. Resolves with the outcome (also for a turn that ends in an
 * error); rejects when the client closes for good first, or is not connected.
 *
 * @example
 * const { ok, text } = await runTurn(client, "What does src/cli.ts do?");
 */
export async function runTurn(client: RelayClient, text: string, options: TurnOptions = {}): Promise<TurnOutcome> {
  const wanted = options.sessionId;
  if (wanted !== undefined && client.sessionId !== wanted) {
    const found = findSession(client.sessions, wanted);
    if (!found.ok || found.session.sessionId !== client.sessionId) await client.follow(wanted);
  }
  return turnInFollowedSession(client, text, options);
}

function turnInFollowedSession(client: RelayClient, text: string, options: TurnOptions): Promise<TurnOutcome> {
  const state = client.sessionState;
  if (state === undefined || client.state === "idle" || client.state === "closed") {
    return Promise.reject(
      new RelayClientError(client.state === "closed" ? "closed" : "not_connected", `runTurn needs a connected client (it is ${client.state})`),
    );
  }
  const id = options.id ?? crypto.randomUUID();
  const policy = options.permissionPolicy ?? denyAll;
  const answer = new AssistantText();
  const permissions: TurnOutcome["permissions"] = [];
  let answerText = "";
  let tracker: TurnTracker | undefined;

  return new Promise<TurnOutcome>((resolve, reject) => {
    const stops: Array<() => void> = [];
    const finish = (outcome: Omit<TurnOutcome, "text" | "permissions"> | Error) => {
      for (const stop of stops.splice(0)) stop();
      options.signal?.removeEventListener("abort", onAbort);
      if (outcome instanceof Error) reject(outcome);
      else resolve({ ...outcome, text: answerText, permissions });
    };
    const send = () => {
      tracker = new TurnTracker({ id, text, ...(client.clientId !== undefined && { clientId: client.clientId }) });
      client.prompt(text, id, options.images);
    };
    const onAbort = () => {
      if (tracker?.status.phase === "running") client.interrupt();
      else finish({ ok: false, error: "aborted before the turn started" });
    };

    const onEvent = (event: SessionEventMessage) => {
      // Other sessions the client follows besides the one in focus have their own turns.
      if (event.sessionId !== client.sessionId) return;
      if (!tracker) {
        if (event.type === "session.state") {
          if (SEND_NOW.has(event.state)) send();
          else options.onWait?.(event.state);
        }
        return;
      }
      const before = tracker.status.phase;
      const { ours } = tracker.observe(event);
      const status = tracker.status;
      if (status.phase === "queued" && (before !== "queued" || ours)) options.onQueued?.(status.ahead);
      if (!ours) return;
      options.onEvent?.(event);
      if (event.type === "claude.event") {
        const chunk = answer.take(event.event);
        if (chunk !== undefined) {
          answerText += chunk;
          options.onText?.(chunk);
        }
      }
      if (event.type === "permission.request") void decide(event);
      if (status.phase === "done") {
        const result = status.result;
        const failed = result.is_error === true;
        finish({ ok: !failed, result, ...(failed && { error: resultError(result) }) });
      }
      if (status.phase === "lost") finish({ ok: false, error: status.reason });
    };
    const decide = async (request: PermissionRequestMessage) => {
      let decision: PermissionDecision;
      try {
        decision = await policy(request);
      } catch (error) {
        decision = { behavior: "deny", message: `the permission policy failed: ${(error as Error).message}` };
      }
      permissions.push({ request, decision });
      options.onPermission?.(request, decision);
      try {
        if (decision.behavior === "allow") client.allow(request.requestId, undefined, decision.updatedPermissions);
        else client.deny(request.requestId, decision.message);
      } catch {
        // the client closed meanwhile: the close ends the turn
      }
    };
    // With the client's `partial` option: the turn's text as it is written (the complete message then adds nothing).
    const onPartial = (partial: ClaudePartialMessage) => {
      if (partial.sessionId !== client.sessionId || tracker?.status.phase !== "running") return;
      const chunk = answer.take(partial.event);
      if (chunk !== undefined) {
        answerText += chunk;
        options.onText?.(chunk);
      }
    };
    const onGap = (gap: ReplayGapMessage) => {
      if (!tracker) return;
      tracker.gap(gap);
      if (tracker.status.phase === "lost") finish({ ok: false, error: tracker.status.reason });
    };
    const onError = (error: ErrorMessage) => {
      if (error.id === id) finish({ ok: false, error: `${error.code}: ${error.message}` });
    };

    stops.push(
      // After a reconnect the state comes in auth.ok, not as an event.
      client.on("auth.ok", (ok) => {
        if (!tracker && SEND_NOW.has(ok.state.state)) send();
      }),
      client.on("event", onEvent),
      client.on("claude.partial", onPartial),
      client.on("replay.gap", onGap),
      client.on("error", onError),
      client.on("close", (info) => finish(info.error ?? new RelayClientError("closed", "the client closed before the turn ended"))),
    );
    if (options.signal?.aborted) return finish({ ok: false, error: "aborted before the turn started" });
    options.signal?.addEventListener("abort", onAbort, { once: true });
    if (SEND_NOW.has(state.state)) send();
    else options.onWait?.(state.state);
  });
}

/** What went wrong, from Claude's error result: its text (e.g. "Invalid API key · …") or its subtype. */
function resultError(result: Record<string, unknown>): string {
  const text = typeof result.result === "string" && result.result.trim() !== "" ? result.result.trim() : undefined;
  const subtype = typeof result.subtype === "string" ? result.subtype : "error";
  if (subtype === "error_during_execution")
    return text ? `the turn was interrupted or failed: ${text}` : "the turn was interrupted or failed (error_during_execution)";
  return text ?? subtype;
}
