/**
 * One turn for scripts (`connect URL --prompt TEXT`, or a prompt piped in): Claude's answer text on
 * stdout as it comes, progress and permission notes on stderr, and an exit code: 0 when the turn
 * succeeds, 1 when it ends in an error. Only this turn's permission requests are answered, by the
 * `--yes` / `--allow` policy (default: deny, saying how to allow).
 *
 * @example
 * ```ts
 * await client.connect(url);
 * const code = await runOneShot(client, { text: "run the tests", policy: { kind: "tools", tools: ["Bash"] } }, io);
 * ```
 */
import type { RelayClient } from "../../client/client.ts";
import type { PermissionRequestMessage } from "../../client/messages.ts";
import { allowAll, allowTools, denyAll, type PermissionDecision, type PermissionPolicy } from "../../client/permission-policy.ts";
import { runTurn } from "../../client/turn.ts";
import { stateInWords } from "../../terminal/state-words.ts";
import type { Style } from "../../terminal/style.ts";
import { toolLabel } from "../../terminal/tool-call.ts";
import { EXIT_FAILED, EXIT_OK, exitCodeFor } from "./exit-codes.ts";
import type { PolicyChoice } from "./options.ts";

export interface OneShotIo {
  /** Claude's answer text, written as it comes (no newline added). */
  out(text: string): void;
  /** One note line for stderr. */
  note(line: string): void;
  style: Style;
  /** Aborting interrupts the turn (it then ends in an error: exit 1). */
  signal?: AbortSignal;
  /** Claude's text goes to `out` (false with --json, where the frames are the output). */
  text: boolean;
}

/**
 * The policy a choice stands for.
 *
 * @example
 * policyFor({ kind: "tools", tools: ["Write"] });
 */
export function policyFor(choice: PolicyChoice): PermissionPolicy {
  return choice.kind === "all" ? allowAll : choice.kind === "tools" ? allowTools(choice.tools) : denyAll;
}

/**
 * Runs the turn on a connected client; resolves with the exit code.
 *
 * @example
 * const code = await runOneShot(client, { text: "hi", policy: { kind: "deny" } }, io);
 */
export async function runOneShot(client: RelayClient, turn: { text: string; policy: PolicyChoice }, io: OneShotIo): Promise<number> {
  const { style } = io;
  const dim = (text: string) => io.note(style.paint("dim", `${style.symbols.info} ${text}`));
  let lastWait: string | undefined;
  /** Claude's working directory (from its init line): paths under it are shown relative. */
  let cwd: string | undefined;
  const stops = [
    client.on("disconnect", (lost) => {
      if (lost.willReconnect)
        dim(`connection lost (close ${lost.code}); reconnecting in ${((lost.delayMs ?? 0) / 1000).toFixed(1)} s (attempt ${lost.attempt})`);
    }),
    client.on("auth.ok", (_, { resumed }) => {
      if (resumed) dim("reconnected");
    }),
  ];
  try {
    const outcome = await runTurn(client, turn.text, {
      permissionPolicy: policyFor(turn.policy),
      ...(io.signal && { signal: io.signal }),
      onText: (chunk) => {
        if (io.text) io.out(chunk);
      },
      onWait: (state) => {
        if (state === lastWait) return;
        lastWait = state;
        dim(
          `waiting to send the prompt: Claude is ${stateInWords(state)}${state === "busy" || state === "waiting_permission" ? " on another device's turn" : ""}`,
        );
      },
      onQueued: (ahead) => dim(`the prompt waits behind ${ahead === 1 ? "another device's turn" : `${ahead} turns of other devices`}`),
      onEvent: (event) => {
        if (event.type !== "claude.event") return;
        cwd = initCwd(event.event) ?? cwd;
        for (const label of toolUses(event.event, cwd)) dim(label);
      },
      onPermission: (request, decision) => io.note(permissionNote(request, decision, turn.policy, style, cwd)),
    });
    if (outcome.ok) return EXIT_OK;
    io.note(style.paint("red", `claude-relay: the turn ended in an error: ${outcome.error ?? "unknown error"}`));
    // Claude's own words for missing credentials ("Please run /login") do not apply to the relay's machine.
    const problem = client.sessionState?.claudeAuthError;
    if (problem) io.note(style.paint("red", `claude-relay: Claude cannot log in to the Anthropic API: ${problem.message}`));
    return EXIT_FAILED;
  } catch (error) {
    io.note(style.paint("red", `claude-relay: ${(error as Error).message}`));
    return exitCodeFor(error);
  } finally {
    for (const stop of stops) stop();
  }
}

/**
 * What stderr says about one permission request: allowed and by which flag, or denied and how to
 * allow it next time.
 *
 * @example
 * permissionNote(bashRequest, { behavior: "deny", message: "…" }, { kind: "tools", tools: ["Write"] }, style);
 * // "✗ denied Bash: rm -rf build (not in --allow Write); to allow it: --allow Write,Bash, or --yes for every tool"
 */
export function permissionNote(request: PermissionRequestMessage, decision: PermissionDecision, policy: PolicyChoice, style: Style, cwd?: string): string {
  const label = toolLabel(request.toolName, request.input, cwd);
  if (decision.behavior === "allow") {
    const by = policy.kind === "all" ? "--yes" : policy.kind === "tools" ? `--allow ${policy.tools.join(",")}` : "the policy";
    return style.paint("green", `${style.symbols.ok} allowed ${label} (${by})`);
  }
  const why =
    policy.kind === "tools"
      ? `not in --allow ${policy.tools.join(",")}); to allow it: --allow ${[...policy.tools, request.toolName].join(",")}, or --yes for every tool`
      : `one-shot turns deny tools that need permission); to allow it: --allow ${request.toolName}, or --yes for every tool`;
  return style.paint("yellow", `${style.symbols.fail} denied ${label} (${why}`);
}

/** The tool calls in one of Claude's lines, as labels. */
function toolUses(event: unknown, cwd: string | undefined): string[] {
  const line = event as { type?: unknown; message?: { content?: unknown } } | null;
  if (line?.type !== "assistant" || !Array.isArray(line.message?.content)) return [];
  return (line.message.content as Array<{ type?: unknown; name?: unknown; input?: unknown }>)
    .filter((block) => block.type === "tool_use" && typeof block.name === "string")
    .map((block) => toolLabel(block.name as string, block.input, cwd));
}

/** The working directory Claude's `system`/`init` line names. */
function initCwd(event: unknown): string | undefined {
  const line = event as { type?: unknown; subtype?: unknown; cwd?: unknown } | null;
  return line?.type === "system" && line.subtype === "init" && typeof line.cwd === "string" ? line.cwd : undefined;
}
