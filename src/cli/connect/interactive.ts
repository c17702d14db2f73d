/**
 * The interactive view of `claude-relay connect` (a terminal on stdin): the session as it happens
 * above an input line that is never overwritten (Claude's text as it is written: live-commands.ts),
 * a status line (spinner, elapsed time, current tool, context and cost; the permission question
 * and the keys that answer it), slash commands, Ctrl-C to interrupt
 * (twice to quit), and on joining the last turns of the conversation, shown once.
 *
 * It subscribes to the client before connecting, so the replay that follows auth.ok is seen:
 * events up to auth.ok's `lastSeq` are history (the tail chosen by `--history`), later ones live.
 *
 * @example
 * ```ts
 * const client = new RelayClient({ signer, replayHeld: true });
 * const view = new InteractiveView(client, { url, history: 2 }, { style, makeConsole, now: Date.now });
 * await client.connect(url);
 * process.exitCode = await view.run();
 * ```
 */

import type { SessionJoin } from "../../client/attached-session.ts";
import type { RelayClient } from "../../client/client.ts";
import type { AuthOkMessage, ReplayGapMessage, SessionEventMessage, SessionInfo } from "../../client/messages.ts";
import type { ConsoleHandlers, TerminalConsole } from "../../terminal/console.ts";
import { historyStart } from "../../terminal/history.ts";
import { sessionLabel, sessionPlace, shortSessionId } from "../../terminal/session-list.ts";
import { statusLine } from "../../terminal/status-line.ts";
import type { Style } from "../../terminal/style.ts";
import { Transcript } from "../../terminal/transcript.ts";
import { completions, helpText, parseInput, pickRequest } from "./commands.ts";
import { EXIT_OK, exitCodeFor } from "./exit-codes.ts";
import type { ImageFile } from "./image-file.ts";
import { LiveCommands } from "./live-commands.ts";
import { PermissionKeys } from "./permission-keys.ts";
import { ReviewCommands } from "./review-commands.ts";
import { SlashCommands } from "./slash-commands.ts";
import type { ViewOutput } from "./view-output.ts";

export interface InteractiveOptions {
  url: string;
  /** Turns of the conversation to show on joining; default: the turn in progress. */
  history?: number;
}

export interface InteractiveIo {
  style: Style;
  /** Creates the console once connected (it takes over the terminal). */
  makeConsole(handlers: ConsoleHandlers): TerminalConsole;
  now(): number;
  /** Status line refresh interval (spinner), ms. Default 100. */
  tickMs?: number;
  /** How long a first Ctrl-C waits for the second, ms. Default 3000. */
  quitWindowMs?: number;
  /** This machine's home, when the relay runs on it: its paths are shown with `~`. */
  home?: string;
  /** `/new DIR`: the directory as the relay must get it, or why it cannot be sent. */
  newSessionDir(dir: string): { dir: string } | { problem: string };
  /** `/image PATH`: the file read and checked on this machine. */
  readImage(path: string): Promise<ImageFile | { problem: string }>;
}

const WORKING = new Set(["busy", "waiting_permission"]);

export class InteractiveView {
  readonly #client: RelayClient;
  readonly #options: InteractiveOptions;
  readonly #io: InteractiveIo;
  readonly #transcript: Transcript;
  readonly #ownIds = new Set<string>();
  /** Lines printed before the console exists (the greeting, the history). */
  readonly #early: string[] = [];
  #console: TerminalConsole | undefined;
  /** Replayed events up to the join's lastSeq, held until the replay is complete; `turns` of them are shown. */
  #history: { untilSeq: number; events: SessionEventMessage[]; working: boolean; turns: number; gap?: ReplayGapMessage } | undefined;
  /** Sessions joined since starting (the first is not a switch). */
  #joins = 0;
  /** Each session's state in the last list, to notice another one starting to wait for permission. */
  #sessionStates = new Map<string, string>();
  /** The permission keys and Claude's questions. */
  readonly #keys: PermissionKeys;
  /** /sessions, /switch, /new, /mode, /model, /image. */
  readonly #commands: SlashCommands;
  /** /changes, /diff. */
  readonly #review: ReviewCommands;
  /** Claude's text as it is written, the status's words, /tasks and /stop-task. */
  readonly #live: LiveCommands;
  #workingSince: number | undefined;
  #attempt: number | undefined;
  #quitTimer: ReturnType<typeof setTimeout> | undefined;
  #frame = 0;
  #ticker: ReturnType<typeof setInterval> | undefined;
  #finish: ((code: number) => void) | undefined;
  #exitCode: number | undefined;

