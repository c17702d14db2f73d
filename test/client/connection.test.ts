/**
 * One connection's login state machine and authenticated link, driven through an in-memory
 * transport and a signer stub: every step of the handshake, the frames a relay must not send
 * out of order, the check before signing, timeouts, the heartbeat and pings. The same code
 * against a real relay and real keys is exercised in client.test.ts.
 */
import { describe, expect, test } from "bun:test";
import { ABANDONED, type ConnectionEnd, type ConnectionHandlers, RelayConnection, type RelayConnectionOptions } from "../../src/client/connection.ts";
import type { ConnectionState } from "../../src/client/connection-state.ts";
import { RelayClientError } from "../../src/client/errors.ts";
import type { ChallengeSigner } from "../../src/client/signer.ts";
import type { PeerTrust, TransportFactory, TransportHandlers } from "../../src/client/transport.ts";
import { silentLogger } from "../../src/log/logger.ts";

const CHALLENGE = { type: "auth.challenge", protocol: 1, namespace: "claude-relay", challenge: "claude-relay-auth v1\nnonce: n1\n", expiresInMs: 10_000 };
const KEY = { type: "ssh-ed25519", fingerprint: "SHA256:stub", comment: "" };
const AUTH_OK = { type: "auth.ok", clientId: "c1", sessionId: "s1", key: KEY, state: { state: "ready", claudePid: 1, clients: 1, pendingPermissions: [] } };
const stateEvent = (seq: number) => ({ type: "session.state", sessionId: "s1", seq, state: "busy", claudePid: 1, restarts: 0, clients: 1 });

/** An in-memory transport: what the connection sends, and buttons for what the relay does. */
function memoryTransport(options: { certificate?: Uint8Array; trust?: PeerTrust; refuseUrl?: string } = {}) {
  let handlers: TransportHandlers | undefined;
  const sent: Record<string, unknown>[] = [];
  const closedWith: [number, string][] = [];
  const factory: TransportFactory = (url, h) => {
    if (url === options.refuseUrl) throw new TypeError("Invalid URL");
    handlers = h;
    return {
      send: (text) => void sent.push(JSON.parse(text)),
      close: async (code, reason) => void closedWith.push([code, reason]),
      ...(options.certificate && { peerCertificate: () => options.certificate }),
      ...(options.trust && { peerTrust: () => options.trust }),
    };
  };
  const relay = () =>
    handlers ??
    (() => {
      throw new Error("transport not opened");
    })();
  return {
    factory,
    sent,
    closedWith,
    open: () => relay().open(),
    receive: (message: unknown) => relay().message(typeof message === "string" ? message : JSON.stringify(message)),
    drop: (code: number, reason = "") => relay().close(code, reason),
  };
}

/** A signer whose signatures name what was signed; `gate` holds signing until released. */
function stubSigner(behaviour: { fail?: string; gate?: Promise<void> } = {}) {
  const signed: string[] = [];
  const signer: ChallengeSigner = {
    publicKey: new Uint8Array(),
    fingerprint: "SHA256:stub",
    source: "file",
    async sign(message) {
      signed.push(String(message));
      await behaviour.gate;
      if (behaviour.fail) throw new Error(behaviour.fail);
      return `SIG(${String(message).length})`;
    },
    close() {},
  };
  return { signer, signed };
}

/** A connection whose every report lands in `log`; `ended` resolves with its end. */
function connect(transport: ReturnType<typeof memoryTransport>, options: Partial<RelayConnectionOptions> = {}) {
  const log: {
    states: ConnectionState[];
    warnings: string[];
    messages: unknown[];
    unknown: unknown[];
    opened: unknown[];
    challenges: unknown[];
    ends: ConnectionEnd[];
  } = {
    states: [],
    warnings: [],
    messages: [],
    unknown: [],
    opened: [],
    challenges: [],
    ends: [],
  };
  let ended!: (end: ConnectionEnd) => void;
  const endPromise = new Promise<ConnectionEnd>((resolve) => (ended = resolve));
  const handlers: ConnectionHandlers = {
    state: (state) => log.states.push(state),
    challenge: (challenge) => log.challenges.push(challenge),
    open: (ok, info) => log.opened.push({ ok, ...info }),
    message: (message) => log.messages.push(message),
    unknown: (frame) => log.unknown.push(frame),
    warning: (text) => log.warnings.push(text),
    end: (end) => {
      log.ends.push(end);
      ended(end);
    },
  };
  const connection = new RelayConnection(
    {
      url: "ws://relay.test/ws",
      signer: stubSigner().signer,
      transport: transport.factory,
      resume: () => undefined,
      connectTimeoutMs: 60_000,
      maxPendingPings: 2,
      log: silentLogger,
      ...options,
    },
    handlers,
  );
  connection.start();
  return { connection, log, ended: endPromise };
}

/** Lets pending promise callbacks (the signer, the check) run. */
const settle = () => new Promise<void>((resolve) => setTimeout(resolve, 0));

