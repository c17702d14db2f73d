/**
 * Owns the one Claude Code process of a relay session: starts it, routes its stream-json output,
 * writes prompts and permission answers, probes its liveness, restarts it with `--resume` when it
 * dies or hangs, and ends its whole process tree on stop.
 *
 * States: `starting` (until Claude answers the relay's `initialize`) → `ready` ⇄ `busy` (a prompt
 * written, until its `result` line) → on exit or hang `restarting` → `ready` … ; more than
 * `maxCrashes` crashes within a minute → `failed`. `stop()` → `stopping` → `stopped` (also the
 * state before `start()`). Prompts sent while Claude (re)starts wait in its one queue; so do those
 * sent while `suspend()` stops it for idleness, and Claude is then started again to take them.
 *
 * Permission requests are not kept here: the supervisor turns Claude's `can_use_tool` and
 * `control_cancel_request` into events and writes the answers it is handed; the session owns the
 * table of pending requests and withdraws them when Claude dies or is interrupted.
 *
 * @example
 * ```ts
 * const claude = new ClaudeSupervisor({ bin: resolveClaudeBin(), cwd: "/repo", sessionId: randomUUID(), logger });
 * claude.on("event", (line, event) => broadcast(`{"type":"claude.event","event":${line}}`));
 * claude.on("permissionRequest", (request) => ask(request));
 * await claude.start();
 * claude.prompt("hello");
 * await claude.stop();
 * ```
 */
import { randomUUID } from "node:crypto";
import { type Logger, silentLogger } from "../log/logger.ts";
import type { PromptImage } from "../protocol/message-parts.ts";
import { isPlainObject } from "../protocol/schema.ts";
import { type Clock, systemClock } from "../shared/clock.ts";
import { Emitter } from "../shared/emitter.ts";
import { defaultAdapter } from "./adapter/index.ts";
import type { ChildHandle, ExitInfo, SubprocessAdapter } from "./adapter/types.ts";
import { claudeArgs } from "./claude-args.ts";
import { type LineEvent, LineSplitter } from "./line-splitter.ts";
import { PromptQueue } from "./prompt-queue.ts";
import { RestartPolicy, type RestartPolicyOptions } from "./restart-policy.ts";
import {
  type ClaudeLine,
  classifyClaudeLine,
  encodeControlError,
  encodeControlRequest,
  encodePermissionAnswer,
  encodePrompt,
  type PermissionAnswer,
  type PermissionRequest,
} from "./stream-json.ts";
import { transcriptPath } from "./transcript.ts";

export type ClaudeState = "starting" | "ready" | "busy" | "restarting" | "failed" | "stopping" | "stopped";

export interface ClaudeStateInfo {
  pid: number | undefined;
  restarts: number;
}

export type SupervisorEvents = {
  state: [state: ClaudeState, info: ClaudeStateInfo];
  /** Every stream-json line that is not a control line: its exact text and the parsed object. */
  event: [line: string, event: Record<string, unknown>];
  /** Claude answered the relay's `initialize` (commands, models, account …); emitted before `ready`. */
  initialized: [response: Record<string, unknown>];
  /** Claude asks to use a tool (`can_use_tool`); answer with {@link ClaudeSupervisor.answerPermission}. */
  permissionRequest: [request: PermissionRequest];
  /** Claude withdrew a request it asked (`control_cancel_request`), e.g. on interrupt. */
  permissionCancelled: [requestId: string];
};

export type PromptResult = { ok: true; queued: boolean } | { ok: false; code: "claude_unavailable"; reason: string };

/** Claude's answer to a control request the relay sent: its `response`, or why it refused (or could not answer). */
export type ControlResult = { ok: true; response: unknown } | { ok: false; error: string };

