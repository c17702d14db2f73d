/**
 * Dead and slow clients are shed without disturbing the others: a peer that never answers pings
 * is terminated within the heartbeat timeout; a peer that stops reading is cut off at the send
 * buffer cap while a healthy client receives every event.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { SYNTHETIC_CLAUDE } from "../support/cli-process.ts";
import { RawPeer } from "../support/raw-ws.ts";
import { startTestRelay, type TestRelay } from "../support/relay.ts";
import { sshKeygenSign } from "../support/ssh.ts";
import { waitFor } from "../support/wait.ts";

async function authenticatedRawPeer(relay: TestRelay): Promise<RawPeer> {
  const peer = await RawPeer.connect(relay.url);
  const challenge = JSON.parse(await peer.nextText());
  peer.sendText(JSON.stringify({ type: "auth.response", signature: sshKeygenSign(relay.key.privatePath, challenge.challenge) }));
  expect(JSON.parse(await peer.nextText()).type).toBe("auth.ok");
  return peer;
}

describe("heartbeats", () => {
  let relay: TestRelay;
  beforeAll(async () => {
    relay = await startTestRelay({ flags: { heartbeatInterval: "200ms", heartbeatTimeout: "700ms" } });
  });
  afterAll(() => relay.stop());

  test("a peer that never answers pings is terminated within the timeout; a live client stays", async () => {
    const live = await relay.connectAuthenticated();
    const silent = await authenticatedRawPeer(relay);
    const started = Date.now();
    await silent.closed;
    const elapsed = Date.now() - started;
    expect(silent.controlFrames.filter((opcode) => opcode === 0x9).length).toBeGreaterThan(0); // it was pinged
    expect(elapsed).toBeLessThan(3000); // bounded: timeout 700 ms + one 200 ms interval, with slack
    expect(relay.logs.some((line) => line.msg.includes("terminating stale client") && line.clientId)).toBe(true);
    await Bun.sleep(900); // longer than the timeout: the live client answers pings and stays
    expect(live.isOpen).toBe(true);
    live.send({ type: "ping", id: "alive" });
    expect(await live.next("pong")).toEqual({ type: "pong", id: "alive" });
    await live.close();
  });

  test("a connection that sends nothing after the upgrade is closed by the auth timeout", async () => {
    const quick = await startTestRelay({ flags: { authTimeout: "300ms" } });
    try {
      const client = await quick.connect();
      await client.next("auth.challenge");
      expect(await client.next("error")).toMatchObject({ code: "auth_timeout" });
      expect((await client.closed).code).toBe(4408);
    } finally {
      await quick.stop();
    }
  });
});

describe("slow consumers", () => {
  let relay: TestRelay;
  beforeAll(async () => {
    relay = await startTestRelay({
      flags: { claudeBin: SYNTHETIC_CLAUDE, maxBufferedBytes: "1MiB" },
      // 12 MB at 1,000 lines/s: far more than a stalled peer's kernel buffers plus the cap, and a
      // pace any live client keeps up with (an unpaced burst would outrun a client sharing our CPU)
      env: { SYNTH_EVENTS: "3000", SYNTH_EVENT_BYTES: "4096", SYNTH_RATE: "1000" },
    });
  });
  afterAll(() => relay.stop());

  test("a client that never reads is cut off at the cap; the others get every event", async () => {
    const healthy = await relay.connectAuthenticated();
    const stalled = await authenticatedRawPeer(relay);
    stalled.stopReading();
    healthy.send({ type: "prompt", text: "flood" });
    const result = await healthy.next((frame) => frame.type === "claude.event" && frame.event.type === "result", 30_000);
    const assistants = healthy.all("claude.event").filter((frame) => frame.event.type === "assistant");
    expect(assistants).toHaveLength(3000);
    expect(result.event.subtype).toBe("success");
    const events = healthy.frames.filter((frame) => typeof frame.seq === "number");
    for (let i = 1; i < events.length; i++) expect(events[i]!.seq).toBe(events[i - 1]!.seq + 1);

    // the stalled peer reads nothing, so it cannot see its close: the relay's side is what counts
    expect(relay.logs.some((line) => line.msg.startsWith("slow consumer") && line.maxBufferedBytes === 1024 * 1024)).toBe(true);
    await waitFor(() => relay.relay.gateway.connections.size === 1);
    expect(relay.relay.session.clients.size).toBe(1);
    stalled.destroy();
    expect(healthy.isOpen).toBe(true);
    await healthy.close();
  });
});
