/**
 * Bun runtime adapter: `Bun.serve` with Hono's Bun WebSocket helper.
 *
 * Hono's helper implements only open/message/close, so its `websocket` handlers are extended
 * here with `pong`; it finds the connection through a field added to the raw
 * socket's `data` (never replacing it, which Hono needs: honojs/hono#4097).
 *
 * TLS: `server.reload()` ignores `tls` (oven-sh/bun#43815) and Bun has no other way to change a
 * listening server's certificate, so {@link ListeningServer.replaceCertificate} stops the old
 * server's listener — `stop(false)` releases the port at once and leaves its open connections
 * running until they close — and listens again on the same port with the new certificate.
 */
import type { Context, Hono } from "hono";
import type { WSContext, WSEvents } from "hono/ws";
import { upgradeWebSocket, websocket } from "hono/bun";
import type { Server, ServerWebSocket, WebSocketHandler } from "bun";
import { AddressInUseError, type ListenOptions, type PeerSocket, type RequestPeer, type RuntimeAdapter, type SocketEvents, type TlsCertificate } from "../types.ts";

type RawSocket = ServerWebSocket<{ relay?: SocketEvents }>;

/** Hono's `c.env` for a request: the server (Hono's Bun helpers read `env.server`) and its certificate. */
interface BunEnv {
  server: Server<unknown>;
  tlsFingerprint: string | undefined;
}

/** One per connection, so a class with shared methods rather than a bag of closures. */
class BunPeerSocket implements PeerSocket {
  readonly #ws: RawSocket;
  constructor(ws: RawSocket) {
    this.#ws = ws;
  }
  send(text: string): boolean {
    return this.#ws.send(text) !== 0;
  }
  close(code: number, reason: string): void {
    this.#ws.close(code, reason);
  }
  terminate(): void {
    this.#ws.terminate();
  }
  ping(): boolean {
    this.#ws.ping();
    return true;
  }
  bufferedAmount(): number {
    return this.#ws.getBufferedAmount();
  }
  batch(fn: () => void): void {
    this.#ws.cork(fn);
  }
}

/** Hono's per-socket event handlers, as a class: Hono keeps one for the socket's whole life. */
class HonoEvents implements WSEvents {
  readonly #events: SocketEvents;
  constructor(events: SocketEvents) {
    this.#events = events;
  }
  onOpen(_event: Event, ws: WSContext): void {
    const raw = ws.raw as RawSocket;
    raw.data.relay = this.#events;
    // Hono keeps the request URL for the socket's life and parses it again into a new URL for every
    // event it dispatches; the relay never reads it, so drop it (saves memory per idle socket and
    // a URL parse per received frame). The object itself is kept, as Hono needs (honojs/hono#4097).
    (raw.data as { url?: unknown }).url = undefined;
    this.#events.open(new BunPeerSocket(raw));
  }
  onMessage(event: MessageEvent): void {
    this.#events.message(event.data as string | ArrayBuffer);
  }
  onClose(event: CloseEvent): void {
    this.#events.close(event.code, event.reason);
  }
}

export const bunRuntime: RuntimeAdapter = {
  name: "bun",

  certificateSwapKeepsConnections: true,

  requestPeer(c: Context): RequestPeer {
    const env = c.env as BunEnv;
    const ip = env.server.requestIP(c.req.raw);
    const peer = { address: ip?.address ?? "unknown", port: ip?.port ?? 0 };
    return env.tlsFingerprint === undefined ? peer : { ...peer, tlsFingerprint: env.tlsFingerprint };
  },

  upgrade(accept) {
    return upgradeWebSocket((c) => new HonoEvents(accept({ ...bunRuntime.requestPeer(c), host: c.req.header("host") ?? "" })));
  },

  async listen(app: Hono, options: ListenOptions) {
    let current = options.tls;
    let server = serve(app, options, options.port, current);
    const port = server.port ?? options.port;
    /** Servers whose listener was replaced, still carrying connections opened before. */
    const retired = new Set<Server<unknown>>();
    return {
      hostname: server.hostname ?? options.hostname,
      port,
      async replaceCertificate(tls: TlsCertificate) {
        const old = server;
        retired.add(old);
        void old.stop(false).then(() => retired.delete(old));
        try {
          server = serve(app, options, port, tls);
          current = tls;
        } catch (error) {
          server = serve(app, options, port, current); // keep serving the old certificate
          throw error;
        }
      },
      stop: async () => {
        await Promise.all([server, ...retired].map((each) => each.stop(true)));
      },
    };
  },
};

function serve(app: Hono, options: ListenOptions, port: number, tls: TlsCertificate | undefined): Server<unknown> {
  let env: BunEnv | undefined;
  try {
    return Bun.serve({
      hostname: options.hostname,
      port,
      ...(tls && { tls: { cert: tls.cert, key: tls.key } }),
      fetch: (request, server) => app.fetch(request, (env ??= { server, tlsFingerprint: tls?.fingerprint })),
      websocket: {
        ...(websocket as unknown as WebSocketHandler<{ relay?: SocketEvents }>),
        pong: (ws: RawSocket) => ws.data.relay?.pong(),
        maxPayloadLength: options.maxPayloadLength,
        // The relay runs its own heartbeat (one timer for all sockets) and its own send cap.
        idleTimeout: 0,
        sendPings: false,
        backpressureLimit: 0,
      },
    });
  } catch (error) {
    if ((error as { code?: string }).code === "EADDRINUSE") throw new AddressInUseError(options.hostname, port);
    throw error;
  }
}
