/**
 * Pairing a device end to end: `claude-relay pair` runs as its own process and talks to the relay
 * through the control socket; the device is a real WebSocket client sending `pair.request` with
 * a key made by ssh-keygen, then logging in with it on the same connection.
 */
import { afterAll, afterEach, beforeAll, describe, expect, test } from "bun:test";
import { spawn } from "node:child_process";
import { existsSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { CLI, SYNTHETIC_CLAUDE } from "../support/cli-process.ts";
import { counterValue } from "../support/metrics.ts";
import { killPairProcesses, startPair } from "../support/pair-process.ts";
import { startTestRelay, type TestRelay } from "../support/relay.ts";
import { generateKey, sshKeygenSign, type TestKey } from "../support/ssh.ts";
import { waitFor } from "../support/wait.ts";
import type { Frame, TestClient } from "../support/ws-client.ts";

const AUTH_TIMEOUT = "2s";
let relay: TestRelay;
let device: TestKey;
let otherDevice: TestKey;

beforeAll(async () => {
  relay = await startTestRelay({ flags: { claudeBin: SYNTHETIC_CLAUDE, authTimeout: AUTH_TIMEOUT } });
  device = generateKey(relay.dir, "ecdsa-256", "phone");
  otherDevice = generateKey(relay.dir, "ed25519", "tablet");
});
afterEach(killPairProcesses);
afterAll(() => relay.stop());

const keyField = (key: TestKey) => key.publicLine.split(" ").slice(0, 2).join(" ");

async function requestPairing(code: string, key: TestKey, name?: string): Promise<{ client: TestClient; reply: Frame }> {
  const client = await relay.connect();
  await client.next("auth.challenge");
  client.send({ type: "pair.request", code, publicKey: keyField(key), ...(name && { name }) });
  return { client, reply: await client.next((frame) => frame.type === "pair.ok" || frame.type === "error", 20_000) };
}

describe("claude-relay pair", () => {
  test("--yes: the link's code pairs the device, exactly one line is appended, and it logs in on the same connection", async () => {
    const before = readFileSync(relay.options.authorizedKeysPath);
    const pair = startPair(relay, ["--yes", "--name", "phone"]);
    const link = await pair.url;
    expect(link).toStartWith(`${relay.httpUrl}/#pair=`);
    await waitFor(() => pair.output().includes("the relay listens only on this machine, so another device cannot open this link"), 5000, "the loopback note");
    const code = await pair.code;
    expect(code).toMatch(/^[A-Za-z0-9_-]{22,}$/); // ≥ 128 bits of base64url

    const { client, reply } = await requestPairing(code, device, "ignored-because---name-wins");
    expect(reply).toEqual({ type: "pair.ok", fingerprint: device.fingerprint });
    expect(await pair.exit).toBe(0);
    expect(pair.output()).toContain(device.fingerprint);

    const after = readFileSync(relay.options.authorizedKeysPath);
    expect(after.subarray(0, before.length).equals(before)).toBe(true);
    const added = after.subarray(before.length).toString();
    expect(added).toMatch(new RegExp(`^${keyField(device).replace(/[+/]/g, "\\$&")} claude-relay:phone \\d{4}-\\d{2}-\\d{2}\\n$`));

    const challenge = await client.next("auth.challenge");
    client.send({ type: "auth.response", signature: sshKeygenSign(device.privatePath, challenge.challenge) });
    expect(await client.next("auth.ok")).toMatchObject({ key: { fingerprint: device.fingerprint, comment: expect.stringContaining("claude-relay:phone") } });
    await client.close();
  }, 30_000);

  test("interactive: the question shows the fingerprint; answering n adds nothing and the device gets pair_failed + 4401", async () => {
    const before = readFileSync(relay.options.authorizedKeysPath, "utf8");
    const pair = startPair(relay, []);
    const pending = requestPairing(await pair.code, otherDevice, "tablet");
    await pair.asked;
    expect(pair.output()).toContain(otherDevice.fingerprint);
    expect(pair.output()).toContain('"tablet"');
    // the person may take longer than --auth-timeout to answer: the device keeps waiting
    await Bun.sleep(2500);
    pair.child.stdin!.end("n\n");
    const { client, reply } = await pending;
    expect(reply).toMatchObject({ type: "error", code: "pair_failed" });
    expect((await client.closed).code).toBe(4401);
    expect(await pair.exit).toBe(1);
    expect(pair.output()).toContain("Not added.");
    expect(readFileSync(relay.options.authorizedKeysPath, "utf8")).toBe(before);
  }, 30_000);

  test("interactive: answering y adds the key under the device's own name", async () => {
    const pair = startPair(relay, []);
    const pending = requestPairing(await pair.code, otherDevice, "my tablet!");
    await pair.asked;
    pair.child.stdin!.end("y\n");
    expect((await pending).reply).toEqual({ type: "pair.ok", fingerprint: otherDevice.fingerprint });
    expect(await pair.exit).toBe(0);
    expect(readFileSync(relay.options.authorizedKeysPath, "utf8")).toContain(`${keyField(otherDevice)} claude-relay:my-tablet `);
    await (await pending).client.close();
  }, 30_000);

  test("a used code, a wrong code: pair_failed, 4401, and each counts as a failed login", async () => {
    const pair = startPair(relay, ["--yes"]);
    const code = await pair.code;
    const first = await requestPairing(code, generateKey(relay.dir, "ed25519", "reuse"));
    expect(first.reply.type).toBe("pair.ok");
    await first.client.close();
    const failuresBefore = counterValue(relay.relay.gateway.metrics, "claude_relay_auth_failures_total", { reason: "pair_bad_code" });

    const reused = await requestPairing(code, generateKey(relay.dir, "ed25519", "reuse2"));
    expect(reused.reply).toMatchObject({ type: "error", code: "pair_failed" });
    expect((await reused.client.closed).code).toBe(4401);
    const wrong = await requestPairing("A".repeat(24), generateKey(relay.dir, "ed25519", "wrong"));
    expect(wrong.reply).toMatchObject({ type: "error", code: "pair_failed" });
    expect((await wrong.client.closed).code).toBe(4401);
    expect(counterValue(relay.relay.gateway.metrics, "claude_relay_auth_failures_total", { reason: "pair_bad_code" })).toBe(failuresBefore + 2);
    expect(relay.logs.some((line) => line.msg === "pairing failed" && line.reason === "pairing code used")).toBe(true);
    expect(relay.logs.some((line) => line.msg === "pairing failed" && line.reason === "pairing code unknown")).toBe(true);

    // hanging up right after guessing does not make the guess free
    const hangUp = await relay.connect();
    await hangUp.next("auth.challenge");
    hangUp.send({ type: "pair.request", code: "B".repeat(24), publicKey: keyField(device) });
    hangUp.socket.close();
    await waitFor(() => counterValue(relay.relay.gateway.metrics, "claude_relay_auth_failures_total", { reason: "pair_bad_code" }) === failuresBefore + 3);
  }, 30_000);

  test("two devices racing with one code: exactly one is paired", async () => {
    const before = readFileSync(relay.options.authorizedKeysPath, "utf8");
    const pair = startPair(relay, ["--yes", "--name", "race"]);
    const code = await pair.code;
    const [a, b] = await Promise.all([
      requestPairing(code, generateKey(relay.dir, "ed25519", "race-a")),
      requestPairing(code, generateKey(relay.dir, "ed25519", "race-b")),
    ]);
    const replies = [a.reply, b.reply];
    expect(replies.filter((reply) => reply.type === "pair.ok")).toHaveLength(1);
    expect(replies.filter((reply) => reply.code === "pair_failed")).toHaveLength(1);
    const added = readFileSync(relay.options.authorizedKeysPath, "utf8").slice(before.length);
    expect(added.split("\n").filter(Boolean)).toHaveLength(1);
    await Promise.all([a.client.close(), b.client.close()]);
  }, 30_000);

  test("a missing authorized_keys is created 0600 in a 0700 .ssh", async () => {
    const sshDir = join(relay.options.authorizedKeysPath, "..");
    rmSync(sshDir, { recursive: true });
    const pair = startPair(relay, ["--yes", "--name", "first"]);
    const { reply, client } = await requestPairing(await pair.code, device);
    expect(reply.type).toBe("pair.ok");
    expect(statSync(sshDir).mode & 0o777).toBe(0o700);
    expect(statSync(relay.options.authorizedKeysPath).mode & 0o777).toBe(0o600);
    expect(readFileSync(relay.options.authorizedKeysPath, "utf8")).toMatch(/^ecdsa-sha2-nistp256 \S+ claude-relay:first \d{4}-\d{2}-\d{2}\n$/);
    await client.close();
    writeFileSync(relay.options.authorizedKeysPath, `${relay.key.publicLine}\n`);
  }, 30_000);

  test("an RSA key is refused without using up the code", async () => {
    const pair = startPair(relay, ["--yes"]);
    const code = await pair.code;
    const rsa = await requestPairing(code, generateKey(relay.dir, "rsa-3072", "old-laptop"));
    expect(rsa.reply).toMatchObject({ type: "error", code: "pair_failed", message: expect.stringContaining("only Ed25519 and ECDSA keys") });
    const ok = await requestPairing(code, generateKey(relay.dir, "ecdsa-384", "new-laptop"));
    expect(ok.reply.type).toBe("pair.ok");
    await ok.client.close();
  }, 30_000);

  test("pair.request is answered once per connection, and not at all after login", async () => {
    const pair = startPair(relay, []);
    const code = await pair.code;
    const waiting = await relay.connect();
    await waiting.next("auth.challenge");
    waiting.send({ type: "pair.request", code, publicKey: keyField(otherDevice) });
    await pair.asked;
    waiting.send({ type: "pair.request", code, publicKey: keyField(otherDevice), id: "again" });
    expect(await waiting.next("error")).toMatchObject({ code: "invalid_message", id: "again" });
    pair.child.kill("SIGTERM"); // the person gives up: the device is told
    expect(await waiting.next("error")).toMatchObject({ code: "pair_failed" });

    const client = await relay.connectAuthenticated();
    client.send({ type: "pair.request", code: "x", publicKey: keyField(otherDevice), id: "late" });
    expect(await client.next("error")).toMatchObject({ code: "invalid_message", message: "already authenticated", id: "late" });
    await client.close();
  }, 30_000);

  test("pair with no relay running says so and exits 1", async () => {
    const pair = spawn(CLI[0]!, [...CLI.slice(1), "pair", "--state-dir", join(relay.dir, "no-relay-here")], { stdio: ["ignore", "pipe", "pipe"] });
    let stderr = "";
    pair.stderr!.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    expect(await new Promise((resolve) => pair.on("exit", resolve))).toBe(1);
    expect(stderr).toContain("no relay is running with state dir");
    expect(existsSync(join(relay.dir, "no-relay-here"))).toBe(false);
  });

  test("the control socket is the user's alone", () => {
    const socket = join(relay.options.stateDir, "control", "relay.sock");
    expect(statSync(socket).isSocket()).toBe(true);
    expect(statSync(socket).mode & 0o777).toBe(0o600);
    expect(statSync(join(socket, "..")).mode & 0o777).toBe(0o700);
  });
});
