/**
 * On Deno the relay cannot send pings itself; the adapter sets Deno's `idleTimeout` from
 * `--heartbeat-timeout` so Deno does. A raw TCP client that never answers pings shows both
 * halves: a ping frame arrives, then the dead peer is dropped long before the auth timeout.
 */
import { afterAll, beforeAll, expect, test } from "bun:test";
import { RawPeer } from "../support/raw-ws.ts";
import { CLI_PATH, DENO, type RelayUnderTest, startRelayProcess } from "../support/relay-process.ts";

let relay: RelayUnderTest;
beforeAll(async () => {
  relay = await startRelayProcess([DENO, "run", "-A", CLI_PATH]);
}, 30_000);
afterAll(() => relay.stop());

test("Deno pings a silent client and drops it after the heartbeat timeout, not at the auth timeout", async () => {
  // startRelayProcess runs with --heartbeat-interval 1s, --heartbeat-timeout 3s and the default 10 s auth timeout.
  const started = Date.now();
  const peer = await RawPeer.connect(relay.url);
  expect(JSON.parse(await peer.nextText()).type).toBe("auth.challenge");
  await peer.closed;
  expect(peer.controlFrames).toContain(0x9); // ping
  expect(Date.now() - started).toBeLessThan(8000);
}, 15_000);
