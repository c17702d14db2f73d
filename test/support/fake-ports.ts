/**
 * In-memory stand-ins for the session's ports: a Claude supervisor the test drives by hand, client
 * connections that record every frame, and an event store that records what reached "disk". With
 * them the session runs without processes or sockets, in milliseconds.
 *
 * @example
 * ```ts
 * const claude = new FakeClaude();
 * const session = new Session({ sessionId: "S", claude, log, replay: { maxEvents: 100, maxBytes: 1 << 20 } });
 * const phone = new FakeClient("phone");
 * session.join(phone, undefined);
 * claude.emitLine({ type: "assistant", message: { content: [] } });
 * await settle();
 * phone.events(); // [{ type: "claude.event", seq: 1, … }]
 * ```
 */
import { PromptQueue } from "../../src/claude/prompt-queue.ts";
import type { PermissionAnswer, PermissionRequest } from "../../src/claude/stream-json.ts";
import type { ClaudeState, ControlResult, SupervisorEvents } from "../../src/claude/supervisor.ts";
import { createLogger, type Logger, silentLogger } from "../../src/log/logger.ts";
import { type ErrorCode, errorFrame } from "../../src/protocol/errors.ts";
import type { KeyIdentity, PromptImage } from "../../src/protocol/message-parts.ts";
import type { EventStore } from "../../src/session/event-store.ts";
import type { ClaudePort } from "../../src/session/session-ports.ts";
import { Emitter } from "../../src/shared/emitter.ts";

/** Lets queued microtasks (the session's flush and state publication) run. */
export function settle(): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, 0));
}

