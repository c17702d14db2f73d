/**
 * RelayClient against a real relay (real Claude CLI behind the fake Anthropic API), real
 * ssh-keygen keys and a real ssh-agent; plus a deliberately misbehaving WebSocket server for the
 * client's defences (duplicate seqs, gaps, repeated auth timeouts).
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { type ClaudeEventMessage, RelayClient, RelayClientError, type SessionEventMessage } from "../../src/client/client.ts";
import { type ChallengeSigner, keyFileSigner, openSigner } from "../../src/client/signer.ts";
import type { TransportFactory, TransportHandlers } from "../../src/client/transport.ts";
import { text, toolUse } from "../support/fake-anthropic.ts";
import { freePort } from "../support/net.ts";
import { startTestRelay, type TestRelay } from "../support/relay.ts";
import { generateKey, startAgent, type TestAgent, type TestKey } from "../support/ssh.ts";

let relay: TestRelay;
let agent: TestAgent;
let stranger: TestKey;
let fileSigner: ChallengeSigner;
const clients: RelayClient[] = [];

beforeAll(async () => {
  relay = await startTestRelay();
  stranger = generateKey(relay.dir, "ed25519", "stranger");
  agent = await startAgent(relay.dir);
  agent.add(relay.key);
  fileSigner = keyFileSigner(relay.key.privatePath);
});

afterAll(async () => {
  await Promise.all(clients.map((client) => client.close()));
  await agent?.stop();
  await relay?.stop();
});

/** A client that is closed after the file's tests. */
function client(options: Partial<ConstructorParameters<typeof RelayClient>[0]> = {}): RelayClient {
  const made = new RelayClient({ signer: fileSigner, ...options });
  clients.push(made);
  return made;
}

/** Records every delivered session event. */
function record(target: RelayClient): SessionEventMessage[] {
  const events: SessionEventMessage[] = [];
  target.on("event", (event) => events.push(event));
  return events;
}

const isResult = (e: { event: unknown }) => (e.event as { type?: string }).type === "result";

/**
 * auth.ok carries no seq, so a fresh client learns where it stands from its first event; without
 * one, a resume from 0 replays the whole buffer. A short turn gives it events.
 */
async function warmUp(target: RelayClient): Promise<void> {
  relay.api.enqueue(text("warm"));
  target.prompt("warm up");
  await target.waitFor("claude.event", isResult, 60_000);
}

/** A signer whose signing can be held at a gate: the client reaches the relay but cannot log in yet. */
function gatedSigner(inner: ChallengeSigner) {
  let gate: Promise<void> = Promise.resolve();
  let release = () => {};
  let arrived = () => {};
  const control = {
    waiting: Promise.resolve(),
    close() {
      gate = new Promise((resolve) => (release = resolve));
      control.waiting = new Promise((resolve) => (arrived = resolve));
    },
    open: () => release(),
    signer: {
      ...inner,
      async sign(message: string | Uint8Array) {
        arrived();
        await gate;
        return inner.sign(message);
      },
    } satisfies ChallengeSigner,
  };
  return control;
}

/** Seqs n, n+1, n+2 … : none missing, none twice. */
function expectContiguous(seqs: number[]): void {
  expect(seqs.length).toBeGreaterThan(0);
  expect(seqs).toEqual(Array.from({ length: seqs.length }, (_, i) => seqs[0]! + i));
}

async function waitFor(condition: () => boolean, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error("condition not met in time");
    await Bun.sleep(10);
  }
}

