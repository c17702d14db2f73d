/**
 * Shutdown under load: the relay (its own process) streams the synthetic Claude's output to N
 * clients; SIGTERM must close every client with 1001 within a second, exit 0, and leave no
 * process behind (Claude's process and its whole process group gone).
 *
 * Size: ROBUSTNESS_SHUTDOWN_CLIENTS (reduced 20, full 200); ROBUSTNESS_SHUTDOWN_RUNS (reduced 1, full 3).
 */
import { describe, expect, test } from "bun:test";
import { alive } from "../support/claude-harness.ts";
import { groupAlive } from "../support/cli-process.ts";
import { budgetMs, reportFigures, size } from "./scale.ts";
import { connectSeqClients, startStreamingRelay } from "./streaming.ts";

const CLIENTS = size("SHUTDOWN_CLIENTS", 20, 200);
const RUNS = size("SHUTDOWN_RUNS", 1, 3);
const CLOSE_WITHIN_MS = 1000;

describe("shutdown under load", () => {
  test(
    `${RUNS} × SIGTERM with ${CLIENTS} clients and output streaming: 1001 to all within 1 s, exit 0, no orphan`,
    async () => {
      const slowest: number[] = [];
      for (let run = 1; run <= RUNS; run++) {
        const relay = await startStreamingRelay(["--max-clients", String(CLIENTS + 10), "--max-pending-per-address", "64"]);
        try {
          let health = await relay.health();
          for (const deadline = Date.now() + 20_000; health.state !== "ready" && Date.now() < deadline; health = await relay.health()) await Bun.sleep(50);
          const claudePid = health.claudePid as number;
          expect(claudePid).toBeGreaterThan(0);
          const clients = await connectSeqClients(relay, CLIENTS);
          clients[0]!.send({ type: "prompt", text: "synth events=100000 bytes=400 rate=500" });
          // streaming for real before the signal
          for (const deadline = Date.now() + 10_000; clients.some((client) => client.assistants < 100) && Date.now() < deadline; ) await Bun.sleep(20);
          expect(clients.every((client) => client.assistants >= 100)).toBe(true);

          const signalledAt = performance.now();
          relay.process.kill("SIGTERM");
          await Promise.all(clients.map((client) => client.closed));
          const closeMs = clients.map((client) => client.closedAt - signalledAt);
          const exitCode = await relay.process.exitCode;

          expect(clients.map((client) => client.closeCode)).toEqual(clients.map(() => 1001));
          expect(Math.max(...closeMs)).toBeLessThan(CLOSE_WITHIN_MS);
          expect(exitCode).toBe(0);
          expect(clients.flatMap((client) => client.disorder)).toEqual([]);
          expect(alive(claudePid)).toBe(false);
          expect(groupAlive(claudePid)).toBe(false);
          expect(alive(relay.process.child.pid!)).toBe(false);
          slowest.push(Math.round(Math.max(...closeMs)));
        } finally {
          await relay.stop();
        }
      }
      reportFigures("shutdown", { runs: RUNS, clients: CLIENTS, slowestCloseMs: slowest, exitCodes: "all 0" });
    },
    budgetMs(20_000, RUNS, 20_000),
  );
});
