/**
 * Load: N clients on one relay (its own process) for D seconds of continuous output from the
 * synthetic Claude. Every client must receive every seq, in order, and the relay's memory must
 * be flat: RSS at the end within 10 % of RSS after warm-up (the replay buffer is kept small,
 * --replay-events 200, so it is full by then and what remains is the steady state).
 *
 * Size: ROBUSTNESS_LOAD_CLIENTS × ROBUSTNESS_LOAD_SECONDS (reduced 50 × 5, full 500 × 60), at
 * ROBUSTNESS_LOAD_RATE assistant lines per second (reduced 100, full 50) of ~200 bytes each.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { procStats } from "../../bench/support/harness.ts";
import { budgetMs, reportFigures, size } from "./scale.ts";
import { connectSeqClients, type SeqClient, type StreamingRelay, startStreamingRelay } from "./streaming.ts";

const CLIENTS = size("LOAD_CLIENTS", 50, 500);
const SECONDS = size("LOAD_SECONDS", 5, 60);
const RATE = size("LOAD_RATE", 100, 50);
const WARMUP_SECONDS = Math.max(2, Math.round(SECONDS / 6));
const EVENTS = RATE * (SECONDS + WARMUP_SECONDS);
const RSS_TOLERANCE = 0.1;

let relay: StreamingRelay;
let clients: SeqClient[] = [];
beforeAll(async () => {
  relay = await startStreamingRelay(["--max-clients", String(CLIENTS + 10), "--max-pending-per-address", "64", "--replay-events", "200"]);
  await waitForReady(relay);
}, 30_000);
afterAll(async () => {
  for (const client of clients) client.socket.close();
  await relay?.stop();
});

async function waitForReady(target: StreamingRelay): Promise<void> {
  const deadline = Date.now() + 20_000;
  while ((await target.health()).state !== "ready") {
    if (Date.now() > deadline) throw new Error("synthetic Claude not ready");
    await Bun.sleep(50);
  }
}

describe("load", () => {
  test(
    `${CLIENTS} clients × ${SECONDS} s of continuous output: every seq to every client in order; RSS flat`,
    async () => {
      clients = await connectSeqClients(relay, CLIENTS);
      const pid = relay.process.child.pid!;
      const connectedRss = procStats(pid).rssKiB;
      await Bun.sleep(300); // the joins' presence update goes out before the stream starts
      clients[0]!.send({ type: "prompt", text: `synth events=${EVENTS} bytes=200 rate=${RATE}` });

      await Bun.sleep(WARMUP_SECONDS * 1000);
      const warm = procStats(pid);
      const samples: number[] = [];
      const sampler = setInterval(() => samples.push(procStats(pid).rssKiB), 1000);
      const deadline = Date.now() + (SECONDS + 30) * 1000;
      while (clients.some((client) => client.results === 0)) {
        if (Date.now() > deadline) break;
        await Bun.sleep(100);
      }
      clearInterval(sampler);
      const end = procStats(pid);
      const health = await relay.health();

      const late = clients.filter((client) => client.results !== 1).length;
      expect(late).toBe(0);
      const disordered = clients.filter((client) => client.disorder.length > 0);
      expect(disordered.map((client) => client.disorder)).toEqual([]);
      expect(clients.flatMap((client) => client.errors)).toEqual([]);
      for (const client of clients) expect(client.assistants).toBe(EVENTS);
      const lastSeqs = new Set(clients.map((client) => client.lastSeq));
      expect(lastSeqs.size).toBe(1);
      expect(clients.every((client) => client.socket.readyState === WebSocket.OPEN)).toBe(true);
      expect(health).toMatchObject({ clients: CLIENTS, state: "ready", restarts: 0 });

      const growth = (end.rssKiB - warm.rssKiB) / warm.rssKiB;
      reportFigures("load", {
        clients: CLIENTS,
        seconds: SECONDS,
        warmupSeconds: WARMUP_SECONDS,
        linesPerSecond: RATE,
        eventsPerClient: EVENTS,
        framesDelivered: clients.reduce((sum, client) => sum + client.events, 0),
        rssConnectedKiB: connectedRss,
        rssWarmKiB: warm.rssKiB,
        rssEndKiB: end.rssKiB,
        rssMaxKiB: Math.max(warm.rssKiB, end.rssKiB, ...samples),
        rssGrowthPercent: Math.round(growth * 1000) / 10,
        relayCpuSeconds: Math.round(end.cpuMs / 100) / 10,
      });
      expect(Math.abs(growth)).toBeLessThanOrEqual(RSS_TOLERANCE);
    },
    budgetMs(60_000, SECONDS, 1_500),
  );
});