describe("authentication", () => {
  test("with a key file: auth.ok names the key, the client is open and answers ping", async () => {
    const c = client();
    const ok = await c.connect(relay.url);
    expect(ok.key.fingerprint).toBe(relay.key.fingerprint);
    expect(ok.sessionId).toBe(relay.relay.sessionId);
    expect(c.state).toBe("open");
    expect(c.sessionId).toBe(relay.relay.sessionId);
    expect(c.clientId).toBe(ok.clientId);
    expect(await c.ping()).toBeGreaterThanOrEqual(0);
    await c.close();
    expect(c.state).toBe("closed");
  });

  test("through ssh-agent (its first key)", async () => {
    const signer = await openSigner({ socketPath: agent.socketPath });
    try {
      expect(signer.source).toBe("agent");
      const c = client({ signer });
      const ok = await c.connect(relay.url);
      expect(ok.key.fingerprint).toBe(relay.key.fingerprint);
      await c.close();
    } finally {
      signer.close();
    }
  });

  test("a stranger's key: auth_failed naming the fingerprint, and no reconnect loop", async () => {
    const failuresBefore = relay.logs.filter((line) => line.msg === "authentication failed").length;
    const c = client({ signer: keyFileSigner(stranger.privatePath), reconnect: { initialDelayMs: 20 } });
    const states: string[] = [];
    c.on("state", (state) => states.push(state));
    const error = await c.connect(relay.url).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(RelayClientError);
    expect((error as RelayClientError).code).toBe("auth_failed");
    expect((error as RelayClientError).closeCode).toBe(4401);
    expect((error as Error).message).toContain(stranger.fingerprint);
    expect((error as Error).message).toContain("authorized_keys");
    expect((await c.closed).error?.code).toBe("auth_failed");
    await Bun.sleep(300); // 15 × the reconnect delay: a loop would have tried again by now
    expect(relay.logs.filter((line) => line.msg === "authentication failed").length).toBe(failuresBefore + 1);
    expect(states).toEqual(["connecting", "authenticating", "closed"]);
  });

  test("an unreachable relay: connect rejects with `unreachable` naming the URL", async () => {
    const port = await freePort();
    const url = `ws://127.0.0.1:${port}/ws`;
    const c = client();
    const error = (await c.connect(url).catch((e: unknown) => e)) as RelayClientError;
    expect(error.code).toBe("unreachable");
    expect(error.message).toContain(url);
    expect(c.state).toBe("closed");
  });

  test("sending before connect or after close is a clear error", async () => {
    const c = client();
    expect(() => c.prompt("too early")).toThrow("not connected");
    await c.connect(relay.url);
    await c.close();
    expect(() => c.prompt("too late")).toThrow("closed");
    await expect(c.ping()).rejects.toThrow("cannot ping while closed");
  });
});

