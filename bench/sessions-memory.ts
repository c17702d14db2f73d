#!/usr/bin/env bun
/**
 * Memory with 8 sessions: busy (each real Claude Code CLI in a turn, its answer held back by a fake
 * Anthropic API), ready (the turns done, Claude still running), and idle (after --idle-timeout,
 * every Claude process stopped), against the relay alone (its default session idle, no Claude).
 * RSS from /proc: the relay process, and each Claude with everything it started. The real CLI is
 * the point — its size is what the idle timeout saves — so the benchmark needs node_modules/.bin/claude.
 *
 *     bun bench/sessions-memory.ts
 *     BENCH_SESSIONS=8 BENCH_IDLE_TIMEOUT=5s bun bench/sessions-memory.ts
 */
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { heldText, startFakeAnthropic } from "../test/support/fake-anthropic.ts";
import {
  type ChildProcess,
  createBenchEnv,
  fmtInt,
  hardDeadline,
  machineLine,
  markdownTable,
  procStats,
  REPO_ROOT,
  startRelayProcess,
} from "./support/harness.ts";
import { claudeProcesses, createSessions, openControl, type SessionHealth, waitForSessions } from "./support/sessions.ts";

const SESSIONS = Number(process.env.BENCH_SESSIONS ?? 8);
const IDLE_TIMEOUT = process.env.BENCH_IDLE_TIMEOUT ?? "5s";
const CLAUDE_BIN = join(REPO_ROOT, "node_modules", ".bin", "claude");

interface Figure {
  phase: string;
  sessions: string;
  claudes: number;
  processes: number;
  claudeMiB: number;
  relayMiB: number;
}

hardDeadline(300_000, "sessions-memory");
const bench = createBenchEnv();
const api = await startFakeAnthropic();
let release!: () => void;
const released = new Promise<void>((resolve) => (release = resolve));
api.setFallback(() => heldText("done", released));
const children: ChildProcess[] = [];
const figures: Figure[] = [];
try {
  const relay = await startRelayProcess(
    bench,
    ["--max-sessions", String(SESSIONS), "--allow-dir", bench.dir, "--idle-timeout", IDLE_TIMEOUT],
    { ANTHROPIC_BASE_URL: api.url, ANTHROPIC_API_KEY: "bench", CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: "1" },
    { claudeBin: CLAUDE_BIN },
  );
  children.push(relay.child);
  const measure = (phase: string, sessions: string) => {
    const claudes = claudeProcesses(relay.child.pid);
    figures.push({
      phase,
      sessions,
      claudes: claudes.count,
      processes: claudes.processes,
      claudeMiB: claudes.rssKiB / 1024,
      relayMiB: procStats(relay.child.pid).rssKiB / 1024,
    });
  };
  const allIn = (state: string) => (sessions: SessionHealth[]) => sessions.length === SESSIONS && sessions.every((session) => session.state === state);
  // idle comes at once; claudePid 0 once the process has exited
  const exited = (sessions: SessionHealth[]) => sessions.every((session) => session.state === "idle" && session.claudePid === 0);

  await waitForSessions(relay.port, exited, 120_000, "the default session idle");
  measure("relay alone", "1 idle");

  const control = await openControl(relay.url, bench.keyPath);
  const dirs = Array.from({ length: SESSIONS - 1 }, (_, i) => join(bench.dir, `project-${i + 1}`));
  for (const dir of dirs) mkdirSync(dir);
  const ids = await createSessions(control, dirs);
  control.prompt("say something");
  for (const sessionId of ids) control.send({ type: "prompt", text: "say something", sessionId });
  await waitForSessions(relay.port, allIn("busy"), 180_000, "every session in a turn");
  await waitForMessages(SESSIONS);
  measure("busy", `${SESSIONS} in a turn`);

  release();
  await waitForSessions(relay.port, allIn("ready"), 60_000, "every turn done");
  measure("ready", `${SESSIONS} ready`);
  await waitForSessions(relay.port, (sessions) => allIn("idle")(sessions) && exited(sessions), 120_000, "every session idle");
  measure("idle", `${SESSIONS} idle`);
  await control.close();
  printResults();
} finally {
  await Promise.all(children.map((child) => child.stop()));
  await api.close();
  bench.cleanup();
}

/** Until the fake API has got `count` Messages requests (each Claude has asked). */
async function waitForMessages(count: number): Promise<void> {
  const deadline = Date.now() + 60_000;
  while (api.messageRequests().length < count) {
    if (Date.now() > deadline) throw new Error(`only ${api.messageRequests().length} of ${count} Claudes asked the API`);
    await Bun.sleep(100);
  }
}

function printResults(): void {
  const mib = (n: number) => n.toFixed(1);
  console.log(`## sessions-memory: ${SESSIONS} sessions, real Claude Code CLI, --idle-timeout ${IDLE_TIMEOUT}; ${machineLine()}\n`);
  console.log(
    markdownTable(
      ["<phase", "<sessions", "Claude processes", "processes in their trees", "Claude RSS MiB", "relay RSS MiB", "total MiB"],
      figures.map((f) => [f.phase, f.sessions, fmtInt(f.claudes), fmtInt(f.processes), mib(f.claudeMiB), mib(f.relayMiB), mib(f.claudeMiB + f.relayMiB)]),
    ),
  );
  const alone = figures.find((f) => f.phase === "relay alone")!;
  const idle = figures.find((f) => f.phase === "idle")!;
  const busy = figures.find((f) => f.phase === "busy")!;
  const extra = idle.claudeMiB + idle.relayMiB - (alone.claudeMiB + alone.relayMiB);
  console.log(`\n- ${SESSIONS} busy: ${busy.claudes} Claude processes, ${mib(busy.claudeMiB / Math.max(1, busy.claudes))} MiB each on average`);
  console.log(
    `- ${SESSIONS} idle: ${idle.claudes} Claude processes, total ${mib(idle.claudeMiB + idle.relayMiB)} MiB vs relay alone ${mib(alone.claudeMiB + alone.relayMiB)} MiB (${extra >= 0 ? "+" : ""}${mib(extra)} MiB; goal: relay alone + 0 Claude processes: ${idle.claudes === 0 ? "met" : "NOT met"})`,
  );
}
