import { afterEach, expect, test } from "bun:test";
import { readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { silentLogger } from "../../src/log/logger.ts";
import { openEventStore } from "../../src/session/event-store.ts";
import { ReplayBuffer } from "../../src/session/replay-buffer.ts";
import { makeTempDir, removeTempDir } from "../support/ssh.ts";

let dir: string;
afterEach(() => removeTempDir(dir));

test("frames written are there after reopening, oldest first", () => {
  dir = makeTempDir("event-store-");
  const { store } = openEventStore({ stateDir: dir, sessionId: "S", log: silentLogger, compactAboveBytes: 1 << 20 });
  const log = new ReplayBuffer("S", { maxEvents: 100, maxBytes: 1 << 20 });
  store.append([log.append({ type: "a" }), log.append({ type: "b" })], () => log.frames());
  store.append([log.append({ type: "c" })], () => log.frames());
  store.close();
  const { saved } = openEventStore({ stateDir: dir, sessionId: "S", log: silentLogger, compactAboveBytes: 1 << 20 });
  expect(saved.map((frame) => JSON.parse(frame).type)).toEqual(["a", "b", "c"]);
  expect(statSync(join(dir, "events-S.jsonl")).mode & 0o777).toBe(0o600);
});

test("the file is rewritten from the replay buffer once it grows past the bound", () => {
  dir = makeTempDir("event-store-");
  const { store } = openEventStore({ stateDir: dir, sessionId: "S", log: silentLogger, compactAboveBytes: 4096 });
  const log = new ReplayBuffer("S", { maxEvents: 5, maxBytes: 1 << 20 });
  for (let i = 0; i < 200; i++) store.append([log.append({ type: "e", pad: "x".repeat(50) })], () => log.frames());
  const file = readFileSync(join(dir, "events-S.jsonl"), "utf8");
  expect(file.length).toBeLessThanOrEqual(4096 + 200);
  const restored = ReplayBuffer.restore("S", { maxEvents: 5, maxBytes: 1 << 20 }, file.split("\n").filter(Boolean));
  expect(restored.lastSeq).toBe(200);
  store.close();
});