async function logIn(transport: ReturnType<typeof memoryTransport>, options: Partial<RelayConnectionOptions> = {}) {
  const made = connect(transport, options);
  transport.open();
  transport.receive(CHALLENGE);
  await settle();
  transport.receive(AUTH_OK);
  return made;
}

describe("the login", () => {
  test("open → challenge → signature with the resume → auth.ok: each step reported in order", async () => {
    const transport = memoryTransport();
    const { signer, signed } = stubSigner();
    let position = { sessionId: "s1", lastSeq: 3 };
    const { connection, log } = connect(transport, { signer, resume: () => position });
    expect(connection.state).toBe("connecting");
    transport.open();
    expect(connection.state).toBe("awaiting_challenge");
    transport.receive(CHALLENGE);
    expect(connection.state).toBe("signing");
    expect(log.challenges).toEqual([CHALLENGE]);
    position = { sessionId: "s1", lastSeq: 7 }; // events delivered while the key signed: the resume is read after signing
    await settle();
    expect(signed).toEqual([CHALLENGE.challenge]);
    expect(connection.state).toBe("authenticating");
    expect(transport.sent).toEqual([{ type: "auth.response", signature: `SIG(${CHALLENGE.challenge.length})`, resume: { sessionId: "s1", lastSeq: 7 } }]);
    transport.receive(AUTH_OK);
    expect(connection.state).toBe("open");
    expect(log.opened).toEqual([{ ok: AUTH_OK, resumed: true }]);
    expect(log.states).toEqual(["awaiting_challenge", "signing", "authenticating", "open"]);
    transport.receive(stateEvent(8));
    expect(log.messages).toEqual([stateEvent(8)]);
    expect(log.warnings).toEqual([]);
  });

  test("without a position the response carries no resume", async () => {
    const transport = memoryTransport();
    const { log } = await logIn(transport);
    expect(transport.sent[0]).not.toHaveProperty("resume");
    expect(log.opened).toEqual([{ ok: AUTH_OK, resumed: false }]);
  });

  test("frames out of order are ignored with a warning: auth.ok unasked, a second challenge, events before auth.ok", async () => {
    const transport = memoryTransport();
    const { signer, signed } = stubSigner();
    const { connection, log } = connect(transport, { signer });
    transport.open();
    transport.receive(AUTH_OK);
    transport.receive(stateEvent(1));
    expect(connection.state).toBe("awaiting_challenge");
    transport.receive(CHALLENGE);
    transport.receive({ ...CHALLENGE, challenge: "another" });
    await settle();
    expect(signed).toEqual([CHALLENGE.challenge]);
    transport.receive({ type: "replay.gap", sessionId: "s1", fromSeq: 1, toSeq: 2 });
    expect(log.warnings).toEqual([
      "the relay sent auth.ok while awaiting_challenge; ignored",
      "the relay sent session.state before auth.ok; ignored",
      "the relay sent auth.challenge while signing; ignored",
      "the relay sent replay.gap before auth.ok; ignored",
    ]);
    expect(log.opened).toEqual([]);
    expect(log.messages).toEqual([]);
  });

  test("an error frame before the close is passed on and named in the end", async () => {
    const transport = memoryTransport();
    const { log, ended } = connect(transport);
    transport.open();
    const refusal = { type: "error", code: "server_full", message: "32 clients connected" } as const;
    transport.receive(refusal);
    transport.drop(1013, "server_full");
    expect(await ended).toEqual({ code: 1013, reason: "server_full", relayError: refusal });
    expect(log.messages).toEqual([refusal]);
    expect(log.states.at(-1)).toBe("closed");
  });

  test("invalid and unknown frames: warnings; the unknown frame itself is passed on", async () => {
    const transport = memoryTransport();
    const { log } = await logIn(transport);
    transport.receive("not json");
    transport.receive("[1,2]");
    transport.receive({ type: "session.state", sessionId: "s1", seq: 0 });
    transport.receive({ type: "future.message", items: [] });
    expect(log.warnings).toEqual([
      "the relay sent a frame that is not JSON; ignored",
      "the relay sent a frame without a type; ignored",
      "the relay sent an invalid session.state: seq must be ≥ 1; ignored",
      'the relay sent an unknown message type "future.message"; ignored',
    ]);
    expect(log.unknown).toEqual([{ type: "future.message", items: [] }]);
    expect(log.messages).toEqual([]);
  });
});

