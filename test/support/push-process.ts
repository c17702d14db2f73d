/**
 * Web Push from a relay running as its own process (Bun, Deno, the compiled binary), reaching a
 * local https push service only because the push service's CA is given the way a user would:
 * `NODE_EXTRA_CA_CERTS`, which Bun and Deno both honour (Deno also reads `DENO_CERT`). Each push
 * is decrypted and its VAPID JWT verified by the push service; the time from the permission
 * request reaching a client to the push's POST is measured over a few requests
 * (docs/benchmarks.md, "Web Push latency").
 *
 * @example
 * ```ts
 * describeWebPushFlow("Deno", [DENO, "run", "-A", CLI_PATH]);
 * ```
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { text, toolUse } from "./fake-anthropic.ts";
import { type PushServiceUnderTest, startPushService } from "./push-service.ts";
import { connectAndSign, type RelayUnderTest, startRelayProcess } from "./relay-process.ts";
import { generateKey, makeTempDir, removeTempDir } from "./ssh.ts";
import { waitFor } from "./wait.ts";

const RUNS = 5;

/** Registers the Web Push flow against a relay started with `command` (see the module comment). */
export function describeWebPushFlow(label: string, command: string[]): void {
  const trust = "NODE_EXTRA_CA_CERTS";
  describe(`${label}: Web Push with the push service's CA in ${trust}`, () => {
    let serviceDir: string;
    let service: PushServiceUnderTest;
    let relay: RelayUnderTest;
    beforeAll(async () => {
      serviceDir = makeTempDir("push-service-");
      service = await startPushService(serviceDir);
      relay = await startRelayProcess(command, (dir) => ["--state-dir", join(dir, "state")], { [trust]: service.caPath });
    }, 60_000);
    afterAll(async () => {
      await relay?.stop();
      await service?.close();
      removeTempDir(serviceDir);
    });

    test(`a permission waits: the phone's endpoint gets it, decrypted and signed (${RUNS} requests, timed)`, async () => {
      const phone = generateKey(relay.dir, "ed25519", "phone");
      writeFileSync(join(relay.dir, "home", ".ssh", "authorized_keys"), `${relay.key.publicLine}\n${phone.publicLine}\n`);
      const device = service.subscriber("phone");
      const { client: phoneClient, answer } = await connectAndSign(relay.url, phone);
      expect(answer.type).toBe("auth.ok");
      phoneClient.send({ type: "push.subscribe", id: "s", subscription: device.subscription, events: ["permission"] });
      expect(await phoneClient.next((frame) => frame.id === "s")).toEqual({ type: "push.subscribed", id: "s" });
      phoneClient.close();
      await phoneClient.closed;

      const { client: laptop } = await connectAndSign(relay.url, relay.key);
      // the phone's logout reaches the relay before the first permission: the laptop is then the only client
      await waitFor(() => laptop.frames.some((frame) => frame.type === "session.state" && frame.clients === 1), 10_000, "the phone gone");
      const timings: number[] = [];
      for (let run = 0; run < RUNS; run++) {
        const file = join(relay.work, `pushed-${run}.txt`);
        relay.api.enqueue(toolUse("Write", { file_path: file, content: "x" }), text(`wrote ${run}`));
        laptop.send({ type: "prompt", text: `write file ${run}` });
        const request = await laptop.next("permission.request", 30_000);
        const requestedAt = performance.now();
        const pushed = await service.next("phone", 5000);
        timings.push(pushed.receivedAt - requestedAt);
        expect(pushed.payload).toMatchObject({ kind: "permission", body: file, url: expect.stringMatching(/^\/#session=/) });
        expect(pushed.claims.aud).toBe(service.origin);
        laptop.send({ type: "permission.response", requestId: request.requestId, behavior: "allow" });
        await laptop.next((frame) => frame.type === "claude.event" && frame.event.type === "result", 30_000);
      }
      expect(service.rejected).toEqual([]);
      const sorted = [...timings].sort((a, b) => a - b);
      console.log(
        `${label}: permission.request → push POST, ms: ${timings.map((ms) => ms.toFixed(1)).join(", ")}; p50 ${sorted[Math.floor(sorted.length / 2)]!.toFixed(1)} ms`,
      );
      for (const ms of timings) expect(ms).toBeLessThan(5000);
      laptop.close();
    }, 120_000);
  });
}
