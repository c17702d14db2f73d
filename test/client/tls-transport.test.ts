/**
 * The wss:// transport (`ws` over our own node:tls socket): against a real relay with --tls (the
 * certificate of its own connection and whether it is trusted, frames both ways, the closing
 * handshake from either side) and against a hand-written TLS server — written independently of
 * `ws`, so these check how the transport configures and reads it — that sends what a relay might
 * (fragments, pings, a different certificate on each connection) or must not (masked frames,
 * messages too large, a refused upgrade, no answer to a close), and a server that does not speak
 * TLS at all.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { type AddressInfo, createServer as createTcpServer } from "node:net";
import { createSecureContext, createServer, type TLSSocket, type TlsOptions } from "node:tls";
import { tlsWebSocketTransport } from "../../src/client/tls-transport.ts";
import { CLOSE_WAIT_MS, type Transport } from "../../src/client/transport.ts";
import { startTestRelay, type TestRelay } from "../support/relay.ts";
import { makeTempDir, removeTempDir } from "../support/ssh.ts";
import { makeCertificate, servedCertificate, sha256Fingerprint, type TestCertificate } from "../support/tls.ts";
import { waitFor } from "../support/wait.ts";
import { readClientFrame, serverFrame } from "../support/ws-wire.ts";

type Event = ["open"] | ["message", string | ArrayBuffer] | ["close", number, string];

/** Opens the transport to `url`, recording what it reports. */
function open(
  url: string,
  options: Parameters<typeof tlsWebSocketTransport>[0] = {},
): { transport: Transport; events: Event[]; closed: Promise<[number, string]> } {
  const events: Event[] = [];
  let onClose!: (close: [number, string]) => void;
  const closed = new Promise<[number, string]>((resolve) => (onClose = resolve));
  const transport = tlsWebSocketTransport(options)(url, {
    open: () => events.push(["open"]),
    message: (data) => events.push(["message", data]),
    close: (code, reason) => {
      events.push(["close", code, reason]);
      onClose([code, reason]);
    },
  });
  return { transport, events, closed };
}

const texts = (events: Event[]) => events.filter((event) => event[0] === "message").map((event) => JSON.parse(String(event[1])));

let dir: string;
beforeAll(() => {
  dir = makeTempDir("tls-transport-");
});
afterAll(() => removeTempDir(dir));

describe("against a relay with --tls", () => {
  let relay: TestRelay;
  beforeAll(async () => {
    relay = await startTestRelay({ flags: { tls: true } });
  });
  afterAll(() => relay.stop());

  test("reports the certificate of its own connection (untrusted: self-signed) and receives the challenge", async () => {
    const { transport, events, closed } = open(relay.url);
    await waitFor(() => texts(events).length > 0);
    expect(events[0]).toEqual(["open"]);
    expect(texts(events)[0]).toMatchObject({ type: "auth.challenge" });
    expect(sha256Fingerprint(transport.peerCertificate!()!)).toBe((await servedCertificate(relay.url)).fingerprint);
    expect(transport.peerTrust!()).toEqual({ trusted: false, reason: expect.stringMatching(/^[A-Z_]+$/) }); // the runtime's verify error
    await transport.close(1000, "bye");
    expect(await closed).toEqual([1000, "bye"]); // the relay echoes the close frame
    expect(events.filter((event) => event[0] === "close")).toHaveLength(1);
  });

  test("trusted when its CA is given; frames both ways; the relay closing (1009 for a frame too large before login) is reported", async () => {
    const { transport, events, closed } = open(relay.url, { ca: relay.ca! });
    await waitFor(() => texts(events).length > 0);
    expect(transport.peerTrust!()).toEqual({ trusted: true });
    transport.send(JSON.stringify({ type: "ping", id: "before-login" }));
    await waitFor(() => texts(events).some((frame) => frame.type === "error"));
    expect(texts(events).at(-1)).toMatchObject({ type: "error", code: "not_authenticated" });
    transport.send(JSON.stringify({ type: "prompt", text: "x".repeat(100_000) }));
    expect((await closed)[0]).toBe(1009);
  });
});