describe("the session", () => {
  test("prompt → user.prompt, assistant text and result, seqs contiguous", async () => {
    const c = client();
    const events = record(c);
    const gaps: unknown[] = [];
    c.on("replay.gap", (gap) => gaps.push(gap));
    await c.connect(relay.url);
    relay.api.enqueue(text("hello from the fake model"));
    c.prompt("say hello", "p-1");
    const prompt = await c.waitFor("user.prompt", (p) => p.id === "p-1");
    expect(prompt).toMatchObject({ text: "say hello", by: c.clientId });
    await c.waitFor("claude.event", isResult, 60_000);
    const assistant = events.find((e) => e.type === "claude.event" && (e.event as { type?: string }).type === "assistant");
    expect(JSON.stringify(assistant)).toContain("hello from the fake model");
    const seqs = events.map((e) => e.seq);
    expectContiguous(seqs);
    expect(c.lastSeq).toBe(seqs.at(-1)!);
    expect(gaps).toEqual([]); // events before joining are not a gap
    await c.close();
  });

  test("a permission request answered with allow: the file is written", async () => {
    const c = client();
    await c.connect(relay.url);
    const file = join(relay.options.cwd, "allowed.txt");
    relay.api.enqueue(toolUse("Write", { file_path: file, content: "written after allow" }), text("done"));
    c.on("permission.request", (request) => c.allow(request.requestId));
    c.prompt("write the file");
    const request = await c.waitFor("permission.request", () => true, 60_000);
    expect(request.toolName).toBe("Write");
    const resolved = await c.waitFor("permission.resolved", (r) => r.requestId === request.requestId);
    expect(resolved).toMatchObject({ behavior: "allow", by: c.clientId });
    await c.waitFor("claude.event", isResult, 60_000);
    expect(readFileSync(file, "utf8")).toBe("written after allow");
    expect(c.pendingPermissions).toEqual([]);
    await c.close();
  });

  test("deny with a message: nothing written, Claude gets the message", async () => {
    const c = client();
    await c.connect(relay.url);
    const file = join(relay.options.cwd, "denied.txt");
    relay.api.enqueue(toolUse("Write", { file_path: file, content: "x" }), text("ok, not writing"));
    c.prompt("write another file");
    const request = await c.waitFor("permission.request", () => true, 60_000);
    expect(c.pendingPermissions.map((r) => r.requestId)).toEqual([request.requestId]);
    c.deny(request.requestId, "not that file");
    expect(await c.waitFor("permission.resolved")).toMatchObject({ behavior: "deny", by: c.clientId });
    await c.waitFor("claude.event", isResult, 60_000);
    expect(existsSync(file)).toBe(false);
    expect(JSON.stringify(relay.api.messageRequests().at(-1))).toContain("not that file");
    await c.close();
  });

  test("two clients: one prompts, the other sees user.prompt by it and the very same seqs", async () => {
    const a = client();
    const b = client();
    const [eventsA, eventsB] = [record(a), record(b)];
    await a.connect(relay.url);
    await b.connect(relay.url);
    relay.api.enqueue(text("shared answer"));
    a.prompt("from a", "shared-1");
    const seenByB = await b.waitFor("user.prompt", (p) => p.id === "shared-1");
    expect(seenByB).toMatchObject({ text: "from a", by: a.clientId });
    expect(seenByB.by).not.toBe(b.clientId);
    const [resultA, resultB] = await Promise.all([a.waitFor("claude.event", isResult, 60_000), b.waitFor("claude.event", isResult, 60_000)]);
    expect(resultA.seq).toBe(resultB.seq);
    const window = (events: SessionEventMessage[]) => events.filter((e) => e.seq >= seenByB.seq && e.seq <= resultB.seq);
    expect(window(eventsA)).toEqual(window(eventsB));
    expect(window(eventsA).length).toBe(resultB.seq - seenByB.seq + 1);
    await Promise.all([a.close(), b.close()]);
  });
});

