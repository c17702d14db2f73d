/**
 * The shared session as terminal lines (pure: frames in, lines out): Claude's text, tool calls in
 * brief (with a diff for Edit and Write), tool results, prompts (whose device), permission
 * requests and who answered them, turn ends (a client's interruption is not an error), Claude's
 * notes (a model change as "Model: Haiku", local-command output), Claude's restarts and credential
 * problems, and devices coming and going — each in words. Claude's bookkeeping lines are left out.
 *
 * It also keeps what the status line needs: the tool Claude is running now.
 *
 * @example
 * ```ts
 * const transcript = new Transcript(style, (id) => ownIds.has(id));
 * for (const line of transcript.event(message)) editor.print(line);
 * ```
 */
import type { SessionJoin } from "../client/attached-session.ts";
import { claudeNote, type NamedModel, noteWords, turnEnd } from "../client/claude-notes.ts";
import type { AuthOkMessage, PermissionRequestMessage, ReplayGapMessage, SessionEventMessage } from "../client/messages.ts";
import { otherDevices } from "../shared/other-devices.ts";
import { updatesInWords } from "./permission-updates.ts";
import { questionLines, questionsOf } from "./questions.ts";
import { elapsedInWords, othersInWords, stateInWords } from "./state-words.ts";
import type { Style } from "./style.ts";
import { oneLine, toolLabel, toolLines } from "./tool-call.ts";

/** At most this many tool names are remembered (by request id and tool-use id) to name them later. */
const MAX_REMEMBERED = 1000;

interface ClaudeLine {
  type?: unknown;
  subtype?: unknown;
  cwd?: unknown;
  parent_tool_use_id?: unknown;
  message?: { content?: unknown };
  is_error?: unknown;
  duration_ms?: unknown;
  total_cost_usd?: unknown;
  result?: unknown;
  attempt?: unknown;
  max_retries?: unknown;
  retry_delay_ms?: unknown;
  error?: unknown;
  error_status?: unknown;
}

type Block = { type?: unknown; text?: unknown; name?: unknown; input?: unknown; id?: unknown; tool_use_id?: unknown; content?: unknown; is_error?: unknown };

export class Transcript {
  readonly #style: Style;
  readonly #isOwn: (clientId: string) => boolean;
  readonly #models: () => readonly NamedModel[];
  readonly #toolByRequest = new Map<string, string>();
  readonly #toolByUse = new Map<string, string>();
  #cwd: string | undefined;
  #state: string | undefined;
  #clients: number | undefined;
  /** The devices attached, as the relay last named them (v3); undefined from a relay that does not. */
  #devices: readonly string[] | undefined;
  /** What the relay calls this terminal's key, to leave it out of "other devices". */
  #ownDevice: string | undefined;
  #authProblem: string | undefined;
  #restarting = false;
  #currentTool: string | undefined;
  /** A client interrupted the turn under way (Claude said so). */
  #interrupted = false;

  /**
   * `isOwn` tells this terminal's prompts and answers (its client ids, one per connection) from
   * other devices'; `models`, the session's models (its capabilities), names a model change.
   */
  constructor(style: Style, isOwn: (clientId: string) => boolean, models: () => readonly NamedModel[] = () => []) {
    this.#style = style;
    this.#isOwn = isOwn;
    this.#models = models;
  }

  /** The tool Claude is running now (its label), if any. */
  get currentTool(): string | undefined {
    return this.#currentTool;
  }

  /** Claude's working directory, once a turn has said it. */
  get cwd(): string | undefined {
    return this.#cwd;
  }

  /** The greeting after authenticating; after a reconnect, one line. */
  connected(ok: Pick<AuthOkMessage, "key">, url: string, resumed: boolean): string[] {
    const style = this.#style;
    this.#ownDevice = ok.key.device;
    if (resumed) return [style.paint("green", `${style.symbols.ok} reconnected to ${url}`)];
    const key = `${ok.key.type}${ok.key.comment ? ` ${ok.key.comment}` : ""}`;
    return [style.paint("dim", `connected to ${url} as ${ok.key.fingerprint} (${key})`)];
  }

