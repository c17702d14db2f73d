/**
 * Faults, with the real Claude Code CLI behind the fake Anthropic API: Claude SIGKILLed again and
 * again at random points of turns (while an answer streams, with a permission pending, idle, and
 * while it is still starting up after the previous kill); Claude frozen with SIGSTOP; a Claude
 * binary that crashes at once (crash loop).
 *
 * Size: ROBUSTNESS_FAULT_KILLS (reduced 4, full 20). The relay gives up on Claude after more
 * than 5 crashes within 60 s (src/claude/restart-policy.ts) — that is the crash-loop verdict, so the
 * kills are paced: never more than 5 in any 60 s. Replay a failure with ROBUSTNESS_SEED=<seed>.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { chmodSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { alive } from "../support/claude-harness.ts";
import { groupAlive } from "../support/cli-process.ts";
import { slowText, text, toolUse } from "../support/fake-anthropic.ts";
import { Prng, seedFromEnv } from "../support/prng.ts";
import { startTestRelay, type TestRelay } from "../support/relay.ts";
import { connectAndSign } from "../support/relay-process.ts";
import { makeTempDir, removeTempDir } from "../support/ssh.ts";
import { waitFor } from "../support/wait.ts";
import type { Frame, TestClient } from "../support/ws-client.ts";
import { budgetMs, reportFigures, size } from "./scale.ts";
import { startStreamingRelay } from "./streaming.ts";

const KILLS = size("FAULT_KILLS", 4, 20);
/** The restart policy's crash-loop threshold: more than this many crashes within the window fails. */
const CRASHES_PER_WINDOW = 5;
const CRASH_WINDOW_MS = 60_000;

const seed = seedFromEnv();
console.log(`[robustness] faults seed ${seed} (replay with ROBUSTNESS_SEED=${seed})`);
const rng = new Prng(seed);

const isResult = (frame: Frame) => frame.type === "claude.event" && frame.event.type === "result";
const stateIs = (state: string) => (frame: Frame) => frame.type === "session.state" && frame.state === state;
const seqsOf = (frames: Frame[]) => frames.filter((frame) => typeof frame.seq === "number").map((frame) => frame.seq as number);

/** Consecutive, each exactly once. */
function expectGapFree(seqs: number[], who: string): void {
  const problems: string[] = [];
  for (let i = 1; i < seqs.length; i++) if (seqs[i] !== seqs[i - 1]! + 1) problems.push(`${seqs[i - 1]} → ${seqs[i]}`);
  expect({ who, problems }).toEqual({ who, problems: [] });
}

type Scenario = "streaming" | "permission" | "idle" | "starting";