export interface SupervisorOptions {
  /** The Claude Code executable, already resolved (resolve-bin.ts), so a missing one is a start-up error. */
  bin: string;
  /** Extra args after `--`, passed to Claude unchanged. */
  extraArgs?: string[];
  cwd?: string;
  /** Claude's environment; default the relay's own. */
  env?: Record<string, string | undefined>;
  /** Default: a new UUID. Stable across restarts. */
  sessionId?: string;
  /** No answer to a control_request within this → Claude is killed and restarted. Default 60 s. */
  claudeTimeoutMs?: number;
  /**
   * No answer to `initialize` within this → the starting Claude is killed and restarted. Default:
   * the longer of `claudeTimeoutMs` and 60 s — starting (loading, MCP servers, a busy machine)
   * takes far longer than answering a liveness probe, so a short probe timeout must not kill every
   * Claude before it is up.
   */
  startTimeoutMs?: number;
  /** Prompts held while Claude (re)starts or is suspended. Default 100. */
  maxQueuedPrompts?: number;
  /** How long stop() waits after closing stdin, and again after SIGTERM. Default 2 s. */
  stopGraceMs?: number;
  maxLineBytes?: number;
  restartPolicy?: RestartPolicyOptions;
  logger?: Logger;
  adapter?: SubprocessAdapter;
  clock?: Clock;
}

/** The default `claudeTimeoutMs`, and the least time a starting Claude gets to answer `initialize`. */
const DEFAULT_CLAUDE_TIMEOUT_MS = 60_000;

/** How long an exited child's stdout may still be drained before the exit is handled. */
const DRAIN_MS = 500;

interface OwnRequest {
  subtype: string;
  timer: unknown;
  /** Told the answer, for requests sent with {@link ClaudeSupervisor.control}. */
  settle?: (result: ControlResult) => void;
}

type TimerName = "probeTimer" | "restartTimer";

export class ClaudeSupervisor {
  readonly sessionId: string;
  readonly #options: SupervisorOptions;
  readonly #events: Emitter<SupervisorEvents>;
  readonly #log: Logger;
  readonly #adapter: SubprocessAdapter;
  readonly #clock: Clock;
  readonly #env: Record<string, string | undefined>;
  readonly #claudeTimeoutMs: number;
  readonly #startTimeoutMs: number;
  readonly #stopGraceMs: number;
  readonly #policy: RestartPolicy;

  #state: ClaudeState = "stopped";
  #restarts = 0;
  #child: ChildHandle | null = null;
  /** Settles once the current child's exit has been handled. */
  #childDone: Promise<void> = Promise.resolve();
  #requestCounter = 0;
  readonly #ownRequests = new Map<string, OwnRequest>();
  /** Prompts waiting for Claude to be ready. */
  readonly #queue: PromptQueue;
  /** Set while suspend() stops Claude: prompts then wait, and start Claude again once it has exited. */
  #suspending = false;
  /** Prompts written to Claude whose `result` has not arrived. */
  #inFlight = 0;
  readonly #timers: Record<TimerName, unknown> = { probeTimer: null, restartTimer: null };
  #stopping: Promise<void> | null = null;

  constructor(options: SupervisorOptions) {
    this.#options = options;
    this.sessionId = options.sessionId ?? randomUUID();
    this.#log = (options.logger ?? silentLogger).child({ component: "claude", sessionId: this.sessionId });
    this.#events = new Emitter((error, name) => this.#log.error("supervisor listener threw", { event: name, error: String(error) }));
    this.#adapter = options.adapter ?? defaultAdapter();
    this.#clock = options.clock ?? systemClock;
    this.#env = options.env ?? process.env;
    this.#claudeTimeoutMs = options.claudeTimeoutMs ?? DEFAULT_CLAUDE_TIMEOUT_MS;
    this.#startTimeoutMs = options.startTimeoutMs ?? Math.max(this.#claudeTimeoutMs, DEFAULT_CLAUDE_TIMEOUT_MS);
    this.#queue = new PromptQueue(options.maxQueuedPrompts ?? 100, this.#log);
    this.#stopGraceMs = options.stopGraceMs ?? 2_000;
    this.#policy = new RestartPolicy(options.restartPolicy ?? {}, () => this.#clock.now());
  }

  on<K extends keyof SupervisorEvents>(name: K, listener: (...args: SupervisorEvents[K]) => void): () => void {
    return this.#events.on(name, listener);
  }

  get state(): ClaudeState {
    return this.#state;
  }

  get pid(): number | undefined {
    return this.#child?.pid;
  }

  get restarts(): number {
    return this.#restarts;
  }