  constructor(client: RelayClient, options: InteractiveOptions, io: InteractiveIo) {
    this.#client = client;
    this.#options = options;
    this.#io = io;
    this.#transcript = new Transcript(
      io.style,
      (id) => this.#ownIds.has(id),
      () => client.capabilities?.models ?? [],
    );
    const out: ViewOutput = {
      client,
      style: io.style,
      print: (...lines) => this.#print(...lines),
      problem: (text) => this.#problem(text),
      refresh: () => this.#refresh(),
      setLabel: (label) => this.#console?.setLabel(label),
    };
    this.#keys = new PermissionKeys(out);
    this.#commands = new SlashCommands(out, io, { beforeFollow: () => this.#keys.typingReason && this.#keys.leaveReason() });
    this.#review = new ReviewCommands(out);
    this.#live = new LiveCommands(out, {
      now: io.now,
      columns: () => this.#console?.columns ?? Number.POSITIVE_INFINITY,
      setLive: (text) => this.#console?.setLive(text),
    });
    client.on("auth.ok", (ok) => this.#authenticated(ok));
    client.on("joined", (join, info) => this.#joined(join, info));
    client.on("sessions", (message) => this.#sessionsChanged(message.sessions));
    client.on("warning", (text) => {
      // The one warning a person must see: the session followed is gone after a reconnect.
      if (text.includes("is no longer open on the relay")) this.#print(this.#style.paint("yellow", `${this.#style.symbols.info} ${text}`));
    });
    client.on("event", (event) => this.#event(event));
    client.on("claude.partial", (message) => {
      if (!this.#history) this.#live.partial(message); // a replay in progress: its complete messages come first
    });
    client.on("session.status", (message) => this.#live.status(message));
    client.on("replay.gap", (gap) => this.#gap(gap));
    client.on("error", (error) => this.#print(this.#style.paint("red", `${this.#style.symbols.fail} ${error.code}: ${error.message}`)));
    client.on("disconnect", (lost) => {
      this.#finishHistory();
      this.#live.reset();
      this.#attempt = lost.attempt;
      const why = lost.error ? `${lost.error.code}: ${lost.error.message}` : `close ${lost.code}${lost.reason ? ` ${lost.reason}` : ""}`;
      if (lost.willReconnect)
        this.#print(
          this.#style.paint("yellow", `${this.#style.symbols.info} connection lost (${why}); reconnecting in ${((lost.delayMs ?? 0) / 1000).toFixed(1)} s`),
        );
      this.#refresh();
    });
    client.on("close", (info) => {
      if (info.error) {
        this.#print(this.#style.paint("red", `claude-relay: ${info.error.message}`));
        this.#end(exitCodeFor(info.error));
      }
    });
  }

  get #style(): Style {
    return this.#io.style;
  }

  /** Runs until /quit, end of input, Ctrl-C twice, or the connection is lost for good; resolves with the exit code. */
  run(): Promise<number> {
    return new Promise<number>((resolve) => {
      this.#finish = resolve;
      if (this.#exitCode !== undefined) return resolve(this.#exitCode);
      this.#console = this.#io.makeConsole({
        submit: (text) => this.#submit(text),
        interrupt: () => this.#interrupt(),
        key: (key) => this.#keys.key(key),
        end: () => this.#end(EXIT_OK),
        complete: (line) => completions(line, this.#client.capabilities?.commands.map((command) => command.name) ?? [], this.#review.paths),
      });
      if (this.#early.length > 0) this.#console.print(this.#early.splice(0).join("\n"));
      if (this.#console.fancy) this.#ticker = setInterval(() => this.#tick(), this.#io.tickMs ?? 100);
      this.#refresh();
    });
  }

  /** Ends the view (e.g. on SIGTERM). */
  stop(): void {
    this.#end(EXIT_OK);
  }

  // ── the relay ────────────────────────────────────────────────────────────────────────────────

  #authenticated(ok: AuthOkMessage): void {
    this.#ownIds.add(ok.clientId);
    this.#attempt = undefined;
    this.#print(...this.#transcript.connected(ok, this.#options.url, this.#ownIds.size > 1));
    if (ok.sessions) this.#sessionsChanged(ok.sessions);
    this.#refresh();
  }

  /** The session followed was joined: at start, after /switch or /new, or again after a reconnect. */
  #joined(join: SessionJoin & { lastSeq: number }, { resumed, first }: { resumed: boolean; first: boolean }): void {
    const working = WORKING.has(join.state.state);
    if (working) this.#workingSince ??= this.#io.now();
    else this.#workingSince = undefined;
    if (!first) {
      this.#print(...this.#transcript.joined(join, { reconnect: true }));
      return this.#refresh();
    }
    this.#finishHistory();
    this.#live.reset();
    const switched = this.#joins > 0;
    this.#joins += 1;
    const listed = this.#client.sessions.find((session) => session.sessionId === join.sessionId);
    const created = this.#commands.createdIn.get(join.sessionId);
    const info = listed ?? (created !== undefined ? { cwd: created } : undefined);
    if (switched || join.sessionId !== this.#client.defaultSessionId) {
      const where = info ? ` · ${sessionPlace(info, this.#io.home)}` : "";
      this.#print(this.#style.paint("cyan", `── session ${shortSessionId(join.sessionId)}${where} ──`));
    }
    this.#print(...this.#transcript.joined(join, { ...(info && { cwd: info.cwd }), greeting: !switched }));
    // Asked for everything held: events up to lastSeq are the past, shown once (its tail). A switch shows at least the last turn.
    const turns = this.#options.history ?? (switched ? 1 : 0);
    if (resumed && join.lastSeq > 0) this.#history = { untilSeq: join.lastSeq, events: [], working, turns };
    this.#refresh();
  }

  /** The relay's list changed: say when another session starts waiting for permission, or this one is gone. */
  #sessionsChanged(sessions: SessionInfo[]): void {
    const style = this.#style;
    const current = this.#client.sessionId;
    const before = this.#sessionStates;
    this.#sessionStates = new Map(sessions.map((session) => [session.sessionId, session.state]));
    const home = this.#io.home;
    for (const session of sessions) {
      if (session.sessionId === current || session.state !== "waiting_permission" || before.get(session.sessionId) === "waiting_permission") continue;
      this.#print(
        style.paint(
          "yellow",
          `${style.symbols.ask} session ${sessionLabel(session, home)} waits for permission: /switch ${shortSessionId(session.sessionId)} to answer`,
        ),
      );
    }
    if (current !== undefined && before.has(current) && !this.#sessionStates.has(current)) {
      this.#print(
        style.paint(
          "yellow",
          `${style.symbols.info} this session was stopped on the relay: /sessions lists the others, /switch ID follows one, /new DIR starts one`,
        ),
      );
    }
  }

  #event(event: SessionEventMessage): void {
    // Sessions attached besides the one in focus (by a script sharing the client) are not shown.
    if (event.sessionId !== this.#client.sessionId) return;
    const history = this.#history;
    if (history && event.seq <= history.untilSeq) {
      history.events.push(event);
      if (event.seq === history.untilSeq) this.#finishHistory();
      return;
    }
    this.#finishHistory();
    if (event.type === "session.state") {
      const working = WORKING.has(event.state);
      if (working) this.#workingSince ??= this.#io.now();
      else this.#workingSince = undefined;
    }
    const textShown = this.#live.settle(event);
    this.#print(...this.#transcript.event(event, { textShown }));
    if (event.type === "permission.resolved") this.#keys.resolved(event.requestId);
    this.#refresh();
  }

  #gap(gap: ReplayGapMessage): void {
    const history = this.#history;
    if (history && gap.toSeq < history.untilSeq) {
      history.gap = gap;
      return;
    }
    if (history) history.gap = gap;
    this.#finishHistory();
    this.#print(...this.#transcript.gap(gap));
  }

  /** The replay is complete: show its tail once (all of it goes through the transcript, for its state). */
  #finishHistory(): void {
    const history = this.#history;
    if (!history) return;
    this.#history = undefined;
    const turns = history.turns;
    const start = historyStart(history.events, { turns, working: history.working });
    const lines = history.events.flatMap((event, index) => {
      const shown = this.#transcript.event(event, { replayed: true });
      return start !== undefined && index >= start ? shown : [];
    });
    if (lines.length === 0) return;
    const style = this.#style;
    const what = turns === 0 ? "the turn in progress" : turns === 1 ? "the last turn" : `the last ${turns} turns`;
    const older = history.gap && start === 0 ? " (older events are no longer held by the relay)" : "";
    this.#print(style.paint("dim", `── ${what}${older} ──`), ...lines, style.paint("dim", "── live ──"));
  }

  // ── the user ─────────────────────────────────────────────────────────────────────────────────

  #submit(text: string): void {
    this.#disarmQuit();
    if (this.#keys.submit(text)) return;
    const action = parseInput(text);
    try {
      switch (action.kind) {
        case "empty":
          return;
        case "prompt": {
          const images = this.#commands.takeImages();
          this.#client.prompt(
            action.text,
            undefined,
            images.map((file) => file.image),
          );
          if (images.length > 0) this.#refresh();
          if (this.#client.state !== "open") this.#print(this.#style.paint("dim", `${this.#style.symbols.info} queued: it is sent once reconnected`));
          return;
        }
        case "quit":
          return this.#end(EXIT_OK);
        case "help":
          return this.#print(helpText(this.#console?.fancy === true));
        case "interrupt":
          return this.#client.interrupt();
        case "sessions":
          return this.#commands.showSessions();
        case "switch":
          return this.#commands.switchTo(action.args);
        case "new":
          return this.#commands.newSession(action.dir, action.worktree);
        case "changes":
          return this.#review.changes();
        case "diff":
          return this.#review.diff(action.path);
        case "mode":
          return this.#commands.mode(action.args);
        case "model":
          return this.#commands.model(action.args);
        case "image":
          return void this.#commands.attachImage(action.path);
        case "tasks":
          return this.#live.tasks();
        case "stop-task":
          return this.#live.stopTask(action.args);
        case "allow":
        case "deny": {
          const { request, rest, problem } = pickRequest(this.#client.pendingPermissions, action.args);
          if (!request) return this.#problem(problem!);
          if (action.kind === "allow") {
            if (rest.length > 0) return this.#problem("/allow takes at most a request id");
            return this.#client.allow(request.requestId);
          }
          return this.#client.deny(request.requestId, rest.length > 0 ? rest.join(" ") : undefined);
        }
        case "unknown":
          return this.#problem(
            `unknown command ${action.command}${action.suggestion ? ` (did you mean ${action.suggestion}?)` : ""}; /help lists them (start with // to send it to Claude)`,
          );
      }
    } catch (error) {
      this.#problem((error as Error).message);
    }
  }

  #interrupt(): void {
    if (this.#keys.typingReason) return this.#keys.leaveReason();
    if (this.#console && this.#console.line !== "") return this.#console.clearLine();
    if (this.#quitTimer) return this.#end(EXIT_OK);
    const state = this.#client.sessionState?.state;
    if (state !== undefined && WORKING.has(state) && this.#client.state === "open") {
      this.#client.interrupt();
      this.#print(this.#style.paint("yellow", `${this.#style.symbols.info} interrupting Claude's turn`));
    }
    this.#quitTimer = setTimeout(() => this.#disarmQuit(), this.#io.quitWindowMs ?? 3000);
    this.#refresh();
  }

  #disarmQuit(): void {
    if (!this.#quitTimer) return;
    clearTimeout(this.#quitTimer);
    this.#quitTimer = undefined;
    this.#refresh();
  }

  // ── output ───────────────────────────────────────────────────────────────────────────────────

  /** Prints lines above the input, in one redraw. */
  #print(...lines: string[]): void {
    if (lines.length === 0) return;
    if (this.#console) this.#console.print(lines.join("\n"));
    else this.#early.push(...lines);
  }

  #problem(text: string): void {
    this.#print(this.#style.paint("red", `${this.#style.symbols.fail} ${text}`));
  }

  #tick(): void {
    this.#frame++;
    this.#refresh();
  }

  #refresh(): void {
    const console = this.#console;
    if (!console?.fancy) return;
    const pending = this.#client.pendingPermissions;
    const state = this.#client.sessionState?.state;
    const cwd = this.#transcript.cwd;
    const tool = this.#transcript.currentTool;
    const live = this.#live.words();
    console.setStatus(
      statusLine({
        style: this.#style,
        connection: this.#client.state,
        ...(this.#attempt !== undefined && { attempt: this.#attempt }),
        ...(state !== undefined && { state }),
        ...(this.#workingSince !== undefined && { workingForMs: this.#io.now() - this.#workingSince }),
        ...(tool !== undefined && { tool }),
        ...(live && { live }),
        ...(pending.length > 0 && { pending: { request: pending[0]!, count: pending.length } }),
        ...this.#keys.statusHint(cwd),
        ...(cwd !== undefined && { cwd }),
        lineEmpty: console.line === "",
        quitArmed: this.#quitTimer !== undefined,
        frame: this.#frame,
      }),
    );
  }

  #end(code: number): void {
    if (this.#exitCode !== undefined) return;
    this.#exitCode = code;
    clearInterval(this.#ticker);
    clearTimeout(this.#quitTimer);
    this.#console?.close();
    void this.#client.close().then(() => this.#finish?.(code));
  }
}
