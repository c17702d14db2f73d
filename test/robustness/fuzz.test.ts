/**
 * Fuzz: generated hostile frames (test/robustness/frames.ts) against a real relay, before and
 * after authentication. Every frame must get its structured answer (an error with the right code,
 * the echoed id; a pong; or message_too_large and close 1009 for an oversize frame), never an
 * unexpected close; the relay stays healthy; an innocent client connected throughout sees only
 * its own traffic; nothing reaches Claude (a synthetic Claude, so a stray prompt would show up as
 * claude.event); Object.prototype is untouched.
 *
 * Size: ROBUSTNESS_FUZZ_FRAMES (reduced 20,000; full 100,000). Replay a failure with the printed
 * seed: ROBUSTNESS_SEED=<seed>.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { PRE_AUTH_MAX_FRAME_BYTES } from "../../src/server/gateway.ts";
import { SYNTHETIC_CLAUDE } from "../support/cli-process.ts";
import { Prng, seedFromEnv } from "../support/prng.ts";
import { RawPeer } from "../support/raw-ws.ts";
import { startTestRelay, type TestRelay } from "../support/relay.ts";
import { waitFor } from "../support/wait.ts";
import type { Frame, TestClient } from "../support/ws-client.ts";
import { FrameGenerator, type GeneratedFrame, type Phase } from "./frames.ts";
import { budgetMs, reportFigures, size } from "./scale.ts";

const FRAMES = size("FUZZ_FRAMES", 20_000, 100_000);
const MAX_MESSAGE_BYTES = 64 * 1024;
/** Frames in flight on the fuzzing connection before we wait for answers. */
const WINDOW = 32;
const CHECK_EVERY = 1000;

const seed = seedFromEnv();
console.log(`[robustness] fuzz seed ${seed} (replay with ROBUSTNESS_SEED=${seed})`);
const generator = new FrameGenerator(new Prng(seed));

interface PhaseStats {
  frames: number;
  tooLargeCloses: number;
  tooLargeWithError: number;
  reconnects: number;
  failures: string[];
}

let relay: TestRelay;
let innocent: TestClient & { authOk: Frame };
let claudePid: number;
let innocentPings = 0;
const stats: Record<Phase, PhaseStats> = {
  pre: { frames: 0, tooLargeCloses: 0, tooLargeWithError: 0, reconnects: 0, failures: [] },
  post: { frames: 0, tooLargeCloses: 0, tooLargeWithError: 0, reconnects: 0, failures: [] },
};
const started = Date.now();

beforeAll(async () => {
  // The invalid-frame allowance (--max-invalid-frames) is lifted: this suite checks the answer to
  // every single frame; the allowance itself is tested in test/server/gateway.test.ts.
  relay = await startTestRelay({ flags: { claudeBin: SYNTHETIC_CLAUDE, maxMessageBytes: MAX_MESSAGE_BYTES, authTimeout: "1h", maxInvalidFrames: 0 } });
  await waitFor(() => relay.relay.health().state === "ready", 15_000, "synthetic Claude ready");
  claudePid = relay.relay.claude.pid!;
  innocent = await relay.connectAuthenticated();
});
afterAll(() => relay?.stop());

async function openConnection(phase: Phase): Promise<TestClient> {
  if (phase === "post") return relay.connectAuthenticated();
  const client = await relay.connect();
  await client.next("auth.challenge");
  return client;
}

/**
 * The answer to a frame is the next frame that is neither a session event (those carry a seq) nor
 * a `sessions` update (sent unasked to every client whenever the list changes, e.g. a client count
 * as the fuzzing connections come and go).
 */
const isAnswer = (frame: Frame) => typeof frame.seq !== "number" && frame.type !== "sessions";

function describeFrame(index: number, frame: GeneratedFrame): string {
  const data = typeof frame.data === "string" ? JSON.stringify(frame.data.slice(0, 160)) : `<binary ${frame.data.length} bytes>`;
  return `#${index} ${frame.kind} ${data}`;
}

