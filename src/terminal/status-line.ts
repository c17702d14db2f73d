/**
 * The line above the input that says what is going on (pure): a spinner with the elapsed time and
 * the current tool while Claude works, the permission question with the keys that answer it,
 * reconnecting, Claude restarting. Nothing when Claude is ready and nothing is asked.
 *
 * @example
 * ```ts
 * statusLine({ style, state: "busy", workingForMs: 12_000, tool: "Bash: npm test", frame: 3, lineEmpty: true, connection: "open" });
 * // "⠸ Claude is working · Bash: npm test · 12s · Ctrl-C interrupts"
 * ```
 */
import type { PermissionRequestMessage } from "../client/messages.ts";
import type { LiveStatusWords } from "../shared/live-status-words.ts";
import { elapsedInWords, stateInWords } from "./state-words.ts";
import type { Style } from "./style.ts";
import { toolLabel } from "./tool-call.ts";

export interface StatusInput {
  style: Style;
  /** The client's connection: anything but "open" is shown first. */
  connection: "open" | "connecting" | "authenticating" | "reconnecting" | "closed" | "idle";
  /** Reconnect attempt, while reconnecting. */
  attempt?: number;
  /** The session's state; undefined before auth.ok. */
  state?: string;
  /** How long Claude has been working on the current turn. */
  workingForMs?: number;
  /** The tool Claude runs now. */
  tool?: string;
  /** The live view's words (session.status): what Claude does ("Retrying 2/10…"), context and cost, running tasks. */
  live?: LiveStatusWords;
  /** The oldest pending permission request, and how many are pending. */
  pending?: { request: PermissionRequestMessage; count: number };
  /** Typing "reason for denying" for this tool. */
  reasonFor?: string;
  /** Claude's question being answered (AskUserQuestion): which one, and how to answer it. */
  question?: { index: number; count: number; hint: string };
  cwd?: string;
  /** The input line is empty (so a single key answers a permission request). */
  lineEmpty: boolean;
  /** Ctrl-C was pressed once; once more quits. */
  quitArmed: boolean;
  /** Spinner frame counter. */
  frame: number;
}

/**
 * The status line, or undefined when there is nothing to say.
 *
 * @example
 * statusLine({ style, connection: "open", state: "ready", lineEmpty: true, quitArmed: false, frame: 0 }); // undefined
 */
export function statusLine(input: StatusInput): string | undefined {
  const { style } = input;
  const spin = style.symbols.spinner[input.frame % style.symbols.spinner.length]!;
  const quit = input.quitArmed ? style.paint("bold", " · Ctrl-C again quits") : "";
  if (input.connection === "reconnecting" || input.connection === "connecting" || input.connection === "authenticating") {
    const attempt = input.attempt !== undefined ? ` (attempt ${input.attempt})` : "";
    return style.paint("yellow", `${spin} connection lost; reconnecting${attempt} · typed prompts are sent once back`) + quit;
  }
  if (input.reasonFor !== undefined) {
    return style.paint("yellow", `${style.symbols.ask} why deny ${input.reasonFor}? Type the reason for Claude and press Enter · Ctrl-C goes back`);
  }
  if (input.question) {
    const { index, count, hint } = input.question;
    return (
      style.paint("yellow", `${style.symbols.ask} Claude asks${count > 1 ? ` (question ${index + 1} of ${count})` : ""}`) +
      ` — ${style.paint("bold", hint)}${quit}`
    );
  }
  if (input.pending) {
    const { request, count } = input.pending;
    const which = count > 1 ? ` (1 of ${count})` : "";
    const forSession = (request.suggestions?.length ?? 0) > 0;
    // With the session key too, shorter words keep every key within a 100-column line.
    const answers = forSession ? "y allow · s allow for session · n deny · r reason" : "y allow · n deny · r deny with a reason";
    const keys = input.lineEmpty ? answers : `clear your input (Ctrl-U) to answer with y${forSession ? " / s" : ""} / n / r, or type /allow or /deny`;
    return (
      style.paint("yellow", `${style.symbols.ask} Claude wants to use ${toolLabel(request.toolName, request.input, input.cwd, 70)}${which}`) +
      ` — ${style.paint("bold", keys)}${quit}`
    );
  }
  const usage = usageWords(input.live);
  switch (input.state) {
    case undefined:
    case "ready":
      if (input.quitArmed) return style.paint("bold", "Ctrl-C again quits (or /quit)");
      return usage ? style.paint("dim", usage.slice(3)) : undefined;
    case "busy":
    case "waiting_permission": {
      // The tool as the transcript names it (with its command or file); else what the status says (retrying, compacting, thinking).
      const doing = input.tool ?? input.live?.activity;
      const tool = doing ? ` · ${doing}` : "";
      const took = input.workingForMs !== undefined ? ` · ${elapsedInWords(input.workingForMs)}` : "";
      return `${style.paint("cyan", spin)} Claude is working${tool}${took}${style.paint("dim", `${usage} · Ctrl-C interrupts`)}${quit}`;
    }
    case "failed":
    case "stopping":
      return style.paint("red", `${style.symbols.fail} Claude ${input.state === "failed" ? "has" : "is"} ${stateInWords(input.state)}`) + quit;
    default:
      return `${style.paint("cyan", spin)} Claude is ${stateInWords(input.state)}…${quit}`;
  }
}

/** " · 42% context · $0.12 · 5-hour limit 92% · 1 task running (/tasks)", or "" when nothing is known. */
function usageWords(live: LiveStatusWords | undefined): string {
  if (!live) return "";
  const running = live.running > 0 ? `${live.running} task${live.running === 1 ? "" : "s"} running (/tasks)` : undefined;
  return [live.context, live.cost, live.rateLimit, running]
    .filter((words) => words !== undefined)
    .map((words) => ` · ${words}`)
    .join("");
}
