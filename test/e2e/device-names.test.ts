/**
 * Devices go by what the user named their keys, with two real clients (ssh-keygen keys whose
 * authorized_keys lines have different comments) driving the real Claude CLI: the names in
 * auth.ok, user.prompt, permission.resolved and session.state, the same after a reconnect's
 * replay, and after a restart of the relay (from its event log).
 */
import { afterAll, beforeAll, expect, test } from "bun:test";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { text, toolUse } from "../support/fake-anthropic.ts";
import { startTestRelay, type TestRelay } from "../support/relay.ts";
import { generateKey, removeTempDir, type TestKey } from "../support/ssh.ts";
import type { Frame } from "../support/ws-client.ts";

let relay: TestRelay;
let laptopKey: TestKey;

/** An authorized_keys line for `key` with `comment` instead of ssh-keygen's. */
const lineFor = (key: TestKey, comment: string) => `${key.publicLine.split(" ").slice(0, 2).join(" ")} ${comment}`;

beforeAll(async () => {
  relay = await startTestRelay();
  laptopKey = generateKey(relay.dir, "ecdsa-256", "laptop");
  // the relay's own key as `claude-relay pair --name phone` writes it, the other as ssh-keygen names keys
  writeFileSync(relay.options.authorizedKeysPath, `${lineFor(relay.key, "claude-relay:phone 2026-11-28")}\n${lineFor(laptopKey, "me@laptop")}\n`);
});
afterAll(async () => {
  await relay.stop();
  removeTempDir(relay.dir); // kept across the restart below
});

const isResult = (frame: Frame) => frame.type === "claude.event" && frame.event.type === "result";
const isReady = (frame: Frame) => frame.type === "session.state" && frame.state === "ready";
/** The events that name a device: prompts and answers, as `type:by:device`. */
const named = (frames: Frame[]) =>
  frames.filter((frame) => frame.type === "user.prompt" || frame.type === "permission.resolved").map((frame) => `${frame.type}:${frame.device}`);

test("prompts, answers and presence name each device by its key's comment; a reconnect's replay and a restarted relay say the same", async () => {
  const phone = await relay.connectAuthenticated();
  const laptop = await relay.connectAuthenticated(undefined, laptopKey);
  expect(phone.authOk.key).toMatchObject({ comment: "claude-relay:phone 2026-11-28", device: "phone" });
  expect(laptop.authOk.key).toMatchObject({ comment: "me@laptop", device: "me@laptop" });
  expect(laptop.authOk.state).toMatchObject({ clients: 2, devices: ["me@laptop", "phone"] });
  const present = await phone.next((frame) => frame.type === "session.state" && frame.clients === 2);
  expect(present.devices).toEqual(["me@laptop", "phone"]);

  const file = join(relay.options.cwd, "named.txt");
  relay.api.enqueue(toolUse("Write", { file_path: file, content: "x" }), text("written"));
  // a client cannot choose its name: the relay names it by the key it proved
  phone.send({ type: "prompt", text: "write a file", device: "someone else", by: "someone" });
  const prompt = await laptop.next("user.prompt", 20_000);
  expect(prompt).toMatchObject({ text: "write a file", by: phone.authOk.clientId, device: "phone" });
  const request = await laptop.next("permission.request", 20_000);
  laptop.send({ type: "permission.response", requestId: request.requestId, behavior: "allow" });
  for (const client of [phone, laptop]) {
    expect(await client.next("permission.resolved")).toMatchObject({ behavior: "allow", by: laptop.authOk.clientId, device: "me@laptop" });
    await client.next(isResult, 20_000);
    await client.next(isReady, 20_000);
  }
  const seen = phone.frames.filter((frame) => typeof frame.seq === "number");
  expect(named(seen)).toEqual(["user.prompt:phone", "permission.resolved:me@laptop"]);

  // the laptop leaves: the phone is told who is left
  await laptop.close();
  const alone = await phone.next((frame) => frame.type === "session.state" && frame.clients === 1);
  expect(alone.devices).toEqual(["phone"]);

  // the phone reloads: a new connection id, the same names, in the replay as they were live
  await phone.close();
  const again = await relay.connectAuthenticated({ sessionId: relay.relay.sessionId, lastSeq: 0 });
  expect(again.authOk.clientId).not.toBe(phone.authOk.clientId);
  expect(again.authOk.state.devices).toEqual(["phone"]);
  const lastSeq = seen.at(-1)!.seq as number;
  await again.next((frame) => frame.seq === lastSeq);
  const replayed = again.frames.filter((frame) => typeof frame.seq === "number" && frame.seq <= lastSeq);
  expect(named(replayed)).toEqual(named(seen));
  expect(replayed.find((frame) => frame.type === "user.prompt")).toEqual(seen.find((frame) => frame.type === "user.prompt"));
  await again.close();

  // a restarted relay replays from its event log: the names are in the events themselves
  const sessionId = relay.relay.sessionId;
  await relay.stop({ keepDir: true });
  relay = await startTestRelay({ dir: relay.dir });
  const restored = await relay.connectAuthenticated({ sessionId, lastSeq: 0 });
  await restored.next((frame) => frame.seq === lastSeq);
  expect(named(restored.frames.filter((frame) => typeof frame.seq === "number" && frame.seq <= lastSeq))).toEqual(named(seen));
  await restored.close();
}, 90_000);

test("a key without a comment goes by the start of its fingerprint", async () => {
  writeFileSync(relay.options.authorizedKeysPath, `${lineFor(laptopKey, "")}\n`);
  const bare = await relay.connectAuthenticated(undefined, laptopKey);
  const short = laptopKey.fingerprint.slice(0, "SHA256:".length + 8);
  expect(bare.authOk.key).toMatchObject({ comment: "", device: short });
  expect(bare.authOk.state.devices).toEqual([short]);
  await bare.close();
});