describe("reconnecting", () => {
  test("a dropped connection (terminated by the relay): the missed events are replayed once, in order", async () => {
    const gated = gatedSigner(fileSigner);
    const a = client({ signer: gated.signer, reconnect: { initialDelayMs: 20 } });
    const b = client();
    const eventsA = record(a);
    const eventsB = record(b);
    await a.connect(relay.url);
    await b.connect(relay.url);
    await warmUp(a);
    const warmSeq = a.lastSeq;
    const afterWarmUp = (e: ClaudeEventMessage) => isResult(e) && e.seq > warmSeq;
    const results = Promise.all([a.waitFor("claude.event", afterWarmUp, 60_000), b.waitFor("claude.event", afterWarmUp, 60_000)]);
    const resumed = a.waitFor("auth.ok", (_, info) => info.resumed);
    gated.close();
    [...relay.relay.gateway.connections].find((conn) => conn.clientId === a.clientId)!.terminate();
    expect(await a.waitFor("disconnect")).toMatchObject({ code: 1006, willReconnect: true });
    await gated.waiting; // a is back at the relay's door, held before it can sign: it misses what follows
    relay.api.enqueue(text("said while a was away"));
    b.prompt("while a is away", "away-1");
    const prompt = await b.waitFor("user.prompt", (p) => p.id === "away-1");
    gated.open();
    await resumed;
    const [resultA, resultB] = await results;
    expect(resultA).toEqual(resultB);
    const seqsA = eventsA.map((e) => e.seq);
    expect(new Set(seqsA).size).toBe(seqsA.length);
    expectContiguous(seqsA);
    expect(eventsA.find((e) => e.type === "user.prompt" && e.id === "away-1")).toEqual(prompt);
    const fromPrompt = (events: SessionEventMessage[]) => events.filter((e) => e.seq >= prompt.seq && e.seq <= a.lastSeq);
    expect(fromPrompt(eventsA)).toEqual(fromPrompt(eventsB));
    expect(eventsA.filter((e) => e.type === "user.prompt").map((e) => (e as { text: string }).text)).toEqual(["warm up", "while a is away"]);
    expect(relay.logs.some((line) => line.msg === "replaying" && line.events > 0)).toBe(true);
    await Promise.all([a.close(), b.close()]);
  });

  test("cut off as a slow consumer (1013): reconnects with resume and catches up", async () => {
    const gated = gatedSigner(fileSigner);
    const a = client({ signer: gated.signer, reconnect: { initialDelayMs: 20 } });
    const eventsA = record(a);
    await a.connect(relay.url);
    await warmUp(a);
    const reconnected = a.waitFor("auth.ok", (_, info) => info.resumed);
    gated.close();
    [...relay.relay.gateway.connections].find((conn) => conn.clientId === a.clientId)!.fail("slow_consumer", "test: pretend the send buffer overflowed", 1013);
    expect(await a.waitFor("disconnect")).toMatchObject({ code: 1013, willReconnect: true, error: { code: "slow_consumer" } });
    await gated.waiting;
    // While a is away, another device runs a turn: events a must catch up on.
    const other = client();
    await other.connect(relay.url);
    await warmUp(other);
    const missedUpTo = other.lastSeq;
    gated.open();
    await reconnected;
    await waitFor(() => a.lastSeq >= missedUpTo);
    expectContiguous(eventsA.map((e) => e.seq));
    expect(eventsA.filter((e) => e.type === "user.prompt").length).toBe(2);
    await Promise.all([a.close(), other.close()]);
  });

  test("wake() while waiting out a long backoff reconnects at once, resuming", async () => {
    const a = client({ reconnect: { initialDelayMs: 120_000, maxDelayMs: 120_000, jitter: 0 } });
    await a.connect(relay.url);
    await warmUp(a);
    [...relay.relay.gateway.connections].find((conn) => conn.clientId === a.clientId)!.terminate();
    expect(await a.waitFor("disconnect")).toMatchObject({ willReconnect: true, delayMs: 120_000 });
    const resumed = a.waitFor("auth.ok", (_, info) => info.resumed, 20_000); // far sooner than the 120 s backoff
    a.wake();
    await resumed;
    expect(a.state).toBe("open");
    await a.close();
  });

  test("wake() on a live connection pings and keeps it", async () => {
    const a = client();
    await a.connect(relay.url);
    const id = a.clientId;
    let dropped = false;
    a.on("disconnect", () => (dropped = true));
    a.wake();
    await a.waitFor("pong");
    expect(a.state).toBe("open");
    expect(a.clientId).toBe(id);
    expect(dropped).toBe(false);
    await a.close();
  });

  test("close() stops for good: no reconnect, the relay sees the socket go", async () => {
    const a = client({ reconnect: { initialDelayMs: 10 } });
    await a.connect(relay.url);
    const id = a.clientId;
    await a.close();
    await waitFor(() => ![...relay.relay.gateway.connections].some((conn) => conn.clientId === id));
    await Bun.sleep(100);
    expect(a.state).toBe("closed");
    expect((await a.closed).error).toBeUndefined();
  });
});

describe("the check before signing", () => {
  test("it sees the relay's challenge (no certificate over plain ws://); passing it logs in", async () => {
    const seen: { challenge: string; certificate?: Uint8Array }[] = [];
    const c = client({ checkChallenge: (challenge, peer) => void seen.push({ challenge: challenge.challenge, ...peer }) });
    await c.connect(relay.url);
    expect(seen).toHaveLength(1);
    expect(seen[0]!.challenge).toStartWith("claude-relay-auth v1\n");
    expect(seen[0]!.challenge).toContain(`server: 127.0.0.1:${new URL(relay.url).port}`);
    expect(seen[0]!.certificate).toBeUndefined();
    await c.close();
  });

  test("refusing it: nothing is signed, connect rejects with challenge_refused and the client does not retry", async () => {
    let signatures = 0;
    const counting: ChallengeSigner = { ...fileSigner, sign: (message) => (signatures++, fileSigner.sign(message)) };
    const c = client({
      signer: counting,
      reconnect: { initialDelayMs: 10 },
      checkChallenge: () => Promise.reject(new Error("tls: line missing")),
    });
    const states: string[] = [];
    c.on("state", (state) => states.push(state));
    const error = (await c.connect(relay.url).catch((e: unknown) => e)) as RelayClientError;
    expect(error).toMatchObject({ code: "challenge_refused", message: "refused to sign the relay's challenge: tls: line missing" });
    expect(signatures).toBe(0);
    expect(states).toEqual(["connecting", "authenticating", "closed"]);
    expect((await c.closed).error?.code).toBe("challenge_refused");
  });
});

