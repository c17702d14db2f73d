/**
 * Authentication over real WebSockets: every key type signed by ssh-keygen, refusals with the
 * contract's codes (and precise reasons only in the log), key removal, rate limiting.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { startTestRelay, type TestRelay } from "../support/relay.ts";
import { ALL_KEY_KINDS, generateKey, sshKeygenSign, type TestKey } from "../support/ssh.ts";
import { waitFor } from "../support/wait.ts";
import { TestClient } from "../support/ws-client.ts";

let relay: TestRelay;
let keys: TestKey[];
let stranger: TestKey;
let restricted: TestKey;
let authorizedKeys: string;

beforeAll(async () => {
  relay = await startTestRelay();
  authorizedKeys = relay.options.authorizedKeysPath;
  keys = ALL_KEY_KINDS.map((kind) => generateKey(relay.dir, kind));
  stranger = generateKey(relay.dir, "ed25519", "stranger");
  restricted = generateKey(relay.dir, "ed25519", "restricted");
  writeFileSync(authorizedKeys, `${[relay.key.publicLine, ...keys.map((key) => key.publicLine), `from="10.0.0.0/8" ${restricted.publicLine}`].join("\n")}\n`);
});
afterAll(() => relay.stop());

async function attempt(signature: (challenge: string) => string): Promise<{ client: TestClient; reply: Record<string, any> }> {
  const client = await relay.connect();
  const challenge = await client.next("auth.challenge");
  client.send({ type: "auth.response", signature: signature(challenge.challenge) });
  return { client, reply: await client.next((frame) => frame.type === "auth.ok" || frame.type === "error") };
}

describe("accepted keys", () => {
  for (const kind of ALL_KEY_KINDS) {
    test(`${kind}: ssh-keygen -Y sign → auth.ok with the ssh-keygen fingerprint`, async () => {
      const key = keys.find((candidate) => candidate.kind === kind)!;
      const { client, reply } = await attempt((challenge) => sshKeygenSign(key.privatePath, challenge));
      expect(reply).toMatchObject({
        type: "auth.ok",
        key: { type: key.type, fingerprint: key.fingerprint, comment: `test-${kind}` },
        sessionId: relay.relay.sessionId,
      });
      await client.close();
    });
  }
});

describe("the upgrade's two ways in", () => {
  // A login's upgrade is served before Hono's routing (src/runtime/bun); one the fast way declines
  // — here a query string — reaches the app's /ws route, which must log in exactly the same.
  test("/ws?… goes through the app's route: the same challenge, auth.ok and log line", async () => {
    for (const url of [relay.url, `${relay.url}?via=app`]) {
      const client = await TestClient.connect(url);
      const challenge = await client.next("auth.challenge");
      client.send({ type: "auth.response", signature: sshKeygenSign(relay.key.privatePath, challenge.challenge) });
      const reply = await client.next((frame) => frame.type === "auth.ok" || frame.type === "error");
      const clientId = reply.clientId;
      expect(reply).toMatchObject({ type: "auth.ok", key: { fingerprint: relay.key.fingerprint } });
      expect(typeof clientId).toBe("string");
      await waitFor(() =>
        relay.logs.some((line) => line.msg === "authenticated" && line.clientId === clientId && line.remote && line.keyType === relay.key.type),
      );
      await client.close();
    }
  });
});

describe("refusals", () => {
  async function expectRefused(signature: (challenge: string) => string, logReason: RegExp): Promise<void> {
    const { client, reply } = await attempt(signature);
    expect(reply).toEqual({ type: "error", code: "auth_failed", message: "authentication failed" });
    expect((await client.closed).code).toBe(4401);
    await waitFor(() => relay.logs.some((line) => line.msg === "authentication failed" && logReason.test(line.reason) && line.remote));
  }

  test("a key that is not authorized", () => expectRefused((challenge) => sshKeygenSign(stranger.privatePath, challenge), /not in authorized_keys/));

  test("an authorized key whose from= does not match the peer", () =>
    expectRefused((challenge) => sshKeygenSign(restricted.privatePath, challenge), /not allowed by from=/));

  test("a signature replayed from another connection's challenge", async () => {
    const other = await relay.connect();
    const otherChallenge = (await other.next("auth.challenge")).challenge;
    const stolen = sshKeygenSign(relay.key.privatePath, otherChallenge);
    await expectRefused(() => stolen, /wrong key, or not over this connection's challenge/);
    await other.close();
  });

  test("the wrong namespace", () => expectRefused((challenge) => sshKeygenSign(relay.key.privatePath, challenge, "git"), /namespace/));

  test("garbage instead of a signature", () => expectRefused(() => "-----BEGIN SSH SIGNATURE-----\nnope\n-----END SSH SIGNATURE-----", /invalid SSHSIG/));

  test("one attempt per connection: a second auth.response while the first is checked is refused", async () => {
    const client = await relay.connect();
    const challenge = (await client.next("auth.challenge")).challenge;
    const signature = sshKeygenSign(relay.key.privatePath, challenge);
    client.send({ type: "auth.response", signature, id: "first" });
    client.send({ type: "auth.response", signature, id: "second" });
    const replies = [
      await client.next((f) => f.type === "auth.ok" || f.type === "error"),
      await client.next((f) => f.type === "auth.ok" || f.type === "error"),
    ];
    expect(replies.map((reply) => reply.type).sort()).toEqual(["auth.ok", "error"]);
    expect(replies.find((reply) => reply.type === "error")).toMatchObject({ code: "invalid_message", id: "second" });
    await client.close();
  });
});

describe("authorized_keys edits", () => {
  test("removing a key disconnects its clients (4401) and refuses its next login; other keys stay", async () => {
    const ecdsa = keys.find((key) => key.kind === "ecdsa-256")!;
    const { client: doomed } = await attempt((challenge) => sshKeygenSign(ecdsa.privatePath, challenge));
    const survivor = await relay.connectAuthenticated();
    writeFileSync(authorizedKeys, `${[relay.key.publicLine, ...keys.filter((key) => key !== ecdsa).map((key) => key.publicLine)].join("\n")}\n`);
    expect(await doomed.next("error")).toMatchObject({ code: "auth_failed" });
    expect((await doomed.closed).code).toBe(4401);
    const { reply } = await attempt((challenge) => sshKeygenSign(ecdsa.privatePath, challenge));
    expect(reply).toMatchObject({ code: "auth_failed" });
    expect(survivor.isOpen).toBe(true);
    await survivor.close();
  });
});

describe("rate limiting", () => {
  let limited: TestRelay;
  beforeAll(async () => {
    limited = await startTestRelay();
  });
  afterAll(() => limited.stop());

  test("after repeated failures from an address, new connections get rate_limited and 1013", async () => {
    const outsider = generateKey(join(limited.dir), "ed25519", "outsider");
    let refused: Record<string, any> | undefined;
    for (let i = 0; i < 15 && !refused; i++) {
      const client = await limited.connect();
      const first = await client.next((frame) => frame.type === "auth.challenge" || frame.type === "error");
      if (first.type === "error") {
        refused = first;
        expect((await client.closed).code).toBe(1013);
        break;
      }
      client.send({ type: "auth.response", signature: sshKeygenSign(outsider.privatePath, first.challenge) });
      expect(await client.next("error")).toMatchObject({ code: "auth_failed" });
      await client.closed;
    }
    expect(refused).toMatchObject({ code: "rate_limited" });
  });
});
