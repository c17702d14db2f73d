/**
 * The live view in the interactive terminal (v3; the client opts in with `partial`): Claude's
 * text printed as it is written (streamed-text.ts: whole lines above the input, the unfinished
 * one live above the status line) and not again when the complete message comes; the followed
 * session's `session.status` for the status line (context, cost, what Claude does, running
 * tasks); `/tasks` lists the session's sub-agents and background commands and `/stop-task ID`
 * stops a running one (its id or the start of it, or its number in /tasks).
 *
 * @example
 * ```ts
 * const live = new LiveCommands(out, { now: Date.now, columns: () => 80, setLive: (text) => editor.setLive(text) });
 * client.on("claude.partial", (message) => live.partial(message));
 * const textShown = live.settle(event); // before the transcript prints the event
 * live.tasks();                          // /tasks
 * live.stopTask("a4e2");                 // /stop-task a4e2
 * ```
 */
import type { ClaudePartialMessage, SessionEventMessage, SessionStatusMessage } from "../../client/messages.ts";
import { type LiveStatusWords, type LiveTask, liveStatusWords, secondsWords } from "../../shared/live-status-words.ts";
import { StreamedText } from "../../terminal/streamed-text.ts";
import { oneLine } from "../../terminal/tool-call.ts";
import type { ViewOutput } from "./view-output.ts";

export interface LiveIo {
  now(): number;
  /** The terminal's width (Infinity: not a terminal, no wrapping). */
  columns(): number;
  /** Shows the unfinished line of Claude's text above the status line (undefined: none). */
  setLive(text: string | undefined): void;
}

export class LiveCommands {
  readonly #out: ViewOutput;
  readonly #io: LiveIo;
  readonly #streamed: StreamedText;
  /** The followed session's status as last received, and when. */
  #status: { status: SessionStatusMessage; at: number } | undefined;

  constructor(out: ViewOutput, io: LiveIo) {
    this.#out = out;
    this.#io = io;
    this.#streamed = new StreamedText(out.style);
  }

  /** A `claude.partial` of the followed session: its text on the screen as it comes. */
  partial(message: ClaudePartialMessage): void {
    if (message.sessionId === this.#out.client.sessionId) this.#take(message.event);
  }

  /**
   * A live event of the followed session, before the transcript prints it: ends the text being
   * written when its complete message (or the turn's end) comes. Returns whether that message's
   * text is on the screen already (the transcript then prints only its tool calls).
   */
  settle(event: SessionEventMessage): boolean {
    return event.type === "claude.event" && this.#take(event.event);
  }

  /** `session.status`: kept for the status line when it is the followed session's. */
  status(message: SessionStatusMessage): void {
    if (message.sessionId !== this.#out.client.sessionId) return;
    this.#status = { status: message, at: this.#io.now() };
    this.#out.refresh();
  }

  /** The connection was lost or another session is followed: what was being written and the status are forgotten. */
  reset(): void {
    this.#streamed.reset();
    this.#io.setLive(undefined);
    this.#status = undefined;
  }

  /** The status line's words, when the relay sent a status. */
  words(): LiveStatusWords | undefined {
    return this.#status && liveStatusWords(this.#status.status, this.#io.now() - this.#status.at);
  }

  /** `/tasks`: the session's tasks, numbered, running ones with their id to stop them. */
  tasks(): void {
    const { style } = this.#out;
    const tasks = this.#tasks();
    if (tasks.length === 0)
      return this.#out.print(style.paint("dim", `${style.symbols.info} no tasks in this session (sub-agents and background commands show here)`));
    this.#out.print(
      ...tasks.map((task, index) => {
        const running = task.state === "running";
        const took = running && !Number.isNaN(Date.parse(task.startedAt)) ? ` · ${secondsWords(Date.now() - Date.parse(task.startedAt))}` : "";
        const line = `${index + 1}. ${taskKind(task)}: ${oneLine(task.description, 80)} · ${task.state}${took} · ${task.taskId}`;
        return running ? line : style.paint("dim", line);
      }),
      style.paint("dim", "/stop-task ID (or its number) stops a running one"),
    );
  }

  /** `/stop-task ID`: stops the running task with that id (or the start of it), or that number in /tasks. */
  stopTask(args: readonly string[]): void {
    const [which] = args;
    const tasks = this.#tasks();
    if (which === undefined || args.length > 1) return this.#out.problem("/stop-task takes one task: its id (or the start of it) or its number in /tasks");
    const byNumber = /^\d+$/.test(which) ? tasks[Number(which) - 1] : undefined;
    const matches = byNumber ? [byNumber] : tasks.filter((task) => task.taskId.startsWith(which));
    if (matches.length === 0) return this.#out.problem(`no task ${which} in this session; /tasks lists them`);
    if (matches.length > 1) return this.#out.problem(`${which} matches ${matches.length} tasks; give more of the id`);
    const task = matches[0]!;
    if (task.state !== "running") return this.#out.problem(`task ${task.taskId} is ${task.state} already`);
    try {
      this.#out.client.stopTask(task.taskId);
      this.#out.print(
        this.#out.style.paint("dim", `${this.#out.style.symbols.info} stopping ${taskKind(task).toLowerCase()} “${oneLine(task.description, 60)}”`),
      );
    } catch (error) {
      this.#out.problem((error as Error).message);
    }
  }

  #tasks(): readonly LiveTask[] {
    return this.#status?.status.tasks ?? [];
  }

  /** Shows what a line adds to the text being written; returns whether it superseded streamed text. */
  #take(line: unknown): boolean {
    const step = this.#streamed.take(line, this.#io.columns());
    this.#io.setLive(step.live);
    this.#out.print(...step.print);
    return step.superseded;
  }
}

function taskKind(task: LiveTask): string {
  return task.taskType === "local_agent" ? "Sub-agent" : task.taskType === "local_bash" ? "Command" : "Task";
}