describe("reconnect decisions (a relay in memory)", () => {
  test("lost after login: disconnect per attempt with its number, then gave_up after maxAttempts; queued prompts are dropped with the client", async () => {
    const relayInMemory = memoryRelay();
    const c = client({ transport: relayInMemory.transport, heartbeat: false, reconnect: { initialDelayMs: 1, jitter: 0, maxAttempts: 2 } });
    const disconnects: unknown[] = [];
    c.on("disconnect", (d) => disconnects.push(d));
    await c.connect("ws://memory.test/ws");
    relayInMemory.acceptLogins = false; // from now on every connection is refused at once
    relayInMemory.current!.close(1006, "");
    c.prompt("typed while away");
    const closed = await c.closed;
    expect(disconnects).toEqual([
      { code: 1006, reason: "", willReconnect: true, delayMs: 1, attempt: 1 },
      { code: 1006, reason: "", willReconnect: true, delayMs: 2, attempt: 2 },
      { code: 1006, reason: "", willReconnect: false },
    ]);
    expect(closed.error).toMatchObject({ code: "gave_up", closeCode: 1006 });
    expect(closed.error!.message).toStartWith("gave up reconnecting to ws://memory.test/ws after 2 attempts over ");
    expect(relayInMemory.opened).toBe(3);
    expect(relayInMemory.received).toEqual([]);
  });

  test("a reconnect resumes from the last seq, sends what was queued, and restarts the attempt count", async () => {
    const relayInMemory = memoryRelay();
    const c = client({ transport: relayInMemory.transport, heartbeat: false, reconnect: { initialDelayMs: 1, jitter: 0 } });
    await c.connect("ws://memory.test/ws");
    relayInMemory.current!.message(JSON.stringify(stateEvent(1)));
    relayInMemory.current!.message(JSON.stringify(stateEvent(2)));
    const reconnected = c.waitFor("auth.ok", (_, info) => info.resumed);
    relayInMemory.current!.close(1001, "shutting down");
    c.prompt("typed while away", "q-1");
    await reconnected;
    expect(relayInMemory.responses.at(-1)).toMatchObject({ type: "auth.response", resume: { sessionId: "fake-session", lastSeq: 2 } });
    expect(relayInMemory.received.at(-1)).toEqual({ type: "prompt", text: "typed while away", id: "q-1" });
    const again = c.waitFor("disconnect");
    relayInMemory.current!.close(1006, "");
    expect(await again).toMatchObject({ attempt: 1, delayMs: 1 });
    await c.close();
  });
});