/** A supervisor whose state and output the test sets; records what the session asks of it. */
export class FakeClaude implements ClaudePort {
  state: ClaudeState = "ready";
  pid: number | undefined = 4242;
  restarts = 0;
  /** What `prompt` answers; a string is a refusal with that reason. */
  refuse: string | undefined;
  /** Whether a Claude runs to receive answers and interrupts. */
  running = true;
  readonly prompts: string[] = [];
  /** The images of each prompt, by prompt. */
  readonly promptImages: PromptImage[][] = [];
  /** Control requests the session sent (set_permission_mode, set_model), in order. */
  readonly controls: Array<{ subtype: string; fields: Record<string, unknown> }> = [];
  /** How Claude answers a control request; default: it takes it. */
  answerControl: (subtype: string, fields: Record<string, unknown>) => ControlResult = () => ({ ok: true, response: {} });
  readonly answers: Array<{ request: Pick<PermissionRequest, "requestId" | "input">; answer: PermissionAnswer }> = [];
  interrupts = 0;
  starts = 0;
  stops = 0;
  readonly #events = new Emitter<SupervisorEvents>((error) => {
    throw error;
  });
  /** Prompts sent while suspend() stops Claude: the supervisor's own queue, which logs what it drops to `log`. */
  readonly #waiting: PromptQueue;
  #suspending = false;

  constructor(log: Logger = silentLogger) {
    this.#waiting = new PromptQueue(100, log);
  }

  on<K extends keyof SupervisorEvents>(name: K, listener: (...args: SupervisorEvents[K]) => void): () => void {
    return this.#events.on(name, listener);
  }

  /** As the supervisor: `starting` at once (prompts then queue), `ready` when the test says so. */
  async start(): Promise<void> {
    if (this.state !== "stopped") throw new Error(`cannot start: Claude is ${this.state}`);
    this.starts += 1;
    this.setState("starting");
  }

  /** When set, stop() stays `stopping` until it settles (Claude taking its time to exit). */
  stopGate: Promise<void> | undefined;

  /** As the supervisor: `stopping`, then (once `stopGate` settles) `stopped` without a pid. */
  async stop(): Promise<void> {
    if (this.#suspending) {
      this.#suspending = false;
      this.#waiting.drop("stopping");
    }
    this.stops += 1;
    this.setState("stopping");
    await this.stopGate;
    this.pid = undefined;
    this.setState("stopped");
  }

  /** As the supervisor: stop(), with the prompts sent meanwhile waiting; then started again to take them. */
  async suspend(): Promise<void> {
    const stopped = this.stop();
    this.#suspending = true;
    await stopped;
    this.#suspending = false;
    if (this.#waiting.size === 0 || this.state !== "stopped") return;
    await this.start();
    for (const line of this.#waiting.take()) {
      const { text, images } = JSON.parse(line) as { text: string; images: PromptImage[] };
      this.prompt(text, images);
    }
  }

  prompt(text: string, images: readonly PromptImage[] = []): { ok: true } | { ok: false; reason: string } {
    if (this.refuse !== undefined) return { ok: false, reason: this.refuse };
    if (this.#suspending && this.state === "stopping") {
      if (!this.#waiting.push(JSON.stringify({ text, images }))) return { ok: false, reason: "Claude is stopping (idle) and 100 prompts are already queued" };
      return { ok: true };
    }
    this.prompts.push(text);
    this.promptImages.push([...images]);
    // as the supervisor: while Claude (re)starts the prompt waits in its queue
    if (this.state !== "starting" && this.state !== "restarting") this.setState("busy");
    return { ok: true };
  }

  /** As the supervisor: refused at once without a process; otherwise answered as `answerControl` says, a tick later. */
  async control(subtype: string, fields: Record<string, unknown> = {}): Promise<ControlResult> {
    if (this.pid === undefined || this.state === "restarting" || this.state === "stopped") return { ok: false, error: `Claude is ${this.state}` };
    this.controls.push({ subtype, fields });
    await settle();
    return this.answerControl(subtype, fields);
  }

  interrupt(): boolean {
    if (!this.running) return false;
    this.interrupts += 1;
    return true;
  }

  answerPermission(request: Pick<PermissionRequest, "requestId" | "input">, answer: PermissionAnswer): boolean {
    if (!this.running) return false;
    this.answers.push({ request, answer });
    return true;
  }

  setState(state: ClaudeState): void {
    if (state === this.state) return;
    this.state = state;
    this.#events.emit("state", state, { pid: this.pid, restarts: this.restarts });
  }

  /** Claude prints a stream-json line. */
  emitLine(event: Record<string, unknown>): void {
    this.#events.emit("event", JSON.stringify(event), event);
  }

  /** Claude finishes a turn: its result line, then (as the supervisor does) ready. */
  finishTurn(result: Record<string, unknown> = { subtype: "success", is_error: false, result: "ok" }): void {
    this.emitLine({ type: "result", ...result });
    this.setState("ready");
  }

  askPermission(
    requestId: string,
    toolName = "Write",
    input: Record<string, unknown> = { file_path: "/tmp/x" },
    suggestions?: Record<string, unknown>[],
  ): PermissionRequest {
    const request = { requestId, toolName, input, toolUseId: `toolu_${requestId}`, ...(suggestions && { suggestions }) };
    this.#events.emit("permissionRequest", request);
    return request;
  }

  cancelPermission(requestId: string): void {
    this.#events.emit("permissionCancelled", requestId);
  }

  initialized(response: Record<string, unknown>): void {
    this.#events.emit("initialized", response);
  }
}

/** A client connection that records the frames the session sends it, parsed. */
export class FakeClient {
  readonly key: KeyIdentity;
  readonly frames: Array<Record<string, any>> = [];
  readonly log: Logger = createLogger({ level: "silent" });
  /** Every write, in order, for checks against the store's writes. */
  readonly writes: string[];

  /** `device`: the name the relay would derive from its key's comment. */
  constructor(
    readonly clientId: string,
    writes: string[] = [],
    device = "test",
  ) {
    this.writes = writes;
    this.key = { type: "ssh-ed25519", fingerprint: "SHA256:fake", comment: device, device };
  }

  send(frame: string): boolean {
    this.writes.push(`send ${this.clientId}`);
    this.frames.push(JSON.parse(frame));
    return true;
  }

  sendBatch(frames: readonly string[]): void {
    for (const frame of frames) this.send(frame);
  }

  sendError(code: ErrorCode, message: string, id?: string): void {
    this.send(errorFrame(code, message, id));
  }

  /** The numbered session events received, in order. */
  events(): Array<Record<string, any>> {
    return this.frames.filter((frame) => typeof frame.seq === "number");
  }

  all(type: string): Array<Record<string, any>> {
    return this.frames.filter((frame) => frame.type === type);
  }
}

/** An event store in memory; `writes` is shared with clients to check disk-before-wire order. */
export class FakeStore implements EventStore {
  readonly lines: string[] = [];
  healthy = true;
  closed = false;

  constructor(readonly writes: string[] = []) {}

  append(frames: readonly string[]): void {
    this.writes.push(`store ${frames.length}`);
    this.lines.push(...frames);
  }

  close(): void {
    this.closed = true;
  }
}