describe("the check before signing", () => {
  test("sees the challenge, the URL, and the certificate the transport saw with its trust; passing it signs", async () => {
    const certificate = new Uint8Array([0x30, 0x82, 1, 2]);
    const transport = memoryTransport({ certificate, trust: { trusted: false, reason: "self-signed" } });
    const seen: unknown[] = [];
    const { log } = await logIn(transport, {
      checkChallenge: async (challenge, peer) => void seen.push({ challenge: challenge.challenge, ...peer }),
    });
    expect(seen).toEqual([{ challenge: CHALLENGE.challenge, url: "ws://relay.test/ws", certificate, trust: { trusted: false, reason: "self-signed" } }]);
    expect(log.opened).toHaveLength(1);
  });

  test("throwing refuses it: nothing signed, nothing sent, ended for good with challenge_refused", async () => {
    const transport = memoryTransport();
    const { signer, signed } = stubSigner();
    const { log, ended } = connect(transport, {
      signer,
      checkChallenge: (_, peer) => {
        throw new Error(`the challenge names no certificate${peer.certificate ? "" : " (and the transport saw none)"}`);
      },
    });
    transport.open();
    transport.receive(CHALLENGE);
    expect(await ended).toEqual({
      code: 0,
      reason: "",
      failure: {
        kind: "challenge_refused",
        message: "refused to sign the relay's challenge: the challenge names no certificate (and the transport saw none)",
        cause: new Error("the challenge names no certificate (and the transport saw none)"),
      },
    });
    expect(signed).toEqual([]);
    expect(transport.sent).toEqual([]);
    expect(transport.closedWith).toEqual([[1000, "challenge refused"]]);
    expect(log.ends).toHaveLength(1);
  });
});

describe("failures during the login", () => {
  test("the signer fails: ended for good, the message names the key", async () => {
    const transport = memoryTransport();
    const { ended } = connect(transport, { signer: stubSigner({ fail: "agent refused operation" }).signer });
    transport.open();
    transport.receive(CHALLENGE);
    expect((await ended).failure).toEqual({ kind: "signer_failed", message: "cannot sign the challenge with SHA256:stub (file): agent refused operation" });
  });

  test("the relay goes away while the key signs: one end, and the late signature is not sent", async () => {
    let release = () => {};
    const transport = memoryTransport();
    const { log } = connect(transport, { signer: stubSigner({ gate: new Promise((resolve) => (release = resolve)) }).signer });
    transport.open();
    transport.receive(CHALLENGE);
    transport.drop(1006);
    release();
    await settle();
    expect(log.ends).toEqual([{ code: 1006, reason: "" }]);
    expect(transport.sent).toEqual([]);
  });

  test("an unusable URL ends it at start, naming the URL", () => {
    const transport = memoryTransport({ refuseUrl: "ws://relay.test/ws" });
    const { log } = connect(transport);
    expect(log.ends).toEqual([{ code: 0, reason: "", failure: { kind: "invalid_url", message: "invalid relay URL ws://relay.test/ws: Invalid URL" } }]);
  });

  test("no auth.ok within connectTimeoutMs: abandoned with 4000, the transport closed", async () => {
    const transport = memoryTransport();
    const { ended } = connect(transport, { connectTimeoutMs: 20 });
    transport.open();
    expect(await ended).toEqual({ code: ABANDONED, reason: "no auth.ok within 20 ms" });
    expect(transport.closedWith).toEqual([[ABANDONED, "no auth.ok within 20 ms"]]);
  });
});

describe("the authenticated link", () => {
  test("ping() resolves on its pong; the pong is passed on; too many outstanding are refused", async () => {
    const transport = memoryTransport();
    const { connection, log } = await logIn(transport);
    const first = connection.ping(60_000);
    const second = connection.ping(60_000);
    await expect(connection.ping(60_000)).rejects.toThrow("2 pings already outstanding");
    const ids = transport.sent.filter((m) => m.type === "ping").map((m) => m.id);
    expect(ids).toEqual(["ping-1", "ping-2"]);
    transport.receive({ type: "pong", id: "ping-1" });
    expect(await first).toBeGreaterThanOrEqual(0);
    expect(log.messages).toEqual([{ type: "pong", id: "ping-1" }]);
    transport.drop(1006);
    await expect(second).rejects.toThrow("connection lost before the pong");
  });

  test("heartbeat pings go out and their pongs stay inside", async () => {
    const transport = memoryTransport();
    const { log } = await logIn(transport, { heartbeat: { intervalMs: 5, timeoutMs: 60_000 } });
    for (let i = 0; i < 1000 && !transport.sent.some((m) => m.type === "ping"); i++) await Bun.sleep(5);
    const ping = transport.sent.find((m) => m.type === "ping")!;
    expect(String(ping.id)).toStartWith("claude-relay-client-heartbeat-");
    transport.receive({ type: "pong", id: ping.id });
    expect(log.messages).toEqual([]);
  });

  test("a relay silent for the heartbeat timeout is abandoned", async () => {
    const transport = memoryTransport();
    const { ended } = await logIn(transport, { heartbeat: { intervalMs: 5, timeoutMs: 20 } });
    expect(await ended).toEqual({ code: ABANDONED, reason: "nothing from the relay for 20 ms" });
  });

  test("close() by the owner: pings fail with its reason, the transport is closed, nothing more is reported", async () => {
    const transport = memoryTransport();
    const { connection, log } = await logIn(transport);
    const ping = connection.ping(60_000);
    await connection.close(1000, "client closed", new RelayClientError("closed", "client closed"));
    await expect(ping).rejects.toThrow("client closed");
    expect(connection.state).toBe("closed");
    expect(transport.closedWith).toEqual([[1000, "client closed"]]);
    transport.receive(stateEvent(9));
    transport.drop(1000);
    expect(log.ends).toEqual([]);
    expect(log.messages).toEqual([]);
  });
});