describe("defences against a misbehaving relay", () => {
  test("duplicate seqs are dropped, a jump is reported as a detected replay.gap", async () => {
    const fake = startFakeRelay((ws) => {
      for (const seq of [1, 2, 2, 1, 3, 5]) ws.send(JSON.stringify(stateEvent(seq)));
    });
    try {
      const c = client();
      const events = record(c);
      const gaps: unknown[] = [];
      c.on("replay.gap", (gap) => gaps.push(gap));
      await c.connect(fake.url);
      await waitFor(() => events.length === 4);
      await Bun.sleep(50);
      expect(events.map((e) => e.seq)).toEqual([1, 2, 3, 5]);
      expect(gaps).toEqual([{ type: "replay.gap", sessionId: "fake-session", fromSeq: 4, toSeq: 4, reason: "detected" }]);
      await c.close();
    } finally {
      fake.stop();
    }
  });

  test("wake() on a connection that no longer answers abandons it and reconnects", async () => {
    let logins = 0;
    const fake = startFakeRelay(() => logins++); // never answers pings
    try {
      const c = client({ reconnect: { initialDelayMs: 10 }, heartbeat: false });
      await c.connect(fake.url);
      c.wake(100);
      expect(await c.waitFor("disconnect")).toMatchObject({ code: 4000, reason: expect.stringContaining("after waking up"), willReconnect: true });
      await c.waitFor("auth.ok");
      expect(logins).toBe(2);
      await c.close();
    } finally {
      fake.stop();
    }
  });

  test("auth_timeout (4408) is retried once, then reported", async () => {
    let attempts = 0;
    const fake = Bun.serve({
      port: 0,
      hostname: "127.0.0.1",
      fetch: (request, server) => (server.upgrade(request) ? undefined : new Response("no", { status: 400 })),
      websocket: {
        open(ws) {
          attempts++;
          ws.send(JSON.stringify({ type: "error", code: "auth_timeout", message: "no valid auth.response in time" }));
          ws.close(4408, "auth_timeout");
        },
        message() {},
      },
    });
    try {
      const c = client({ reconnect: { initialDelayMs: 10 } });
      const error = (await c.connect(`ws://127.0.0.1:${fake.port}/ws`).catch((e: unknown) => e)) as RelayClientError;
      expect(error.code).toBe("auth_timeout");
      expect(attempts).toBe(2);
    } finally {
      fake.stop(true);
    }
  });
});

function stateEvent(seq: number) {
  return { type: "session.state", sessionId: "fake-session", seq, state: "ready", claudePid: 1, restarts: 0, clients: 1 };
}

/** A WebSocket server that accepts any signature and then runs `script`. */
function startFakeRelay(script: (ws: { send(data: string): void }) => void) {
  const server = Bun.serve({
    port: 0,
    hostname: "127.0.0.1",
    fetch: (request, srv) => (srv.upgrade(request) ? undefined : new Response("no", { status: 400 })),
    websocket: {
      open(ws) {
        ws.send(JSON.stringify({ type: "auth.challenge", protocol: 1, namespace: "claude-relay", challenge: "c", expiresInMs: 10_000 }));
      },
      message(ws, data) {
        const message = JSON.parse(String(data));
        if (message.type !== "auth.response") return;
        const key = { type: "ssh-ed25519", fingerprint: "SHA256:x", comment: "" };
        ws.send(
          JSON.stringify({
            type: "auth.ok",
            clientId: "c1",
            sessionId: "fake-session",
            key,
            state: { state: "ready", claudePid: 1, clients: 1, pendingPermissions: [] },
          }),
        );
        script(ws);
      },
    },
  });
  return { url: `ws://127.0.0.1:${server.port}/ws`, stop: () => server.stop(true) };
}

/**
 * A relay in memory behind the client's transport seam: it challenges, accepts any signature
 * while `acceptLogins` holds, and otherwise drops every new connection at once.
 */
function memoryRelay() {
  const state = {
    acceptLogins: true,
    opened: 0,
    current: undefined as TransportHandlers | undefined,
    responses: [] as Record<string, unknown>[],
    received: [] as Record<string, unknown>[],
    transport: ((_url, handlers) => {
      state.opened++;
      state.current = handlers;
      queueMicrotask(() => {
        if (!state.acceptLogins) return handlers.close(1006, "");
        handlers.open();
        handlers.message(JSON.stringify({ type: "auth.challenge", protocol: 1, namespace: "claude-relay", challenge: "c", expiresInMs: 10_000 }));
      });
      return {
        send(text: string) {
          const message = JSON.parse(text);
          if (message.type !== "auth.response") return void state.received.push(message);
          state.responses.push(message);
          const key = { type: "ssh-ed25519", fingerprint: "SHA256:x", comment: "" };
          handlers.message(
            JSON.stringify({
              type: "auth.ok",
              clientId: `c${state.opened}`,
              sessionId: "fake-session",
              key,
              state: { state: "ready", claudePid: 1, clients: 1, pendingPermissions: [] },
            }),
          );
        },
        close: async () => {},
      };
    }) satisfies TransportFactory,
  };
  return state;
}
