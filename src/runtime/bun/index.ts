/**
 * Bun runtime adapter: `Bun.serve`, upgrading WebSockets itself.
 *
 * The design is Hono's WebSocket helper (`upgrade(accept)` is the route's handler; the socket's
 * callbacks are created per request and called by the server's `websocket` handlers), without
 * `hono/bun`'s helper: it built a `URL`, a `WSContext` and an `Event`/`MessageEvent`/`CloseEvent`
 * per socket event, which the relay never reads. The callbacks ride as the raw socket's `data`.
 *
 * A login's upgrade does not go through Hono at all: `Bun.serve`'s fetch upgrades a request for
 * the app's {@link WebSocketRoute} path whose Origin the route admits, before routing: Hono's
 * router, context and middleware are work a login does not need (docs/benchmarks.md). Every
 * other request, including a refused or malformed upgrade, goes to the app, which answers it as
 * it always did (its `/ws` route uses this adapter's `upgrade` too).
 *
 * TLS: `server.reload()` ignores `tls` (oven-sh/bun#43815) and Bun has no other way to change a
 * listening server's certificate, so {@link ListeningServer.replaceCertificate} stops the old
 * server's listener — `stop(false)` releases the port at once and leaves its open connections
 * running until they close — and listens again on the same port with the new certificate.
 */

import type { Server, ServerWebSocket } from "bun";
import type { Context, Hono } from "hono";
import {
  AddressInUseError,
  type ListenOptions,
  type PeerInfo,
  type PeerSocket,
  type RequestPeer,
  type RuntimeAdapter,
  type SocketEvents,
  type TlsCertificate,
  type WebSocketRoute,
} from "../types.ts";

type RawSocket = ServerWebSocket<SocketEvents>;

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
    return async (c, next) => {
      const events = accept({ ...bunRuntime.requestPeer(c), host: c.req.header("host") ?? "" });
      // After an upgrade Bun ignores the response; Hono needs one.
      if ((c.env as BunEnv).server.upgrade(c.req.raw, { data: events })) return new Response(null);
      await next();
    };
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

/**
 * Upgrades `request` without the app when it is for the route's exact path and the route admits
 * its Origin; false when the app must answer it (another path, a query, a refused Origin, not an
 * upgrade — a discarded `accept` result is inert until its socket opens).
 */
function upgradeDirectly(request: Request, server: Server<SocketEvents>, route: WebSocketRoute, tlsFingerprint: string | undefined): boolean {
  const url = request.url;
  const start = url.indexOf("/", url.indexOf("//") + 2);
  if (start < 0 || url.length - start !== route.path.length || !url.startsWith(route.path, start)) return false;
  const headers = request.headers;
  const host = headers.get("host") ?? "";
  if (!route.admits(headers.get("origin"), host)) return false;
  const ip = server.requestIP(request);
  const peer: PeerInfo = { address: ip?.address ?? "unknown", port: ip?.port ?? 0, host };
  if (tlsFingerprint !== undefined) peer.tlsFingerprint = tlsFingerprint;
  return server.upgrade(request, { data: route.accept(peer) });
}

function serve(app: Hono, options: ListenOptions, port: number, tls: TlsCertificate | undefined): Server<unknown> {
  let env: BunEnv | undefined;
  // Built once, on the first request: Hono's handlers get the server and the certificate's fingerprint.
  const envOf = (server: Server<unknown>): BunEnv => {
    env ??= { server, tlsFingerprint: tls?.fingerprint };
    return env;
  };
  try {
    return Bun.serve({
      hostname: options.hostname,
      port,
      ...(tls && { tls: { cert: tls.cert, key: tls.key } }),
      fetch: (request, server) =>
        options.webSocket && upgradeDirectly(request, server, options.webSocket, tls?.fingerprint) ? undefined : app.fetch(request, envOf(server)),
      websocket: {
        open: (ws: RawSocket) => ws.data.open(new BunPeerSocket(ws)),
        message: (ws: RawSocket, data: string | Buffer) => ws.data.message(data),
        close: (ws: RawSocket, code: number, reason: string) => ws.data.close(code, reason),
        pong: (ws: RawSocket) => ws.data.pong(),
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