/** A TLS server speaking raw WebSocket: `script` gets the socket once the upgrade request arrived. */
async function rawServer(
  certificate: TestCertificate,
  script: (socket: TLSSocket, key: string, fromClient: () => Uint8Array) => void,
  tlsOptions: TlsOptions = {},
): Promise<{ url: string; close(): void }> {
  const server = createServer({ cert: certificate.cert, key: readFileSync(certificate.keyPath), ...tlsOptions }, (socket) => {
    let received = Buffer.alloc(0);
    let upgraded = false;
    socket.on("error", () => {});
    socket.on("data", (chunk: Buffer) => {
      received = Buffer.concat([received, chunk]);
      if (upgraded) return;
      const end = received.indexOf("\r\n\r\n");
      if (end < 0) return;
      upgraded = true;
      const key = /sec-websocket-key: (\S+)/i.exec(received.subarray(0, end).toString())![1]!;
      received = received.subarray(end + 4);
      script(socket, key, () => received);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return { url: `wss://127.0.0.1:${(server.address() as AddressInfo).port}/ws`, close: () => server.close() };
}

const switching = (key: string) =>
  "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n" +
  `Sec-WebSocket-Accept: ${createHash("sha1").update(`${key}258EAFA5-E914-47DA-95CA-C5AB0DC85B11`).digest("base64")}\r\n\r\n`;
const utf8 = (text: string) => new TextEncoder().encode(text);

describe("against a hand-written server", () => {
  let certificate: TestCertificate;
  beforeAll(() => {
    certificate = makeCertificate(dir, "raw");
  });

  test("a fragmented message cut across writes, a ping answered with its payload, the server's close echoed", async () => {
    let clientFrames: ReturnType<typeof readClientFrame>[] = [];
    const server = await rawServer(certificate, (socket, key, fromClient) => {
      const fragments = new Uint8Array([
        ...serverFrame(0x1, utf8('{"a":'), { fin: false }),
        ...serverFrame(0x9, utf8("are you there")),
        ...serverFrame(0x0, utf8("1}")),
      ]);
      socket.write(Buffer.concat([Buffer.from(switching(key)), fragments.subarray(0, 3)]));
      socket.write(fragments.subarray(3));
      socket.on("data", () => {
        const bytes = fromClient();
        clientFrames = [];
        for (let at = 0, frame = readClientFrame(bytes); frame; frame = readClientFrame(bytes.subarray(at))) {
          clientFrames.push(frame);
          at += frame.size;
        }
        if (clientFrames.length === 1) socket.write(serverFrame(0x8, new Uint8Array([0x0f, 0xa0, ...utf8("done")])));
      });
    });
    const { events, closed } = open(server.url);
    expect(await closed).toEqual([4000, "done"]);
    expect(events.slice(0, 2)).toEqual([["open"], ["message", '{"a":1}']]);
    await waitFor(() => clientFrames.length === 2); // the echo of the close is on its way
    // The echoed close carries the relay's code (ws echoes its reason too; RFC 6455 §5.5.1 asks only for the code).
    expect(
      clientFrames.map((frame) => [
        frame!.opcode,
        frame!.masked,
        Buffer.from(frame!.payload)
          .toString("latin1")
          .slice(0, frame!.opcode === 0x8 ? 2 : undefined),
      ]),
    ).toEqual([
      [0xa, true, "are you there"],
      [0x8, true, "\x0f\xa0"],
    ]);
    server.close();
  });

  test("the certificate is known when it opens, and is the one of the connection the WebSocket runs on (each connection gets another)", async () => {
    const other = makeCertificate(dir, "other");
    const contexts = [certificate, other].map((each) => createSecureContext({ cert: each.cert, key: readFileSync(each.keyPath) }));
    let connections = 0;
    const server = await rawServer(
      certificate,
      (socket, key) => {
        // The server names the certificate it presented on this very socket.
        const presented = sha256Fingerprint(new Uint8Array(socket.getX509Certificate()!.raw));
        socket.write(Buffer.concat([Buffer.from(switching(key)), serverFrame(0x1, utf8(presented))]));
      },
      { SNICallback: (_name, done) => done(null, contexts[connections++ % 2]!) },
    );
    for (const _ of [1, 2]) {
      let atOpen: Uint8Array | undefined;
      const messages: string[] = [];
      const transport: Transport = tlsWebSocketTransport()(server.url.replace("127.0.0.1", "localhost"), {
        open: () => (atOpen = transport.peerCertificate!()),
        message: (data) => messages.push(String(data)),
        close: () => {},
      });
      await waitFor(() => messages.length > 0);
      expect(atOpen).toBeDefined();
      expect(sha256Fingerprint(atOpen!)).toBe(messages[0]!);
      await transport.close(1000, "bye");
    }
    expect(connections).toBe(2); // one TLS connection per transport, and the two certificates differed
    server.close();
  });

  test("a message over maxMessageBytes: the transport closes with 1009 and says why", async () => {
    const server = await rawServer(certificate, (socket, key) =>
      socket.write(Buffer.concat([Buffer.from(switching(key)), serverFrame(0x1, utf8("x".repeat(2000)))])),
    );
    const { events, closed } = open(server.url, { maxMessageBytes: 1000 });
    expect(await closed).toEqual([1009, "the relay broke the WebSocket protocol (Max payload size exceeded)"]);
    expect(events.filter((event) => event[0] === "message")).toEqual([]);
    server.close();
  });

  test("a relay that never answers the close frame is given up on after CLOSE_WAIT_MS (1006)", async () => {
    const server = await rawServer(certificate, (socket, key) => socket.write(switching(key)));
    const { transport, events, closed } = open(server.url);
    await waitFor(() => events.length > 0);
    const started = Date.now();
    await transport.close(1000, "bye");
    expect(await closed).toEqual([1006, "the relay did not answer the close frame"]);
    expect(Date.now() - started).toBeGreaterThanOrEqual(CLOSE_WAIT_MS - 50);
    server.close();
  });

  test("a close reason too long for a close frame is cut on a character boundary, not refused", async () => {
    let received: Uint8Array | undefined;
    const server = await rawServer(certificate, (socket, key, fromClient) => {
      socket.write(switching(key));
      socket.on("data", () => {
        const frame = readClientFrame(fromClient());
        if (frame?.opcode !== 0x8) return;
        received = frame.payload;
        socket.write(serverFrame(0x8, frame.payload));
      });
    });
    const { transport, events, closed } = open(server.url);
    await waitFor(() => events.length > 0);
    await transport.close(4000, "é".repeat(100));
    expect(await closed).toEqual([4000, "é".repeat(61)]);
    expect([...received!.subarray(0, 2)]).toEqual([0x0f, 0xa0]);
    expect(received!.length).toBe(2 + 122);
    server.close();
  });

  test("a masked frame from the server: the transport closes with 1002 and says why", async () => {
    let closeSent: number | undefined;
    const server = await rawServer(certificate, (socket, key, fromClient) => {
      socket.write(Buffer.concat([Buffer.from(switching(key)), serverFrame(0x1, utf8("x"), { mask: new Uint8Array([1, 2, 3, 4]) })]));
      socket.on("data", () => {
        const frame = readClientFrame(fromClient());
        if (frame?.opcode === 0x8) closeSent = (frame.payload[0]! << 8) | frame.payload[1]!;
      });
    });
    const { closed } = open(server.url);
    expect(await closed).toEqual([1002, "the relay broke the WebSocket protocol (Invalid WebSocket frame: MASK must be clear)"]);
    await waitFor(() => closeSent !== undefined);
    expect(closeSent).toBe(1002);
    server.close();
  });

  test("a refused upgrade: closed (1006) with the HTTP status, never opened", async () => {
    const server = await rawServer(certificate, (socket) => socket.end("HTTP/1.1 403 Forbidden\r\nContent-Length: 0\r\n\r\n"));
    const { events, closed } = open(server.url);
    expect(await closed).toEqual([1006, "the relay answered HTTP 403 Forbidden instead of a WebSocket"]);
    expect(events).toHaveLength(1);
    server.close();
  });

  test("a server that does not speak TLS: closed (1006) with the TLS error, never opened", async () => {
    const plain = createTcpServer((socket) => socket.end("HTTP/1.1 400 Bad Request\r\n\r\n"));
    await new Promise<void>((resolve) => plain.listen(0, "127.0.0.1", resolve));
    const { events, closed } = open(`wss://127.0.0.1:${(plain.address() as AddressInfo).port}/ws`);
    const [code, reason] = await closed;
    expect(code).toBe(1006);
    expect(reason.length).toBeGreaterThan(0);
    expect(events).toHaveLength(1);
    plain.close();
  });

  test("closing before the upgrade completes reports one close; a ws:// URL is not for this transport", async () => {
    const server = await rawServer(certificate, () => {});
    const { transport, events, closed } = open(server.url);
    await transport.close(1000, "never mind");
    expect(await closed).toEqual([1006, "closed before the WebSocket opened"]);
    expect(events).toEqual([["close", 1006, "closed before the WebSocket opened"]]);
    server.close();
    expect(() => open("ws://127.0.0.1:1/ws")).toThrow("this transport speaks wss:// only, not ws://");
  });
});
