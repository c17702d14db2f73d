/**
 * Test harness for the real Claude Code CLI: a temp HOME and cwd, the fake Anthropic API, the
 * environment that points Claude at it, and a recorder for a ClaudeSupervisor's events.
 *
 * @example
 * ```ts
 * const h = await startClaudeHarness();
 * const claude = new ClaudeSupervisor({ bin: CLAUDE_BIN, cwd: h.cwd, env: h.env, claudeTimeoutMs: 10_000 });
 * const rec = recordSupervisor(claude);
 * await claude.start();
 * await rec.waitFor(() => claude.state === "ready", "ready");
 * await h.close();
 * ```
 */

import { afterAll, afterEach, beforeAll } from "bun:test";
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, realpathSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { PermissionRequest } from "../../src/claude/stream-json.ts";
import { type ClaudeState, ClaudeSupervisor, type SupervisorOptions } from "../../src/claude/supervisor.ts";
import { transcriptPath } from "../../src/claude/transcript.ts";
import { type FakeAnthropic, startFakeAnthropic } from "./fake-anthropic.ts";

export const CLAUDE_BIN = join(import.meta.dir, "..", "..", "node_modules", ".bin", "claude");

export interface ClaudeHarness {
  api: FakeAnthropic;
  home: string;
  cwd: string;
  /** Environment for Claude: fake API, dummy key, temp HOME, no nonessential traffic. */
  env: Record<string, string | undefined>;
  close(): Promise<void>;
}

export async function startClaudeHarness(): Promise<ClaudeHarness> {
  const api = await startFakeAnthropic();
  const home = mkdtempSync(join(tmpdir(), "relay-claude-home-"));
  const cwd = realpathSync(mkdtempSync(join(tmpdir(), "relay-claude-cwd-")));
  return {
    api,
    home,
    cwd,
    env: {
      PATH: process.env.PATH,
      HOME: home,
      ANTHROPIC_BASE_URL: api.url,
      ANTHROPIC_API_KEY: "dummy",
      CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: "1",
    },
    close: async () => {
      await api.close();
      rmSync(home, { recursive: true, force: true });
      rmSync(cwd, { recursive: true, force: true });
    },
  };
}

/** Polls `condition` every 10 ms; throws naming `what` after `timeoutMs`. */
export async function waitFor(condition: () => boolean, what: string, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

export interface SupervisorRecord {
  events: Record<string, unknown>[];
  lines: string[];
  states: { state: ClaudeState; pid: number | undefined; restarts: number }[];
  permissions: PermissionRequest[];
  /** Requests Claude withdrew itself (control_cancel_request). */
  cancelled: { requestId: string }[];
  /** Everything in emission order: "state:<state>", "event:<type>", "permission", "cancelled". */
  timeline: string[];
  results(): Record<string, unknown>[];
}

/** Records everything a supervisor emits. */
export function recordSupervisor(claude: ClaudeSupervisor): SupervisorRecord {
  const record: SupervisorRecord = {
    events: [],
    lines: [],
    states: [],
    permissions: [],
    cancelled: [],
    timeline: [],
    results: () => record.events.filter((e) => e.type === "result"),
  };
  claude.on("event", (line, event) => {
    record.lines.push(line);
    record.events.push(event);
    record.timeline.push(`event:${String(event.type)}`);
  });
  claude.on("state", (state, info) => {
    record.states.push({ state, ...info });
    record.timeline.push(`state:${state}`);
  });
  claude.on("permissionRequest", (request) => {
    record.permissions.push(request);
    record.timeline.push("permission");
  });
  claude.on("permissionCancelled", (requestId) => {
    record.cancelled.push({ requestId });
    record.timeline.push("cancelled");
  });
  return record;
}

/**
 * Claude's transcript of a session as persisted so far ("" before it exists): what a Claude
 * restarted with --resume will know. Claude queues its writes and flushes them every 100 ms or so,
 * later on a loaded machine, so the file can exist without the last turn: a test that kills Claude
 * waits for the text it expects to be carried, not for the file.
 *
 * @example
 * ```ts
 * await waitFor(() => persistedTranscript(claude.sessionId, h.env).includes("the first answer"), "first turn persisted");
 * ```
 */
export function persistedTranscript(sessionId: string, env: Record<string, string | undefined>): string {
  const path = transcriptPath(sessionId, env);
  return path ? readFileSync(path, "utf8") : "";
}

/** A process's argv (Linux /proc). */
export function commandLine(pid: number): string[] {
  return readFileSync(`/proc/${pid}/cmdline`, "utf8").split("\0").slice(0, -1);
}

/** Live (non-zombie) processes, as `ps` sees them. */
export function processes(): { pid: number; pgid: number; stat: string; args: string }[] {
  return execFileSync("ps", ["-e", "-o", "pid=,pgid=,stat=,args="], { encoding: "utf8" })
    .split("\n")
    .map((row) => row.trim().match(/^(\d+)\s+(\d+)\s+(\S+)\s+(.*)$/))
    .filter((m): m is RegExpMatchArray => m !== null)
    .map((m) => ({ pid: Number(m[1]), pgid: Number(m[2]), stat: m[3]!, args: m[4]! }))
    .filter((p) => !p.stat.startsWith("Z"));
}

/** Whether `pid` is alive and not a zombie. */
export function alive(pid: number): boolean {
  return processes().some((p) => p.pid === pid);
}

/** The file's harness (its getters work inside tests) plus a supervisor factory. */
export interface ClaudeSuite extends Omit<ClaudeHarness, "close"> {
  /** A recorded supervisor for the real CLI in the harness; stopped after the test. */
  supervisor(options?: Partial<SupervisorOptions>): { claude: ClaudeSupervisor; record: SupervisorRecord };
}

/**
 * Registers the hooks of a real-CLI test file: one harness (fake API, temp HOME) for the file,
 * each test's supervisor stopped and the API reset after it.
 */
export function claudeSuite(defaults: Partial<SupervisorOptions> = {}): ClaudeSuite {
  let harness: ClaudeHarness | undefined;
  let current: ClaudeSupervisor | undefined;
  beforeAll(async () => {
    harness = await startClaudeHarness();
  });
  afterEach(async () => {
    await current?.stop();
    current = undefined;
    harness?.api.reset();
  });
  afterAll(() => harness?.close());
  const get = () => {
    if (!harness) throw new Error("claudeSuite: harness used outside a test");
    return harness;
  };
  return {
    get api() {
      return get().api;
    },
    get home() {
      return get().home;
    },
    get cwd() {
      return get().cwd;
    },
    get env() {
      return get().env;
    },
    supervisor: (options = {}) => {
      const h = get();
      current = new ClaudeSupervisor({ bin: CLAUDE_BIN, cwd: h.cwd, env: h.env, claudeTimeoutMs: 20_000, ...defaults, ...options });
      return { claude: current, record: recordSupervisor(current) };
    },
  };
}
