/**
 * The client library's live view against a real relay and the real Claude CLI: the `partial`
 * option (at login and in session.attach), `claude.partial` and `session.status` events,
 * `requestStatus()` and `stopTask()`.
 */
import { afterAll, beforeAll, expect, test } from "bun:test";
import { type ClaudePartialMessage, RelayClient, type SessionStatusMessage } from "../../src/client/client.ts";
import { keyFileSigner } from "../../src/client/signer.ts";
import { streamedWords } from "../support/fake-anthropic.ts";
import { startTestRelay, type TestRelay } from "../support/relay.ts";

let relay: TestRelay;
const clients: RelayClient[] = [];

beforeAll(async () => {
  relay = await startTestRelay();
});

afterAll(async () => {
  await Promise.all(clients.map((client) => client.close()));
  await relay?.stop();
});

function client(partial: boolean): RelayClient {
  const made = new RelayClient({ signer: keyFileSigner(relay.key.privatePath), ...(partial && { partial: true }) });
  clients.push(made);
  return made;
}

const isResult = (e: { event: unknown }) => (e.event as { type?: string }).type === "result";

test("with `partial`: claude.partial and session.status events; without: none; requestStatus answers either", async () => {
  const live = client(true);
  const plain = client(false);
  const partials: ClaudePartialMessage[] = [];
  const statuses: SessionStatusMessage[] = [];
  live.on("claude.partial", (message) => partials.push(message));
  live.on("session.status", (message) => statuses.push(message));
  let plainExtras = 0;
  plain.on("claude.partial", () => plainExtras++);
  plain.on("session.status", () => plainExtras++);
  await Promise.all([live.connect(relay.url), plain.connect(relay.url)]);

  relay.api.enqueue(streamedWords("alpha beta gamma"));
  live.prompt("three words");
  await Promise.all([live.waitFor("claude.event", isResult, 60_000), plain.waitFor("claude.event", isResult, 60_000)]);
  const text = partials.map((message) => (message.event as { event?: { delta?: { text?: string } } }).event?.delta?.text ?? "").join("");
  expect(text).toBe("alpha beta gamma");
  expect(statuses.length).toBeGreaterThan(0);
  expect(plainExtras).toBe(0);

  const status = await plain.requestStatus();
  expect(status.sessionId).toBe(plain.sessionId!);
  expect(status.costUsd).toBeGreaterThan(0);
}, 120_000);

test("stopTask of a task that does not run: an unknown_task error event with its id", async () => {
  const live = client(true);
  await live.connect(relay.url);
  live.stopTask("no-such-task", { id: "t1" });
  const error = await live.waitFor("error", (e) => e.id === "t1");
  expect(error.code).toBe("unknown_task");
});
