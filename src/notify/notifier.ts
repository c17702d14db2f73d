/**
 * Runs `--notify-command` for what a person away from the screen wants to know: Claude asks for a
 * permission, a turn finished, a session failed. The command runs without a shell (its argv from
 * notify-command.ts) with one JSON line on stdin, the {@link Notification}.
 *
 * It never holds a session up: `notify()` only starts a process (or queues the notification) and
 * returns; every failure is caught and logged with what was being notified. Per event kind at most
 * one command runs at a time; a notification that comes while one runs waits, and a newer one of
 * the same kind replaces it (the person gets the latest news, not a backlog). A command still
 * running after `timeoutMs` (10 s) is killed with its process group.
 *
 * @example
 * ```ts
 * const notifier = new Notifier({ argv: ["notify-send", "Claude"], log });
 * notifier.notify({ event: "turn_finished", sessionId, cwd: "/home/me/app", time: new Date().toISOString(), isError: false });
 * await notifier.close(); // at shutdown
 * ```
 */
import { defaultAdapter } from "../claude/adapter/index.ts";
import type { ChildHandle, SubprocessAdapter } from "../claude/adapter/types.ts";
import type { Logger } from "../log/logger.ts";
import { type Clock, systemClock } from "../shared/clock.ts";

export const NOTIFY_EVENTS = ["permission", "turn_finished", "failed"] as const;
export type NotifyEvent = (typeof NOTIFY_EVENTS)[number];

/** The JSON line the command reads on stdin. */
export interface Notification {
  event: NotifyEvent;
  sessionId: string;
  /** The session's working directory. */
  cwd: string;
  /** The session's title (its first prompt's first line), once it has one. */
  title?: string;
  /** RFC 3339: when it happened. */
  time: string;
  /** permission: the tool Claude asks to use. */
  tool?: string;
  /** permission: what the tool would act on (a command, a file path, a URL …), cut to 200 characters. */
  detail?: string;
  /** permission: the request's id (answer it with permission.response). */
  requestId?: string;
  /** turn_finished: whether the turn ended in an error. */
  isError?: boolean;
  /** turn_finished: Claude's final text, cut to 500 characters. */
  result?: string;
  /** failed: restarts before Claude was given up. */
  restarts?: number;
}

export interface NotifierOptions {
  /** The command and its arguments. */
  argv: readonly string[];
  log: Logger;
  /** A command running longer is killed. Default 10 s. */
  timeoutMs?: number;
  env?: Record<string, string | undefined>;
  adapter?: SubprocessAdapter;
  clock?: Clock;
}

/** Bytes of a failing command's stderr kept for the log. */
const STDERR_KEPT = 2048;

interface Slot {
  running: Promise<void> | undefined;
  child: ChildHandle | undefined;
  waiting: Notification | undefined;
}

export class Notifier {
  readonly #argv: readonly string[];
  readonly #log: Logger;
  readonly #timeoutMs: number;
  readonly #env: Record<string, string | undefined>;
  readonly #adapter: SubprocessAdapter;
  readonly #clock: Clock;
  readonly #slots = new Map<NotifyEvent, Slot>(NOTIFY_EVENTS.map((event) => [event, { running: undefined, child: undefined, waiting: undefined }]));
  #closed = false;

  constructor(options: NotifierOptions) {
    if (options.argv.length === 0) throw new Error("Notifier: argv must name a program");
    this.#argv = options.argv;
    this.#log = options.log;
    this.#timeoutMs = options.timeoutMs ?? 10_000;
    this.#env = options.env ?? process.env;
    this.#adapter = options.adapter ?? defaultAdapter();
    this.#clock = options.clock ?? systemClock;
  }

