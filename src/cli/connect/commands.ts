/**
 * What a line typed into `claude-relay connect` asks for (pure): a prompt for Claude, or one of
 * the slash commands. A line starting with `//` sends the rest as a prompt that starts with `/`
 * (e.g. one of Claude's own slash commands).
 *
 * @example
 * ```ts
 * parseInput("fix the test");     // { kind: "prompt", text: "fix the test" }
 * parseInput("/deny 3f2a too risky"); // { kind: "deny", args: ["3f2a", "too", "risky"] }
 * parseInput("/frobnicate");        // { kind: "unknown", command: "/frobnicate", suggestion: undefined }
 * ```
 */
import type { PermissionRequestMessage } from "../../client/messages.ts";
import { closest } from "../suggest.ts";

export type InputAction =
  | { kind: "empty" }
  | { kind: "prompt"; text: string }
  | { kind: "allow"; args: string[] }
  | { kind: "deny"; args: string[] }
  | { kind: "interrupt" }
  | { kind: "sessions" }
  | { kind: "switch"; args: string[] }
  | { kind: "new"; dir: string; worktree?: string }
  | { kind: "changes" }
  | { kind: "diff"; path: string }
  | { kind: "mode"; args: string[] }
  | { kind: "model"; args: string[] }
  | { kind: "image"; path: string }
  | { kind: "tasks" }
  | { kind: "stop-task"; args: string[] }
  | { kind: "quit" }
  | { kind: "help" }
  | { kind: "unknown"; command: string; suggestion?: string };

/** The slash commands and what they do, for /help (the order shown). */
export const COMMANDS: ReadonlyArray<{ name: string; usage: string; help: string; kind: Exclude<InputAction["kind"], "empty" | "prompt" | "unknown"> }> = [
  { name: "/sessions", usage: "/sessions", help: "the relay's sessions: what each is doing, where, who is connected (* marks this one)", kind: "sessions" },
  { name: "/switch", usage: "/switch ID", help: "follow another session (its id or the start of it), showing its last turn", kind: "switch" },
  {
    name: "/new",
    usage: "/new DIR [--worktree BRANCH]",
    help: "start a session (its own Claude) in DIR on the relay's machine and follow it; --worktree: in a new git worktree on a new BRANCH",
    kind: "new",
  },
  {
    name: "/changes",
    usage: "/changes",
    help: "what changed in the session's directory against git's HEAD: each file with its status and +/− lines",
    kind: "changes",
  },
  { name: "/diff", usage: "/diff PATH", help: "one changed file's diff against HEAD, coloured (PATH as /changes lists it; Tab completes it)", kind: "diff" },
  {
    name: "/mode",
    usage: "/mode [MODE]",
    help: "Claude's permission mode: the modes (* the current one), or switch to MODE (default, acceptEdits, plan …)",
    kind: "mode",
  },
  { name: "/model", usage: "/model [MODEL]", help: "Claude's model: the models Claude offers (* the current one), or switch to MODEL", kind: "model" },
  {
    name: "/image",
    usage: "/image PATH",
    help: "attach an image file (PNG, JPEG, GIF, WebP) to your next prompt; /image lists them, /image clear drops them",
    kind: "image",
  },
  { name: "/tasks", usage: "/tasks", help: "the session's sub-agents and background commands, numbered, with their state and id", kind: "tasks" },
  { name: "/stop-task", usage: "/stop-task ID", help: "stop a running task (its id, the start of it, or its number in /tasks)", kind: "stop-task" },
  { name: "/allow", usage: "/allow [id]", help: "allow a permission request (the oldest pending, or the one whose id starts with id)", kind: "allow" },
  { name: "/deny", usage: "/deny [id] [reason]", help: "deny one, telling Claude why", kind: "deny" },
  { name: "/interrupt", usage: "/interrupt", help: "interrupt Claude's current turn (also Ctrl-C)", kind: "interrupt" },
  { name: "/quit", usage: "/quit", help: "disconnect and exit (also Ctrl-D, or Ctrl-C twice)", kind: "quit" },
  { name: "/help", usage: "/help", help: "this list", kind: "help" },
];

const ALIASES: Record<string, string> = { "/exit": "/quit", "/q": "/quit", "/?": "/help" };

/** Commands whose words after the name are its arguments. */
const WITH_ARGS = new Set<InputAction["kind"]>(["allow", "deny", "switch", "mode", "model", "stop-task"]);

/**
 * Reads one submitted input (it may span lines).
 *
 * @example
 * parseInput("//compact"); // { kind: "prompt", text: "/compact" }
 */