describe("Claude SIGKILLed at random points of turns", () => {
  let relay: TestRelay;
  let observer: TestClient & { authOk: Frame };
  const killTimes: number[] = [];
  const scenarios: Scenario[] = [];
  const cancelled: string[] = [];

  beforeAll(async () => {
    relay = await startTestRelay();
    observer = await relay.connectAuthenticated();
  });
  afterAll(() => relay?.stop());

  /** How long until a kill would not be the crash-loop verdict (more than 5 crashes in 60 s). */
  function paceMs(): number {
    const earlier = killTimes.at(-CRASHES_PER_WINDOW);
    return earlier === undefined ? 0 : earlier + CRASH_WINDOW_MS + 1000 - Date.now();
  }
  const mayKillNow = () => paceMs() <= 0;
  const paceKill = async () => {
    if (!mayKillNow()) await Bun.sleep(paceMs());
  };

  async function kill(pid: number): Promise<void> {
    killTimes.push(Date.now());
    process.kill(pid, "SIGKILL");
    await waitFor(() => relay.relay.claude.pid !== pid, 5000, "the relay noticed the kill");
  }

  /** Waits for Claude to be ready again with a new process, resumed on the same session. */
  async function expectResumed(oldPid: number, restarts: number): Promise<void> {
    await waitFor(
      () => relay.relay.claude.state === "ready" && relay.relay.claude.pid !== oldPid && relay.relay.claude.pid !== undefined,
      60_000,
      `ready again after kill ${restarts}`,
    );
    expect(relay.relay.claude.restarts).toBe(restarts);
    const started = relay.logs.filter((line) => line.msg === "Claude started");
    expect(started.at(-1)).toMatchObject({ pid: relay.relay.claude.pid, resume: true, sessionId: relay.relay.sessionId });
  }

  test(
    `${KILLS} kills: each time restarted and resumed, seqs never repeat or skip, pending permissions cancelled`,
    async () => {
      const sessionId = relay.relay.sessionId;
      // A first turn persists the conversation, so every restart resumes it.
      relay.api.enqueue(text("the first answer"));
      observer.send({ type: "prompt", text: "the first question" });
      await observer.next(isResult, 60_000);
      await waitFor(() => relay.transcript().includes("the first answer"), 10_000, "the first answer in Claude's transcript");

      // A second client drops off before some kills and comes back with resume.lastSeq.
      let roamer: TestClient | undefined = await relay.connectAuthenticated();
      const roamerFrames: Frame[] = [];
      let roamerLastSeq = 0;
      const collectRoamer = () => {
        if (!roamer) return;
        // everything this connection got, unfiltered: a replay repeating an event would show up
        roamerFrames.push(...roamer.frames.filter((frame) => typeof frame.seq === "number"));
        roamerLastSeq = Math.max(roamerLastSeq, ...seqsOf(roamer.frames));
      };

      for (let i = 1; i <= KILLS; i++) {
        // the first two kills cover the two cases that matter most; the rest are drawn at random
        const scenario: Scenario = i === 1 ? "streaming" : i === 2 ? "permission" : rng.pick(["streaming", "permission", "idle", "starting"] as const);
        scenarios.push(scenario);
        await paceKill();
        relay.api.reset();
        if (roamer && rng.chance(0.5)) {
          collectRoamer();
          await roamer.close();
          roamer = undefined;
        }
        const pid = relay.relay.claude.pid!;
        if (scenario === "streaming") {
          relay.api.enqueue(slowText(`slow answer ${i}`, rng.range(1500, 3000)));
          const requests = relay.api.messageRequests().length;
          observer.send({ type: "prompt", text: `question ${i}` });
          await waitFor(() => relay.api.messageRequests().length > requests, 30_000, "Claude asked the API");
          await Bun.sleep(rng.int(1200)); // somewhere in the answer's stream
          await kill(pid);
        } else if (scenario === "permission") {
          relay.api.enqueue(toolUse("Write", { file_path: join(relay.options.cwd, `kill-${i}.txt`), content: "x" }));
          observer.send({ type: "prompt", text: `write file ${i}` });
          const request = await observer.next((frame) => frame.type === "permission.request" && !cancelled.includes(frame.requestId), 30_000);
          await Bun.sleep(rng.int(500));
          await kill(pid);
          const resolved = await observer.next((frame) => frame.type === "permission.resolved" && frame.requestId === request.requestId, 10_000);
          expect(resolved).toMatchObject({ behavior: "cancelled", by: "relay", sessionId });
          cancelled.push(request.requestId);
        } else if (scenario === "idle") {
          await Bun.sleep(rng.int(1000));
          await kill(pid);
        } else {
          // kill, then kill the replacement too while it is still starting up (when pacing allows)
          await kill(pid);
          await waitFor(() => relay.relay.claude.pid !== undefined, 60_000, "a replacement process");
          const replacement = relay.relay.claude.pid!;
          if (i < KILLS && relay.relay.claude.state === "restarting" && mayKillNow()) {
            i += 1;
            scenarios[scenarios.length - 1] = "idle"; // the first of the two found Claude ready
            scenarios.push("starting");
            await kill(replacement);
          }
        }
        await expectResumed(pid, killTimes.length);
        if (!roamer) roamer = await relay.connectAuthenticated({ sessionId, lastSeq: roamerLastSeq });
      }

      // The conversation continues after all that: the next request carries the first turn.
      relay.api.reset();
      relay.api.enqueue(text("still here"));
      observer.send({ type: "prompt", text: "are you still there?" });
      await observer.next((frame) => isResult(frame) && frame.event.result === "still here", 60_000);
      const history = JSON.stringify(relay.api.messageRequests().at(-1)!.messages);
      expect(history).toContain("the first question");
      expect(history).toContain("the first answer");
      expect(history).toContain("are you still there?");

      await Bun.sleep(300); // trailing presence updates
      expect(relay.relay.claude.restarts).toBe(killTimes.length);
      expectGapFree(seqsOf(observer.frames), "observer");
      if (roamer) collectRoamer();
      expectGapFree(seqsOf(roamerFrames), "reconnecting client");
      expect(observer.all("error")).toEqual([]);
      // every permission request was resolved exactly once, and none is pending
      const requests = observer.all("permission.request").map((frame) => frame.requestId);
      const resolved = observer.all("permission.resolved").map((frame) => frame.requestId);
      expect(resolved.sort()).toEqual(requests.sort());
      expect(relay.relay.health()).toMatchObject({ state: "ready", pendingPermissions: 0, sessionId });
      expect(new Set(observer.frames.filter((frame) => frame.sessionId).map((frame) => frame.sessionId))).toEqual(new Set([sessionId]));
      await roamer?.close();

      reportFigures("faults", {
        seed,
        kills: killTimes.length,
        scenarios: Object.fromEntries(["streaming", "permission", "idle", "starting"].map((s) => [s, scenarios.filter((x) => x === s).length])),
        permissionsCancelled: cancelled.length,
        eventsSeen: seqsOf(observer.frames).length,
      });
    },
    budgetMs(60_000, KILLS, 40_000),
  );
});