function checkAnswer(frame: GeneratedFrame, answer: Frame): string | undefined {
  const expected = frame.expect;
  if (expected.reply === "close") return `expected close 1009, got ${JSON.stringify(answer)}`;
  if (expected.reply === "pong") {
    if (answer.type === "pong") return answer.id === expected.id ? undefined : `pong id ${answer.id} ≠ ${expected.id}`;
    if (answer.type === "error" && expected.orCodes?.includes(answer.code)) return undefined;
    return `expected pong, got ${JSON.stringify(answer).slice(0, 200)}`;
  }
  if (answer.type !== "error") return `expected error ${expected.codes.join("|")}, got ${JSON.stringify(answer).slice(0, 200)}`;
  if (!expected.codes.includes(answer.code)) return `expected ${expected.codes.join("|")}, got ${answer.code}: ${answer.message}`;
  if (typeof answer.message !== "string" || answer.message.length === 0) return "error without a message";
  if (expected.id !== undefined && answer.code !== "invalid_json" && answer.id !== expected.id)
    return `error id ${JSON.stringify(answer.id)} ≠ ${JSON.stringify(expected.id)}`;
  return undefined;
}

async function assertRelayHealthy(): Promise<void> {
  const health = await (await fetch(`${relay.httpUrl}/healthz`)).json();
  expect(health).toMatchObject({ state: "ready", claudePid, restarts: 0 });
  innocentPings += 1;
  innocent.send({ type: "ping", id: `innocent-${innocentPings}` });
  expect(await innocent.next("pong")).toEqual({ type: "pong", id: `innocent-${innocentPings}` });
}

/** Sends `count` generated frames in `phase`, checking every answer in order. */
async function fuzz(phase: Phase, count: number): Promise<void> {
  const phaseStats = stats[phase];
  const limit = phase === "pre" ? PRE_AUTH_MAX_FRAME_BYTES : MAX_MESSAGE_BYTES;
  let client = await openConnection(phase);
  const inFlight: Array<{ index: number; frame: GeneratedFrame }> = [];
  const fail = (index: number, frame: GeneratedFrame, problem: string) => {
    if (phaseStats.failures.length < 20) phaseStats.failures.push(`${describeFrame(index, frame)}: ${problem}`);
  };
  const settleOne = async () => {
    const { index, frame } = inFlight.shift()!;
    try {
      const problem = checkAnswer(frame, await client.next(isAnswer, 15_000));
      if (problem) fail(index, frame, problem);
    } catch (error) {
      const closed = client.isOpen ? undefined : await client.closed;
      fail(
        index,
        frame,
        `no answer (${closed ? `closed ${closed.code} ${closed.reason}` : String(error).slice(0, 300)}); ${inFlight.length} later frames lost`,
      );
      inFlight.length = 0;
      client.socket.close();
      client = await openConnection(phase);
      phaseStats.reconnects += 1;
    }
  };

  for (let index = 0; index < count; index++) {
    const frame = generator.next({ phase, limit, id: `f${index}` });
    phaseStats.frames += 1;
    if (frame.expect.reply === "close") {
      while (inFlight.length > 0) await settleOne();
      client.sendRaw(frame.data);
      const { code } = await client.closed;
      const errors = client.frames.filter((f) => isAnswer(f) && f.type === "error").slice(-1);
      if (code !== 1009) fail(index, frame, `closed with ${code}, expected 1009`);
      if (errors.length > 0 && errors[0]!.code === "message_too_large") phaseStats.tooLargeWithError += 1;
      phaseStats.tooLargeCloses += 1;
      client = await openConnection(phase);
      phaseStats.reconnects += 1;
      continue;
    }
    client.sendRaw(frame.data);
    inFlight.push({ index, frame });
    if (inFlight.length >= WINDOW) await settleOne();
    if (index % CHECK_EVERY === CHECK_EVERY - 1) {
      while (inFlight.length > 0) await settleOne();
      await assertRelayHealthy();
    }
  }
  while (inFlight.length > 0) await settleOne();
  expect(client.isOpen).toBe(true); // no unexpected close along the way
  await client.close();
}