export function parseInput(input: string): InputAction {
  const trimmed = input.trim();
  if (trimmed === "") return { kind: "empty" };
  if (!trimmed.startsWith("/")) return { kind: "prompt", text: input.trim() };
  if (trimmed.startsWith("//")) return { kind: "prompt", text: trimmed.slice(1) };
  const [typed = "", ...args] = trimmed.split(/\s+/);
  const name = ALIASES[typed] ?? typed;
  const command = COMMANDS.find((candidate) => candidate.name === name);
  if (command?.kind === "new") return newSession(trimmed.slice(typed.length).trim());
  if (command?.kind === "diff") return { kind: "diff", path: trimmed.slice(typed.length).trim() };
  if (command?.kind === "image") return { kind: "image", path: trimmed.slice(typed.length).trim() };
  if (command && WITH_ARGS.has(command.kind)) return { kind: command.kind, args } as InputAction;
  if (command) return { kind: command.kind } as InputAction;
  const suggestion = closest(
    typed,
    COMMANDS.map((candidate) => candidate.name),
  );
  return { kind: "unknown", command: typed, ...(suggestion && { suggestion }) };
}

/** `/new DIR [--worktree BRANCH]` (also `--worktree=BRANCH`): the flag is the line's last words, so DIR may hold spaces. */
function newSession(rest: string): InputAction {
  const flag = /(?:^|\s)--worktree(?:(?:=|\s+)(\S*))?$/.exec(rest);
  if (!flag) return { kind: "new", dir: rest };
  return { kind: "new", dir: rest.slice(0, flag.index).trim(), worktree: flag[1] ?? "" };
}

/**
 * The help text for the slash commands and keys.
 *
 * @example
 * console.log(helpText(true));
 */
export function helpText(keys: boolean): string {
  const width = Math.max(...COMMANDS.map((command) => command.usage.length)) + 3;
  const lines = [
    `${"  text".padEnd(width + 2)}send it to Claude as a prompt (//text sends /text, e.g. one of Claude's slash commands)`,
    ...COMMANDS.map((command) => `  ${command.usage.padEnd(width)}${command.help}`),
  ];
  if (keys) {
    lines.push(
      "Keys: Alt-Enter or a line ending in \\ starts a new line; a paste is one prompt however many lines it has.",
      "While Claude asks for permission and your input is empty: y allows, s allows for this session (when Claude offers it), n denies, r denies with a reason.",
      "Claude's questions: press an option's number, or type numbers (several: 1,3) or your own answer and Enter; n declines.",
      "Tab completes /commands, Claude's own after //, and after /diff the paths the last /changes listed.",
      "Ctrl-C interrupts Claude's turn (or clears your input); twice quits. Ctrl-D on an empty line quits.",
    );
  }
  return lines.join("\n");
}

/**
 * The request `/allow` or `/deny` means: the one whose id starts with the first argument, or the
 * oldest pending one when the first argument names none (for /deny it then starts the reason).
 *
 * @example
 * pickRequest(client.pendingPermissions, ["db03", "not", "that"]); // { request: <db03…>, rest: ["not", "that"] }
 */
export function pickRequest(
  pending: readonly PermissionRequestMessage[],
  args: readonly string[],
): { request?: PermissionRequestMessage; rest: string[]; problem?: string } {
  if (pending.length === 0) return { rest: [...args], problem: "no permission request is pending" };
  const [first, ...rest] = args;
  if (first !== undefined) {
    const matches = pending.filter((request) => request.requestId.startsWith(first));
    if (matches.length === 1) return { request: matches[0]!, rest };
    if (matches.length > 1) return { rest, problem: `${first} matches ${matches.length} requests; give more of the id` };
  }
  return { request: pending[0]!, rest: [...args] };
}

/**
 * Tab completion for a typed line: our slash commands, Claude's own (`//name`, from the
 * session's pickers), and after `/diff ` the changed paths (the last `/changes`), that start with
 * what was typed.
 *
 * @example
 * completions("/mo", ["compact"]);   // ["/mode", "/model"]
 * completions("//co", ["compact"]);  // ["//compact"]
 * completions("/diff src/", [], ["src/a.ts", "README.md"]); // ["/diff src/a.ts"]
 */
export function completions(line: string, claudeCommands: readonly string[], changedPaths: readonly string[] = []): string[] {
  if (line.startsWith("/diff ")) {
    const typed = line.slice("/diff ".length).trimStart();
    return changedPaths.filter((path) => path.startsWith(typed)).map((path) => `/diff ${path}`);
  }
  if (!line.startsWith("/") || /\s/.test(line)) return [];
  if (line.startsWith("//")) return claudeCommands.map((name) => `//${name}`).filter((candidate) => candidate.startsWith(line));
  return COMMANDS.map((command) => command.name).filter((name) => name.startsWith(line));
}