  /** Runs the command for `notification` now, or after the one of its kind that runs (replacing any waiting). */
  notify(notification: Notification): void {
    if (this.#closed) return;
    const slot = this.#slots.get(notification.event)!;
    if (slot.running) {
      if (slot.waiting)
        this.#log.debug("notification replaced by a newer one before its command ran", { event: notification.event, sessionId: slot.waiting.sessionId });
      slot.waiting = notification;
      return;
    }
    this.#start(slot, notification);
  }

  /**
   * At shutdown: nothing new starts, waiting notifications are dropped, and commands still running
   * get up to `graceMs` to finish (a failed-session notice is often the last thing the relay sends)
   * before they are killed.
   */
  async close(graceMs = 2000): Promise<void> {
    this.#closed = true;
    const running = [...this.#slots.values()].flatMap((slot) => {
      slot.waiting = undefined;
      return slot.running ? [{ slot, running: slot.running }] : [];
    });
    if (running.length === 0) return;
    let timer: unknown;
    const deadline = new Promise<void>((resolve) => (timer = this.#clock.setTimeout(resolve, graceMs)));
    await Promise.race([Promise.all(running.map((entry) => entry.running)), deadline]);
    this.#clock.clearTimeout(timer);
    for (const { slot } of running) slot.child?.killGroup("SIGKILL");
    await Promise.all(running.map((entry) => entry.running));
  }

  #start(slot: Slot, notification: Notification): void {
    slot.running = this.#run(slot, notification)
      .catch((error: unknown) => this.#log.error("notify command: unexpected failure", { ...context(notification), error: String(error) }))
      .finally(() => {
        slot.running = undefined;
        slot.child = undefined;
        const next = slot.waiting;
        slot.waiting = undefined;
        if (next && !this.#closed) this.#start(slot, next);
      });
  }

  async #run(slot: Slot, notification: Notification): Promise<void> {
    const [cmd, ...args] = this.#argv as [string, ...string[]];
    const fields = { ...context(notification), command: cmd };
    let child: ChildHandle;
    try {
      child = this.#adapter.spawn({ cmd, args, env: this.#env });
    } catch (error) {
      this.#log.warn("notify command could not be started; check --notify-command", { ...fields, error: (error as Error).message });
      return;
    }
    slot.child = child;
    const timer = this.#clock.setTimeout(() => {
      this.#log.warn(`notify command still running after ${this.#timeoutMs} ms: killed`, { ...fields, pid: child.pid });
      child.killGroup("SIGKILL");
    }, this.#timeoutMs);
    child.write(`${JSON.stringify(notification)}\n`);
    child.end();
    const [exit, , stderr] = await Promise.all([child.exited, drain(child.stdout, 0), drain(child.stderr, STDERR_KEPT)]);
    this.#clock.clearTimeout(timer);
    if (exit.code === 0) return this.#log.debug("notify command done", fields);
    const how =
      exit.code !== null
        ? `exit code ${exit.code}`
        : exit.signal !== null
          ? `signal ${exit.signal}`
          : "no exit status (it could not be started: is it installed and executable?)";
    this.#log.warn(`notify command failed: ${how}`, { ...fields, pid: child.pid, code: exit.code, signal: exit.signal, ...(stderr && { stderr }) });
  }
}

/** What a log line about a notification says about it. */
function context(notification: Notification): Record<string, unknown> {
  return { event: notification.event, sessionId: notification.sessionId };
}

/** Reads a stream to its end (so the child never blocks on a full pipe), keeping its last `keep` bytes as text. */
async function drain(stream: AsyncIterable<Uint8Array>, keep: number): Promise<string> {
  let tail = new Uint8Array(0);
  try {
    for await (const chunk of stream) {
      if (keep === 0) continue;
      const joined = new Uint8Array(tail.length + chunk.length);
      joined.set(tail);
      joined.set(chunk, tail.length);
      tail = joined.subarray(Math.max(0, joined.length - keep));
    }
  } catch {
    // the pipe broke with the child; what was read is enough
  }
  return new TextDecoder().decode(tail).trim();
}
