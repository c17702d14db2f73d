/**
 * The HTTP surface: `GET /ws` (the WebSocket endpoint), `GET /healthz`, `GET /metrics`
 * (Prometheus text), the web app at `/` (web-routes.ts), JSON 404 for the rest; every response
 * with the security headers.
 *
 * @example
 * ```ts
 * const app = createApp({ runtime, gateway, health: () => healthReport(session.health(), [gateway.degraded()], startedAt), metrics });
 * await runtime.listen(app, { hostname: "127.0.0.1", port: 0, … });
 * ```
 */
import { Hono } from "hono";
import type { RuntimeAdapter } from "../runtime/types.ts";
import type { Gateway } from "./gateway.ts";
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
}

export function createApp({ runtime, gateway, health, metrics }: AppOptions): Hono {
  const app = new Hono();
  app.use(securityHeaders);
  mountWebApp(app);
  app.get("/healthz", (c) => c.json(health()));
  app.get("/metrics", (c) => c.text(metrics(), 200, { "content-type": "text/plain; version=0.0.4; charset=utf-8" }));
  app.get("/ws", runtime.upgrade((peer) => gateway.accept(peer)));
  app.get("/ws", (c) => c.json({ error: "upgrade_required", message: "GET /ws expects a WebSocket upgrade" }, 426));
  app.notFound((c) => c.json({ error: "not_found", message: `no route for ${c.req.method} ${c.req.path}; the WebSocket endpoint is GET /ws` }, 404));
  app.onError((error, c) => c.json({ error: "internal", message: error.message }, 500));
  return app;
}