const PRE_FRAMES = Math.round(FRAMES * 0.3);
const POST_FRAMES = FRAMES - PRE_FRAMES;

describe("fuzz", () => {
  test(
    `before authentication: ${PRE_FRAMES} generated frames, each answered as the contract says`,
    async () => {
      await fuzz("pre", PRE_FRAMES);
      expect(stats.pre.failures).toEqual([]);
      await assertRelayHealthy();
    },
    budgetMs(20_000, PRE_FRAMES, 2),
  );

  test(
    `after authentication: ${POST_FRAMES} generated frames, each answered as the contract says`,
    async () => {
      await fuzz("post", POST_FRAMES);
      expect(stats.post.failures).toEqual([]);
      await assertRelayHealthy();
    },
    budgetMs(20_000, POST_FRAMES, 2),
  );

  test("a text frame that is not UTF-8 is closed by the WebSocket layer (1007); the relay stays up", async () => {
    for (const bytes of [[0xff], [0x7b, 0xc0, 0xaf, 0x7d], [0xed, 0xa0, 0x80], [0xf4, 0x90, 0x80, 0x80]]) {
      const peer = await RawPeer.connect(relay.url);
      await peer.nextText(); // the challenge
      peer.sendFrame(0x1, new Uint8Array(bytes));
      await peer.closed;
      expect(peer.closeCode).toBe(1007);
    }
    await assertRelayHealthy();
  });

  test("the innocent client saw only its own traffic; nothing reached Claude; no prototype was polluted", async () => {
    await Bun.sleep(200); // trailing presence updates
    expect(innocent.isOpen).toBe(true);
    expect(innocent.all("error")).toEqual([]);
    const kinds = new Set(innocent.frames.map((frame) => frame.type));
    expect([...kinds].sort()).toEqual(["auth.challenge", "auth.ok", "pong", "session.state", "sessions"]);
    // the list updates it got only ever showed the default session, ready, with its client count changing
    for (const update of innocent.all("sessions")) {
      expect(update.sessions).toEqual([expect.objectContaining({ sessionId: relay.relay.sessionId, state: "ready", clients: expect.any(Number) })]);
    }
    expect(innocent.all("pong")).toHaveLength(innocentPings);
    const events = innocent.frames.filter((frame) => typeof frame.seq === "number");
    expect(events.every((frame) => frame.state === "ready")).toBe(true); // presence changes only
    for (let i = 1; i < events.length; i++) expect(events[i]!.seq).toBe(events[i - 1]!.seq + 1);
    expect(relay.relay.claude.pid).toBe(claudePid);
    expect(relay.relay.claude.restarts).toBe(0);
    expect(Object.keys(Object.prototype)).toEqual([]);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(({} as Record<string, unknown>).type).toBeUndefined();
    expect(relay.logs.filter((line) => line.level === "error")).toEqual([]);
    expect(relay.logs.some((line) => line.msg === "unknown message type" && typeof line.messageType === "string")).toBe(true);

    const frames = stats.pre.frames + stats.post.frames;
    reportFigures("fuzz", {
      seed,
      frames,
      preAuth: stats.pre.frames,
      postAuth: stats.post.frames,
      oversizeCloses1009: stats.pre.tooLargeCloses + stats.post.tooLargeCloses,
      oversizeWithErrorFrame: stats.pre.tooLargeWithError + stats.post.tooLargeWithError,
      failures: stats.pre.failures.length + stats.post.failures.length,
      kinds: new Set([...generator.counts.keys()].map((kind) => kind.split(":")[0])).size,
      schemaFields: [...generator.counts.keys()].filter((kind) => kind.startsWith("wrong:")).length,
      seconds: Math.round((Date.now() - started) / 1000),
    });
  });
});
