/**
 * RelayClient following several sessions of a real relay (real Claude CLI behind the fake API):
 * a created session's events come with their own seqs next to the default session's; after a
 * dropped connection every attachment is re-established from where it stood (missed events once,
 * in order); detached and stopped sessions are no longer followed.
 */
import { beforeAll, expect, test } from "bun:test";
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import type { RelayClient, SessionEventMessage } from "../../src/client/client.ts";
import type { ChallengeSigner } from "../../src/client/signer.ts";
import { text } from "../support/fake-anthropic.ts";
import type { TestRelay } from "../support/relay.ts";
import { relayWithClients } from "../support/relay-clients.ts";
import { waitFor } from "../support/wait.ts";

const world = relayWithClients();
const client = world.client;
let relay: TestRelay;
beforeAll(() => {
  relay = world.relay();
});

function record(target: RelayClient): SessionEventMessage[] {
  const events: SessionEventMessage[] = [];
  target.on("event", (event) => events.push(event));
  return events;
}

const isResult = (event: SessionEventMessage) => event.type === "claude.event" && (event.event as { type?: string }).type === "result";
const seqsOf = (events: SessionEventMessage[], sessionId: string) => events.filter((event) => event.sessionId === sessionId).map((event) => event.seq);
const contiguousFrom1 = (seqs: number[]) => seqs.every((seq, index) => seq === index + 1);

let counter = 0;
/** A new session in its own directory under the relay's home (the default --allow-dir). */
async function createSession(by: RelayClient): Promise<string> {
  const cwd = join(relay.dir, "home", `project-${++counter}`);
  mkdirSync(cwd, { recursive: true });
  const id = `create-${counter}`;
  const created = by.waitFor("session.created", (message) => message.id === id, 30_000);
  by.send({ type: "session.create", cwd, id });
  return (await created).sessionId;
}

/** One turn in `sessionId`, answered by the fake API, until its result reaches `watcher`. */
async function turn(by: RelayClient, sessionId: string, answer: string, watcher: RelayClient = by): Promise<void> {
  relay.api.enqueue(text(answer));
  const done = watcher.waitFor("event", (event) => event.sessionId === sessionId && isResult(event), 60_000);
  by.send({ type: "prompt", text: `say ${answer}`, sessionId });
  await done;
}

test("an attached session's events arrive with their own seqs, next to the default session's", async () => {
  const c = client();
  const events = record(c);
  const warnings: string[] = [];
  c.on("warning", (warning) => warnings.push(warning));
  const ok = await c.connect(relay.url);
  const sessionId = await createSession(c);
  const attached = c.waitFor("session.attached", (message) => message.sessionId === sessionId);
  c.attach(sessionId);
  expect(await attached).toMatchObject({ sessionId, state: { pendingPermissions: [] } });
  expect(c.attachedSessions).toEqual([sessionId]);

  await turn(c, sessionId, "from the new session");
  await turn(c, ok.sessionId, "from the default session");
  const mine = seqsOf(events, sessionId);
  expect(contiguousFrom1(mine)).toBe(true);
  expect(events.filter((event) => event.sessionId === sessionId && event.type === "user.prompt").map((event) => (event as { text: string }).text)).toEqual([
    "say from the new session",
  ]);
  const defaults = seqsOf(events, ok.sessionId);
  expect(defaults.length).toBeGreaterThan(0);
  expect(new Set(defaults).size).toBe(defaults.length);
  expect(c.lastSeq).toBe(defaults.at(-1)!); // the default session's position is its own
  expect(warnings).toEqual([]);
  await c.close();
}, 120_000);

