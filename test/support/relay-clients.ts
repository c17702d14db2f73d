/**
 * A test relay for one test file (started before its tests, stopped after them) and library
 * clients of it, made with its key and a quick reconnect, all closed before the relay stops.
 *
 * @example
 * ```ts
 * const world = relayWithClients();
 * let relay: TestRelay;
 * beforeAll(() => (relay = world.relay()));
 * test("…", async () => {
 *   const c = world.client({ session: "a2c4" });
 *   await c.connect(relay.url);
 * });
 * ```
 */
import { afterAll, beforeAll } from "bun:test";
import { RelayClient, type RelayClientOptions } from "../../src/client/client.ts";
import { type ChallengeSigner, keyFileSigner } from "../../src/client/signer.ts";
import { startTestRelay, type TestRelay } from "./relay.ts";

export interface RelayWithClients {
  relay(): TestRelay;
  /** The relay key's signer. */
  signer(): ChallengeSigner;
  client(options?: Partial<RelayClientOptions>): RelayClient;
}

/** Registers the file's beforeAll/afterAll hooks; call it at the top level of a test file. */
export function relayWithClients(): RelayWithClients {
  const made: RelayClient[] = [];
  let relay: TestRelay | undefined;
  let signer: ChallengeSigner | undefined;
  beforeAll(async () => {
    relay = await startTestRelay();
    signer = keyFileSigner(relay.key.privatePath);
  }, 60_000);
  afterAll(async () => {
    await Promise.all(made.splice(0).map((client) => client.close()));
    await relay?.stop();
  });
  const started = () => {
    if (!relay || !signer) throw new Error("the test relay starts in beforeAll: use it inside hooks and tests");
    return { relay, signer };
  };
  return {
    relay: () => started().relay,
    signer: () => started().signer,
    client(options = {}) {
      const client = new RelayClient({ signer: started().signer, reconnect: { initialDelayMs: 20 }, ...options });
      made.push(client);
      return client;
    },
  };
}

/**
 * Stops `sessionId` through the client `by` and resolves once the relay says it has.
 *
 * @example
 * await stopSession(creator, id);
 */
export async function stopSession(by: RelayClient, sessionId: string): Promise<void> {
  const stopped = by.waitFor("session.stopped", (message) => message.sessionId === sessionId);
  by.send({ type: "session.stop", sessionId });
  await stopped;
}