  /**
   * Joining a session (the first after connecting, or another one): what is known of the one left
   * is forgotten, and the lines say how this one stands. `cwd`: its directory, when the relay said.
   * `greeting`: the first join, which also says how to go on. `reconnect`: the same session again
   * after a reconnect — only its state is taken, nothing is said.
   */
  joined(join: SessionJoin, options: { cwd?: string; greeting?: boolean; reconnect?: boolean }): string[] {
    this.#state = join.state.state;
    this.#clients = join.state.clients;
    this.#devices = join.state.devices;
    if (!options.reconnect) {
      this.#cwd = options.cwd;
      this.#currentTool = undefined;
      this.#interrupted = false;
      this.#restarting = false;
      this.#toolByRequest.clear();
      this.#toolByUse.clear();
    }
    for (const request of join.state.pendingPermissions) this.remember(request);
    const problem = join.state.claudeAuthError;
    const announce = problem !== undefined && (!options.reconnect || problem.reason !== this.#authProblem);
    this.#authProblem = problem?.reason;
    if (options.reconnect) return announce ? [this.#authLine(problem.message)] : [];
    const lines = [
      `Claude is ${stateInWords(join.state.state)} · ${othersInWords(join.state.clients, this.#others())}.${options.greeting ? " Type a prompt; /help lists commands." : ""}`,
    ];
    if (announce) lines.push(this.#authLine(problem.message));
    return lines;
  }

  /**
   * Lines for one session event (none when it is not worth showing). A `replayed` event is from
   * before joining: its state changes are past (auth.ok said how things stand), so they are not
   * announced and do not change what the transcript knows of the session now.
   */
  event(message: SessionEventMessage, options: { replayed?: boolean; textShown?: boolean } = {}): string[] {
    if (options.replayed && message.type === "session.state") return [];
    switch (message.type) {
      case "claude.event":
        return this.#claude(message.event as ClaudeLine, options.textShown === true);
      case "user.prompt":
        return [...this.prompt(message.text, this.#isOwn(message.by) ? undefined : (message.device ?? shortId(message.by))), ...this.#images(message.images)];
      case "permission.request":
        return this.#request(message);
      case "permission.resolved":
        return [this.#resolved(message)];
      case "session.state":
        return this.#sessionState(message);
    }
  }

  /** A prompt: ours (no device) or another device's, by its name. */
  prompt(text: string, device?: string): string[] {
    const style = this.#style;
    const [first = "", ...rest] = text.split("\n");
    const head =
      device === undefined ? style.paint("bold", `${style.symbols.prompt} ${first}`) : `${style.paint("magenta", device)} ${style.symbols.prompt} ${first}`;
    return [head, ...rest.map((line) => `  ${line}`)];
  }

  /** The images a prompt carried (v2: listed by type and size). */
  #images(images: ReadonlyArray<{ mediaType: string; bytes: number }> | undefined): string[] {
    return (images ?? []).map((image) =>
      this.#style.paint("dim", `  + ${image.mediaType} image, ${image.bytes < 1024 ? `${image.bytes} B` : `${Math.round(image.bytes / 1024)} KiB`}`),
    );
  }

  /** Events the terminal will never see. */
  gap(gap: ReplayGapMessage): string[] {
    const why =
      gap.reason === "session_changed" ? "the relay runs a new session" : gap.reason === "detected" ? "they never arrived" : "the relay no longer holds them";
    const text =
      gap.toSeq < gap.fromSeq ? `${this.#style.symbols.info} ${why}` : `${this.#style.symbols.info} missed events ${gap.fromSeq}–${gap.toSeq}: ${why}`;
    return [this.#style.paint("yellow", text)];
  }

  /** Remembers a pending request's tool (from auth.ok) so its answer can name it. */
  remember(request: PermissionRequestMessage): void {
    remember(this.#toolByRequest, request.requestId, request.toolName);
  }

  // ── Claude's lines ───────────────────────────────────────────────────────────────────────────

  /** `textShown`: the line's text streamed to the screen already (streamed-text.ts): only its tool calls are printed. */
  #claude(line: ClaudeLine, textShown: boolean): string[] {
    if (line.parent_tool_use_id !== undefined && line.parent_tool_use_id !== null) return this.#subAgent(line);
    switch (line.type) {
      case "system":
        return this.#system(line);
      case "assistant":
        return this.#assistant(blocksOf(line), textShown);
      case "user":
        return [...this.#toolResults(blocksOf(line)), ...this.#notes(line)];
      case "result":
        this.#currentTool = undefined;
        return [this.#result(line)];
      default:
        return [];
    }
  }

  #system(line: ClaudeLine): string[] {
    if (line.subtype === "init" && typeof line.cwd === "string") this.#cwd = line.cwd;
    if (line.subtype !== "api_retry") return [];
    const status = typeof line.error_status === "number" ? ` (HTTP ${line.error_status}${typeof line.error === "string" ? ` ${line.error}` : ""})` : "";
    const delay = typeof line.retry_delay_ms === "number" ? ` in ${(line.retry_delay_ms / 1000).toFixed(1)} s` : "";
    const attempt =
      typeof line.attempt === "number" ? ` (attempt ${line.attempt}${typeof line.max_retries === "number" ? ` of ${line.max_retries}` : ""})` : "";
    return [this.#style.paint("yellow", `${this.#style.symbols.info} the API call failed${status}; Claude retries${delay}${attempt}`)];
  }

  #assistant(blocks: Block[], textShown: boolean): string[] {
    const style = this.#style;
    return blocks.flatMap((block) => {
      if (block.type === "text" && typeof block.text === "string" && block.text.trim() !== "" && !textShown) {
        const [first = "", ...rest] = block.text.replace(/\n+$/, "").split("\n");
        return [`${style.paint("bold", style.symbols.claude)} ${first}`, ...rest.map((line) => `  ${line}`)];
      }
      if (block.type === "tool_use" && typeof block.name === "string") {
        if (typeof block.id === "string") remember(this.#toolByUse, block.id, block.name);
        this.#currentTool = toolLabel(block.name, block.input, this.#cwd, 60);
        return toolLines(block.name, block.input, { style, ...(this.#cwd && { cwd: this.#cwd }) });
      }
      return [];
    });
  }

  #toolResults(blocks: Block[]): string[] {
    const style = this.#style;
    const results = blocks.filter((block) => block.type === "tool_result");
    if (results.length > 0) this.#currentTool = undefined;
    return results.map((block) => {
      const text = resultText(block.content).trim();
      const lines = text === "" ? [] : text.split("\n");
      const more = lines.length > 1 ? style.paint("dim", ` (+${lines.length - 1} lines)`) : "";
      const first = oneLine(lines[0] ?? "(no output)", 120);
      return block.is_error === true
        ? `  ${style.paint("red", `${style.symbols.result} ${first}`)}${more}`
        : `  ${style.paint("dim", `${style.symbols.result} ${first}`)}${more}`;
    });
  }

  /**
   * Claude's notes in a user line (its text, not tool results): a model change and local-command
   * output are shown; an interruption is said by the turn's end; other text (a compaction's
   * summary) is Claude's bookkeeping.
   */
  #notes(line: ClaudeLine): string[] {
    const content = line.message?.content;
    const texts =
      typeof content === "string"
        ? [content]
        : blocksOf(line).flatMap((block) => (block.type === "text" && typeof block.text === "string" ? [block.text] : []));
    return texts.flatMap((text) => {
      const note = claudeNote(text);
      if (note.kind === "interrupted") {
        this.#interrupted = true;
        return [];
      }
      if (note.kind === "text") return [];
      const [first = "", ...rest] = noteWords(note, this.#models()).split("\n");
      return [this.#style.paint("dim", `${this.#style.symbols.info} ${first}`), ...rest.map((more) => this.#style.paint("dim", `  ${more}`))];
    });
  }

  /** A sub-agent's tool calls, briefly (its text is not the answer). */
  #subAgent(line: ClaudeLine): string[] {
    if (line.type !== "assistant") return [];
    return blocksOf(line)
      .filter((block) => block.type === "tool_use" && typeof block.name === "string")
      .map((block) => this.#style.paint("dim", `  ${this.#style.symbols.tool} ${toolLabel(block.name as string, block.input, this.#cwd)}`));
  }

  #result(line: ClaudeLine): string {
    const style = this.#style;
    const ms = line.duration_ms;
    const took = typeof ms === "number" ? ` in ${ms < 60_000 ? `${(ms / 1000).toFixed(1)} s` : elapsedInWords(ms)}` : "";
    const end = turnEnd(line, this.#interrupted);
    this.#interrupted = false;
    switch (end.kind) {
      case "done": {
        const cost = typeof line.total_cost_usd === "number" && line.total_cost_usd > 0 ? ` · $${line.total_cost_usd.toFixed(4)}` : "";
        return style.paint("green", `${style.symbols.ok} done${took}${cost}`);
      }
      case "interrupted":
        return style.paint("dim", `${style.symbols.info} Interrupted${took}`);
      case "error":
        return style.paint("red", `${style.symbols.fail} turn ended with an error: ${oneLine(end.text, 200)}`);
    }
  }

  // ── the relay's events ───────────────────────────────────────────────────────────────────────

  #request(request: PermissionRequestMessage): string[] {
    this.remember(request);
    const style = this.#style;
    const questions = request.toolName === "AskUserQuestion" ? questionsOf(request.input) : undefined;
    if (questions) return questions.flatMap((question, index) => questionLines(question, index, questions.length, style));
    return [
      style.paint("yellow", `${style.symbols.ask} Claude asks to use ${toolLabel(request.toolName, request.input, this.#cwd)}`) +
        style.paint("dim", `  [request ${shortId(request.requestId)}]`),
      // What "allow for this session" (the s key) would allow, when Claude offers it.
      ...(request.suggestions?.length ? [style.paint("dim", `  for this session: ${updatesInWords(request.suggestions)}`)] : []),
    ];
  }

  #resolved(message: Extract<SessionEventMessage, { type: "permission.resolved" }>): string {
    const style = this.#style;
    const tool = this.#toolByRequest.get(message.requestId) ?? "the tool";
    this.#toolByRequest.delete(message.requestId);
    if (message.behavior === "cancelled") {
      const who = message.by === "claude" ? "Claude withdrew it" : message.by === "relay" ? "Claude stopped" : `interrupted by ${this.#who(message)}`;
      return style.paint("dim", `${style.symbols.info} permission for ${tool} withdrawn (${who})`);
    }
    const allowed = message.behavior === "allow";
    const text = `${allowed ? style.symbols.ok : style.symbols.fail} ${tool} ${allowed ? "allowed" : "denied"} by ${this.#who(message)}`;
    return style.paint(allowed ? "green" : "red", text);
  }

  #sessionState(message: Extract<SessionEventMessage, { type: "session.state" }>): string[] {
    const style = this.#style;
    const lines: string[] = [];
    const previous = this.#state;
    if (message.state !== previous) {
      if (message.state === "restarting") {
        this.#restarting = true;
        lines.push(
          style.paint(
            "yellow",
            `${style.symbols.info} Claude exited or stopped answering; restarting it with the conversation so far (restart ${message.restarts})`,
          ),
        );
      } else if (message.state === "failed" || message.state === "stopping") {
        lines.push(style.paint("red", `${style.symbols.fail} Claude ${message.state === "failed" ? "has" : "is"} ${stateInWords(message.state)}`));
      } else if (message.state === "ready" && this.#restarting) {
        this.#restarting = false;
        lines.push(style.paint("green", `${style.symbols.ok} Claude is ready again`));
      }
      if (message.state !== "busy" && message.state !== "waiting_permission") this.#currentTool = undefined;
    }
    const devicesBefore = this.#devices;
    this.#devices = message.devices;
    if (this.#clients !== undefined && message.clients !== this.#clients) {
      const joined = message.clients > this.#clients;
      const who = (joined ? newNames(devicesBefore, message.devices) : newNames(message.devices, devicesBefore)) ?? "a device";
      lines.push(style.paint("dim", `${style.symbols.info} ${who} ${joined ? "joined" : "left"} (${othersInWords(message.clients, this.#others())})`));
    }
    const problem = message.claudeAuthError;
    if (problem && problem.reason !== this.#authProblem) lines.push(this.#authLine(problem.message));
    if (!problem && this.#authProblem) lines.push(style.paint("green", `${style.symbols.ok} Claude can reach the API again`));
    this.#authProblem = problem?.reason;
    this.#state = message.state;
    this.#clients = message.clients;
    return lines;
  }

  #authLine(message: string): string {
    return this.#style.paint("red", `${this.#style.symbols.fail} Claude cannot log in to the Anthropic API: ${message}`);
  }

  /** Who resolved a permission: you, Claude, the relay, or another device by its name (by its id from a relay that names none). */
  #who({ by, device }: { by: string; device?: string }): string {
    if (this.#isOwn(by)) return "you";
    if (by === "claude") return "Claude";
    if (by === "relay") return "the relay";
    return device ?? `device ${shortId(by)}`;
  }

  /** The names of the other devices attached. */
  #others(): readonly string[] {
    return otherDevices(this.#devices, this.#ownDevice);
  }
}

/** The names in `after` that are not in `before`, in words ("phone", "phone and tablet"); undefined when none are known to be new. */
function newNames(before: readonly string[] | undefined, after: readonly string[] | undefined): string | undefined {
  if (!before || !after) return undefined;
  const names = after.filter((name) => !before.includes(name));
  return names.length === 0 ? undefined : names.join(" and ");
}

/** The first 8 characters of an id: enough to tell requests and devices apart, and to type. */
function shortId(id: string): string {
  return id.slice(0, 8);
}

function blocksOf(line: ClaudeLine): Block[] {
  return Array.isArray(line.message?.content) ? (line.message.content as Block[]) : [];
}

function resultText(content: unknown): string {
  if (typeof content === "string") return content;
  if (Array.isArray(content)) return content.map((part: { text?: unknown }) => (typeof part?.text === "string" ? part.text : "")).join("\n");
  return JSON.stringify(content) ?? "";
}

function remember(map: Map<string, string>, key: string, value: string): void {
  if (map.size >= MAX_REMEMBERED) map.delete(map.keys().next().value!);
  map.set(key, value);
}