describe("Claude frozen (SIGSTOP)", () => {
  let relay: TestRelay;
  beforeAll(async () => {
    relay = await startTestRelay({ flags: { claudeTimeout: "1500ms" } });
  });
  afterAll(() => relay?.stop());

  test("an unanswered liveness probe → the frozen process is killed and replaced, resumed on the same session", async () => {
    const client = await relay.connectAuthenticated();
    await waitFor(() => relay.relay.claude.state === "ready", 30_000, "ready");
    relay.api.enqueue(text("before the freeze"));
    client.send({ type: "prompt", text: "remember this" });
    await client.next(isResult, 30_000);
    await waitFor(() => relay.transcript().includes("before the freeze"), 10_000, "the turn in Claude's transcript");
    const frozen = relay.relay.claude.pid!;
    const restartsBefore = relay.relay.claude.restarts;

    process.kill(frozen, "SIGSTOP");
    const stoppedAt = Date.now();
    const restarting = await client.next(stateIs("restarting"), 10_000);
    const detectedMs = Date.now() - stoppedAt; // reported below; how soon is measured, not asserted
    expect(restarting.restarts).toBe(restartsBefore + 1);
    await waitFor(() => !alive(frozen), 5000, "the frozen process is gone");
    await client.next((frame) => stateIs("ready")(frame) && frame.claudePid !== frozen, 30_000);
    // the liveness probe, held to --claude-timeout, found it: nothing else ended it
    expect(relay.logs.find((line) => line.msg.startsWith("Claude did not answer a control request in time") && line.pid === frozen)).toMatchObject({
      subtype: "mcp_status",
      timeoutMs: 1500,
    });

    relay.api.enqueue(text("after the freeze"));
    client.send({ type: "prompt", text: "what did I say?" });
    await client.next(isResult, 30_000);
    expect(JSON.stringify(relay.api.messageRequests().at(-1)!.messages)).toContain("remember this");
    expectGapFree(seqsOf(client.frames), "client");
    reportFigures("sigstop", { detectedMs, claudeTimeoutMs: 1500 });
    await client.close();
  }, 60_000);
});

describe("crash loop: a Claude binary that exits at once", () => {
  const dir = makeTempDir("relay-crashloop-");
  const pidFile = join(dir, "claude-pids");
  const probeFile = join(dir, "claude-help-pids");
  let outcome: { frames: Frame[]; closeCode: number; exitCode: number | null; healthWhileRestarting: Record<string, any>; relayPid: number };

  beforeAll(async () => {
    const bin = join(dir, "crashing-claude");
    // The relay asks a Claude binary's --help once whether it has --include-partial-messages: that
    // probe is not a session start, so it is recorded apart (and must be gone too).
    writeFileSync(bin, `#!/bin/sh\nif [ "$1" = "--help" ]; then echo $$ >> ${probeFile}; exit 3; fi\necho $$ >> ${pidFile}\nexit 3\n`);
    chmodSync(bin, 0o755);
    const relay = await startStreamingRelay([], { claudeBin: bin });
    try {
      const { client, answer } = await connectAndSign(relay.url, relay.key);
      expect(answer.type).toBe("auth.ok");
      const healthWhileRestarting = await relay.health();
      const { code: closeCode } = await client.closed;
      const exitCode = await relay.process.exitCode;
      outcome = { frames: client.frames, closeCode, exitCode, healthWhileRestarting, relayPid: relay.process.child.pid! };
    } finally {
      await relay.stop();
    }
  }, 60_000);
  afterAll(() => removeTempDir(dir));

  test("the relay gives up after more than 5 crashes: clients closed with 1011, exit non-zero, nothing left running", () => {
    expect(outcome.healthWhileRestarting.ok).toBe(false);
    expect(outcome.healthWhileRestarting.degraded.some((reason: string) => reason.startsWith("claude "))).toBe(true);
    expect(outcome.closeCode).toBe(1011);
    expect(outcome.exitCode).not.toBeNull();
    expect(outcome.exitCode).not.toBe(0);
    const claudePids = readFileSync(pidFile, "utf8").trim().split("\n").map(Number);
    expect(claudePids).toHaveLength(CRASHES_PER_WINDOW + 1);
    const probes = readFileSync(probeFile, "utf8").trim().split("\n").map(Number);
    expect(probes).toHaveLength(1);
    for (const pid of [...claudePids, ...probes]) {
      expect(alive(pid)).toBe(false);
      expect(groupAlive(pid)).toBe(false);
    }
    expect(alive(outcome.relayPid)).toBe(false);
    reportFigures("crash-loop", { crashes: claudePids.length, exitCode: outcome.exitCode, closeCode: outcome.closeCode });
  });

  test("clients are told: session.state failed reaches them before the close", () => {
    const states = outcome.frames.filter((frame) => frame.type === "session.state");
    expect(states.at(-1)).toMatchObject({ state: "failed", restarts: CRASHES_PER_WINDOW });
  });
});
