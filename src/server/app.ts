/**
 * The HTTP surface: `GET /ws` (the WebSocket endpoint), `GET /healthz`, `GET /metrics`
 * (Prometheus text), the web app at `/` (web-routes.ts), the local CA with `--tls-ca`
 * (ca-routes.ts), JSON 404 for the rest; every response
 * with the security headers.
 *
 * What other devices may see is narrower than what this machine sees: a request from a
 * non-loopback address — or relayed by a local proxy, which adds `X-Forwarded-For` — gets only
 * `{"status"}` from `/healthz` and a 404 from `/metrics`. A browser page from another origin
 * cannot open `/ws` (403; see ./origin.ts).
 *
 * @example
 * ```ts
 * const { app, webSocket } = createApp({ runtime, gateway, health: () => healthReport(session.health(), [gateway.degraded()], startedAt), metrics, log, secure: true });
 * await runtime.listen(app, { hostname: "127.0.0.1", port: 0, webSocket, … });
 * ```
 */
import { type Context, Hono } from "hono";
import type { Logger } from "../log/logger.ts";
import { formatHostPort, type RuntimeAdapter, type WebSocketRoute } from "../runtime/types.ts";
import { mountCaRoutes } from "./ca-routes.ts";
import type { Gateway } from "./gateway.ts";
import { isLoopback } from "./loopback.ts";
import { originAllowed } from "./origin.ts";
import { mountWebApp, securityHeaders } from "./web-routes.ts";

/**
 * The body of `GET /healthz`, always with status 200 (the contract's); `ok` is false and
 * `degraded` says why whenever the relay cannot fully serve its session.
 */
export interface Health {
  ok: boolean;
  degraded: string[];
  state: string;
  clients: number;
  claudePid: number;
  sessionId: string;
  uptime: number;
  [extra: string]: unknown;
}

export interface AppOptions {
  runtime: RuntimeAdapter;
  gateway: Gateway;
  health: () => Health;
  /** The Prometheus exposition text for `GET /metrics`. */
  metrics: () => string;
  log: Logger;
  /** The relay serves https/wss itself. */
  secure: boolean;
  /** The origin of `--public-url` (a proxy in front): its pages may open `/ws` too. */
  publicOrigin?: string;
  /** With `--tls-ca`: the local CA devices install, offered at `/ca.crt` and `/ca.mobileconfig`. */
  ca?: () => { pem: string; hostname: string } | undefined;
}

/** The Hono app, and its WebSocket endpoint for runtimes that upgrade before routing (runtime/types.ts). */
export interface RelayApp {
  app: Hono;
  webSocket: WebSocketRoute;
}

export function createApp({ runtime, gateway, health, metrics, log, secure, publicOrigin, ca }: AppOptions): RelayApp {
  const app = new Hono();
  const webSocket: WebSocketRoute = {
    path: "/ws",
    admits: (origin, host) => origin === null || originAllowed({ origin, host, secure, ...(publicOrigin && { publicOrigin }) }),
    accept: (peer) => gateway.accept(peer),
  };
  const notFound = (c: Context) =>
    c.json({ error: "not_found", message: `no route for ${c.req.method} ${c.req.path}; the WebSocket endpoint is GET /ws` }, 404);
  /** This machine asking directly, not a device on the network nor one behind a local proxy. */
  const local = (c: Context) => isLoopback(runtime.requestPeer(c).address) && !c.req.header("x-forwarded-for") && !c.req.header("forwarded");

  app.use(securityHeaders);
  mountWebApp(app);
  if (ca) mountCaRoutes(app, ca);
  app.get("/healthz", (c) => {
    const body = health();
    const status = body.ok ? "ok" : "degraded";
    return c.json(local(c) ? { status, ...body } : { status });
  });
  app.get("/metrics", (c) => (local(c) ? c.text(metrics(), 200, { "content-type": "text/plain; version=0.0.4; charset=utf-8" }) : notFound(c)));
  app.get(webSocket.path, async (c, next) => {
    const origin = c.req.header("origin");
    const host = c.req.header("host") ?? "";
    if (webSocket.admits(origin ?? null, host)) return next();
    const peer = runtime.requestPeer(c);
    log.warn("refused a WebSocket from a page on another origin", { origin, host, remote: formatHostPort(peer.address, peer.port) });
    gateway.metrics.inc("claude_relay_connections_refused_total", { reason: "origin" });
    return c.json({ error: "forbidden_origin", message: `a page from ${origin} may not connect to this relay; open the relay's own page instead` }, 403);
  });
  app.get(webSocket.path, runtime.upgrade(webSocket.accept));
  app.get(webSocket.path, (c) => c.json({ error: "upgrade_required", message: "GET /ws expects a WebSocket upgrade" }, 426));
  app.notFound(notFound);
  app.onError((error, c) => c.json({ error: "internal", message: error.message }, 500));
  return { app, webSocket };
}