test("a dropped connection: the login re-attaches from where it stood; what was missed comes once, in order", async () => {
  // A signer that can hold the client at the relay's door after a drop, so it misses a turn.
  let gate: Promise<void> = Promise.resolve();
  let open = () => {};
  let arrived = () => {};
  const signer = world.signer();
  const held: ChallengeSigner = { ...signer, sign: async (message) => (arrived(), await gate, signer.sign(message)) };
  const c = client({ signer: held });
  const other = client();
  const events = record(c);
  await Promise.all([c.connect(relay.url), other.connect(relay.url)]);
  const sessionId = await createSession(c);
  c.attach(sessionId);
  other.attach(sessionId);
  await turn(c, sessionId, "before the drop");

  gate = new Promise((resolve) => (open = resolve));
  const atTheDoor = new Promise<void>((resolve) => (arrived = resolve));
  [...relay.relay.gateway.connections].find((connection) => connection.clientId === c.clientId)!.terminate();
  await atTheDoor;
  await turn(other, sessionId, "while c was away");
  const reattached = c.waitFor("session.attached", (message) => message.sessionId === sessionId, 30_000);
  open();
  const answer = await reattached;
  await waitFor(() => (seqsOf(events, sessionId).at(-1) ?? 0) >= answer.lastSeq, 30_000, "c catches up");
  const seqs = seqsOf(events, sessionId);
  expect(contiguousFrom1(seqs)).toBe(true); // none missed, none twice
  // The replay ends at the relay's lastSeq; only the session's presence update (its client count,
  // broadcast up to 100 ms after the re-attach, so it may come before the poll above sees the
  // replay's end) can follow it live.
  expect(seqs).toContain(answer.lastSeq);
  expect(events.filter((event) => event.sessionId === sessionId && event.seq > answer.lastSeq).map((event) => event.type)).toEqual(
    seqs.filter((seq) => seq > answer.lastSeq).map(() => "session.state"),
  );
  const prompts = events.filter((event) => event.sessionId === sessionId && event.type === "user.prompt").map((event) => (event as { text: string }).text);
  expect(prompts).toEqual(["say before the drop", "say while c was away"]);
  expect(relay.logs.some((line) => line.msg === "replaying" && line.sessionId === sessionId && line.events > 0)).toBe(true);
  await Promise.all([c.close(), other.close()]);
}, 120_000);

test("detached: no more of its events; stopped by another device: no longer followed, not re-attached", async () => {
  const c = client();
  const other = client();
  const events = record(c);
  const errors: string[] = [];
  c.on("error", (error) => errors.push(error.code));
  await Promise.all([c.connect(relay.url), other.connect(relay.url)]);
  const kept = await createSession(c);
  const dropped = await createSession(c);
  c.attach(kept);
  c.attach(dropped);
  other.attach(dropped);
  const detached = c.waitFor("session.detached", (message) => message.sessionId === dropped);
  c.detach(dropped);
  await detached;
  const seenBeforeDetach = seqsOf(events, dropped).length;
  expect(c.attachedSessions).toEqual([kept]);
  await turn(other, dropped, "unseen by c", other);
  expect(seqsOf(events, dropped).length).toBe(seenBeforeDetach);

  const stopped = other.waitFor("session.stopped", (message) => message.sessionId === kept, 30_000);
  other.send({ type: "session.stop", sessionId: kept });
  await stopped;
  await waitFor(() => !c.attachedSessions.includes(kept), 10_000, "c stops following the stopped session");
  const relogin = c.waitFor("auth.ok");
  [...relay.relay.gateway.connections].find((connection) => connection.clientId === c.clientId)!.terminate();
  await relogin;
  expect(await c.ping()).toBeGreaterThanOrEqual(0); // the login's frames have all arrived
  expect(errors).toEqual([]); // no unknown_session for a re-attach
  await Promise.all([c.close(), other.close()]);
}, 120_000);

test("attach before connecting: the session is attached at login; from a given lastSeq only what follows", async () => {
  const seed = client();
  await seed.connect(relay.url);
  const sessionId = await createSession(seed);
  seed.attach(sessionId);
  await turn(seed, sessionId, "one");
  const seedEvents = record(seed);
  await turn(seed, sessionId, "two");
  const from = seedEvents[0]!.seq - 1;

  const c = client();
  const events = record(c);
  c.attach(sessionId, { lastSeq: from });
  const attached = c.waitFor("session.attached", (message) => message.sessionId === sessionId);
  await c.connect(relay.url);
  const answer = await attached;
  await waitFor(() => (seqsOf(events, sessionId).at(-1) ?? 0) >= answer.lastSeq, 10_000, "the replay");
  expect(seqsOf(events, sessionId)).toEqual(seqsOf(seedEvents, sessionId));
  await Promise.all([c.close(), seed.close()]);
}, 120_000);