  /** Whether Claude has persisted this session (a restart then uses `--resume`). */
  transcriptExists(): boolean {
    return transcriptPath(this.sessionId, this.#env) !== null;
  }

  /** Spawns Claude; resolves at spawn (a spawn that fails counts as a crash and is retried). */
  async start(): Promise<void> {
    if (this.#state !== "stopped" || this.#child) throw new Error(`cannot start: Claude is ${this.#state}`);
    this.#stopping = null;
    this.#state = "starting"; // spawn() announces it, with the pid
    this.#spawn();
  }

  /** Writes a user message (with images, if any), or queues it while Claude (re)starts or is suspended. */
  prompt(text: string, images: readonly PromptImage[] = []): PromptResult {
    const state = this.#state;
    if (state === "ready" || state === "busy") {
      this.#writePrompt(encodePrompt(text, images));
      return { ok: true, queued: false };
    }
    if (state !== "starting" && state !== "restarting" && !(state === "stopping" && this.#suspending)) {
      return { ok: false, code: "claude_unavailable", reason: `Claude is ${state}` };
    }
    if (this.#queue.push(encodePrompt(text, images))) return { ok: true, queued: true };
    const shown = this.#suspending ? "stopping (idle)" : state;
    return { ok: false, code: "claude_unavailable", reason: `Claude is ${shown} and ${this.#queue.max} prompts are already queued` };
  }

  /**
   * Sends a control request (e.g. `set_permission_mode` with `{ mode }`, `set_model` with
   * `{ model }`) to the running Claude and resolves with its answer. Written at once, so a request
   * sent while handling `initialized` reaches Claude before any queued prompt. Resolves with an
   * error when no Claude runs or it exits before answering; an unanswered request counts as a hang.
   */
  control(subtype: string, fields: Record<string, unknown> = {}): Promise<ControlResult> {
    if (!this.#child) return Promise.resolve({ ok: false, error: `Claude is ${this.#state}` });
    return new Promise((settle) => this.#sendOwnRequest(subtype, fields, settle));
  }

  /** Interrupts the current turn. False when there is no running Claude to interrupt. */
  interrupt(): boolean {
    if (!this.#child || (this.#state !== "ready" && this.#state !== "busy")) return false;
    this.#sendOwnRequest("interrupt");
    return true;
  }

  /**
   * Writes the answer to a permission request of the running Claude (the request's input is
   * needed: Claude requires it back on allow). False when no Claude runs to receive it. Whether the
   * request is still pending is the caller's to know: Claude ignores answers it no longer waits for.
   */
  answerPermission(request: Pick<PermissionRequest, "requestId" | "input">, answer: PermissionAnswer): boolean {
    if (!this.#child) return false;
    this.#child.write(encodePermissionAnswer(request, answer));
    return true;
  }

  /** Ends Claude: close stdin, wait, SIGTERM, wait, SIGKILL — always the whole process tree. */
  stop(): Promise<void> {
    if (this.#suspending) {
      // a suspend becomes a stop for good: what waited to start Claude again is not delivered
      this.#suspending = false;
      this.#queue.drop("stopping");
    }
    this.#stopping ??= this.#stopNow();
    return this.#stopping;
  }

  /**
   * Stops Claude for idleness (`--idle-timeout`), as stop() does, except that prompts sent
   * meanwhile wait in the queue; once Claude has exited it is started again (it resumes the
   * conversation) to take them. A stop() meanwhile makes it a stop for good.
   */
  async suspend(): Promise<void> {
    const stopped = this.stop();
    this.#suspending = true;
    try {
      await stopped;
    } finally {
      this.#suspending = false;
    }
    if (this.#queue.size === 0 || this.#state !== "stopped") return;
    this.#log.info("starting Claude again: prompts came while it stopped", { count: this.#queue.size });
    await this.start();
  }

  async #stopNow(): Promise<void> {
    this.#setState("stopping");
    this.#clearTimer("restartTimer");
    this.#clearTimer("probeTimer");
    this.#queue.drop("stopping");
    const child = this.#child;
    if (child) {
      child.track(); // remember tool process groups before they can be orphaned
      child.end();
      if (!(await this.#exitsWithin(child, this.#stopGraceMs))) {
        this.#log.warn("Claude did not exit after stdin closed; sending SIGTERM", { pid: child.pid });
        child.killGroup("SIGTERM");
        if (!(await this.#exitsWithin(child, this.#stopGraceMs))) {
          this.#log.warn("Claude did not exit after SIGTERM; sending SIGKILL", { pid: child.pid });
          child.killGroup("SIGKILL");
        }
      }
      await this.#childDone;
    }
    this.#setState("stopped");
  }

  #exitsWithin(child: ChildHandle, ms: number): Promise<boolean> {
    return new Promise((resolve) => {
      const timer = this.#clock.setTimeout(() => resolve(false), ms);
      child.exited.then(() => {
        this.#clock.clearTimeout(timer);
        resolve(true);
      });
    });
  }

  #spawn(): void {
    const resume = this.transcriptExists();
    const args = claudeArgs(this.sessionId, resume, this.#options.extraArgs);
    const bin = this.#options.bin;
    let child: ChildHandle;
    try {
      child = this.#adapter.spawn({ cmd: bin, args, cwd: this.#options.cwd, env: this.#env });
    } catch (error) {
      this.#log.error("cannot start Claude", { bin, error: String(error) });
      this.#crashed();
      return;
    }
    this.#child = child;
    this.#log.info("Claude started", { pid: child.pid, resume, bin });
    const stdoutDone = this.#pump(child, child.stdout, (event) => this.#onStdoutLine(child, event));
    const stderr = new LineSplitter();
    this.#pump(
      child,
      child.stderr,
      (event) => {
        if (event.kind === "line") this.#log.warn("Claude stderr", { pid: child.pid, line: event.text });
      },
      stderr,
    );
    this.#childDone = child.exited.then(async (info) => {
      await Promise.race([stdoutDone, new Promise((r) => this.#clock.setTimeout(() => r(undefined), DRAIN_MS))]);
      this.#onExit(child, info);
    });
    this.#sendOwnRequest("initialize");
    this.#emitState();
  }

  async #pump(
    child: ChildHandle,
    stream: AsyncIterable<Uint8Array>,
    onLine: (event: LineEvent) => void,
    splitter = new LineSplitter({ maxLineBytes: this.#options.maxLineBytes }),
  ): Promise<void> {
    try {
      for await (const chunk of stream) for (const event of splitter.push(chunk)) onLine(event);
      for (const event of splitter.end()) onLine(event);
    } catch (error) {
      this.#log.debug("Claude output stream ended with an error", { pid: child.pid, error: String(error) });
    }
  }

  #onStdoutLine(child: ChildHandle, lineEvent: LineEvent): void {
    if (lineEvent.kind === "overflow") {
      this.#log.warn("dropped an over-long line from Claude", { pid: child.pid, bytes: lineEvent.bytes });
      return;
    }
    const line = classifyClaudeLine(lineEvent.text);
    // Output of a child that was already replaced is history: only plain events still count.
    if (child !== this.#child && line.kind !== "event") return;
    switch (line.kind) {
      case "event":
        this.#events.emit("event", lineEvent.text, line.event);
        if (line.event.type === "result" && child === this.#child) this.#turnFinished();
        return;
      case "permission_request":
        this.#events.emit("permissionRequest", line.request);
        return;
      case "permission_cancel":
        this.#events.emit("permissionCancelled", line.requestId);
        return;
      case "control_response":
        this.#onOwnResponse(line);
        return;
      case "unsupported_control_request":
        this.#log.warn("unsupported control_request from Claude", { pid: child.pid, subtype: line.subtype });
        child.write(encodeControlError(line.requestId, `claude-relay does not support ${line.subtype}`));
        return;
      case "invalid":
        this.#log.warn("unexpected line from Claude", { pid: child.pid, reason: line.reason, line: line.excerpt });
        return;
    }
  }

  #sendOwnRequest(subtype: string, fields: Record<string, unknown> = {}, settle?: (result: ControlResult) => void): void {
    const child = this.#child;
    if (!child) return;
    this.#requestCounter += 1;
    const requestId = `relay-${this.#requestCounter}`;
    const timeoutMs = subtype === "initialize" ? this.#startTimeoutMs : this.#claudeTimeoutMs;
    const timer = this.#clock.setTimeout(() => this.#hung(child, subtype, timeoutMs), timeoutMs);
    this.#ownRequests.set(requestId, { subtype, timer, ...(settle && { settle }) });
    child.write(encodeControlRequest(requestId, subtype, fields));
  }

  #onOwnResponse(line: Extract<ClaudeLine, { kind: "control_response" }>): void {
    const request = this.#ownRequests.get(line.requestId);
    if (!request) {
      this.#log.debug("control_response for an unknown request", { requestId: line.requestId });
      return;
    }
    this.#ownRequests.delete(line.requestId);
    this.#clock.clearTimeout(request.timer);
    if (!line.ok) this.#log.warn("Claude refused a control request", { subtype: request.subtype, error: line.error });
    request.settle?.(line.ok ? { ok: true, response: line.response } : { ok: false, error: line.error });
    if (request.subtype === "initialize") this.#becameReady(line.ok && isPlainObject(line.response) ? line.response : {});
  }

  #becameReady(initialized: Record<string, unknown>): void {
    if (this.#state !== "starting" && this.#state !== "restarting") return;
    this.#policy.started();
    this.#events.emit("initialized", initialized);
    this.#setState("ready");
    for (const line of this.#queue.take()) this.#writePrompt(line);
    this.#scheduleProbe();
  }

  #scheduleProbe(): void {
    this.#timers.probeTimer = this.#clock.setTimeout(
      () => {
        this.#timers.probeTimer = null;
        if (!this.#child) return;
        this.#child.track();
        const probing = [...this.#ownRequests.values()].some((r) => r.subtype === "mcp_status");
        if (!probing) this.#sendOwnRequest("mcp_status");
        this.#scheduleProbe();
      },
      Math.max(1, Math.floor(this.#claudeTimeoutMs / 3)),
    );
  }

  #hung(child: ChildHandle, subtype: string, timeoutMs: number): void {
    if (child !== this.#child) return;
    this.#log.warn("Claude did not answer a control request in time; killing its process group", {
      pid: child.pid,
      subtype,
      timeoutMs,
    });
    // SIGKILL: a stopped process would ignore SIGTERM.
    child.killGroup("SIGKILL");
  }

  #writePrompt(line: string): void {
    this.#child!.write(line);
    this.#inFlight += 1;
    this.#setState("busy");
  }

  #turnFinished(): void {
    this.#inFlight = Math.max(0, this.#inFlight - 1);
    if (this.#inFlight === 0 && this.#state === "busy") this.#setState("ready");
  }

  #onExit(child: ChildHandle, info: ExitInfo): void {
    if (child !== this.#child) return;
    this.#child = null;
    this.#inFlight = 0;
    this.#clearTimer("probeTimer");
    for (const request of this.#ownRequests.values()) {
      this.#clock.clearTimeout(request.timer);
      request.settle?.({ ok: false, error: "Claude exited before answering" });
    }
    this.#ownRequests.clear();
    // Tools Claude started live in their own process groups; end those it left behind.
    child.killGroup("SIGKILL");
    if (this.#state === "stopping") return;
    this.#log.warn("Claude exited", { pid: child.pid, code: info.code, signal: info.signal });
    this.#crashed();
  }

  #crashed(): void {
    const decision = this.#policy.crashed();
    if (decision.action === "fail") {
      this.#log.error("Claude keeps crashing; giving up", { crashes: decision.crashes });
      this.#queue.drop("failed");
      this.#setState("failed");
      return;
    }
    this.#restarts += 1;
    this.#setState("restarting");
    this.#timers.restartTimer = this.#clock.setTimeout(() => {
      this.#timers.restartTimer = null;
      if (this.#state === "restarting") this.#spawn();
    }, decision.delayMs);
  }

  #clearTimer(name: TimerName): void {
    const timer = this.#timers[name];
    if (timer === null) return;
    this.#clock.clearTimeout(timer);
    this.#timers[name] = null;
  }

  #setState(state: ClaudeState): void {
    if (state === this.#state) return;
    this.#state = state;
    this.#emitState();
  }

  #emitState(): void {
    this.#events.emit("state", this.#state, { pid: this.pid, restarts: this.#restarts });
  }
}
