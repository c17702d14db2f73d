/**
 * Deno runtime adapter: `Deno.serve` with Hono's Deno WebSocket helper.
 *
 * Differences from Bun that the relay is built to tolerate:
 * - the upgraded socket is a standard `WebSocket`: no ping API, so `ping()` returns false and
 *   Deno pings idle sockets itself (`idleTimeout`, derived from the heartbeat timeout);
 * - no drain event and no write corking: `batch(fn)` just runs `fn`;
 * - no way to drop the TCP connection, so `terminate()` is a close;
 * - every upgrade goes through the app's `/ws` route (`ListenOptions.webSocket`, Bun's way around
 *   routing for logins, is not used here);
 * - `stop()` closes any socket still open with 1001 before `shutdown()` (the relay closes them
 *   itself first; this is a safety net so shutdown cannot hang);
 * - a listening server's certificate cannot be changed, and `shutdown()` — the only way to
 *   release its port — also closes every WebSocket it upgraded (denoland/deno#35105). So
 *   {@link ListeningServer.replaceCertificate} closes open sockets with 1001 ("certificate
 *   renewed"; clients reconnect and resume by seq) and listens again on the same port.
 *
 * @example
 * ```ts
 * // deno run -A src/cli.ts serve  →  detectRuntime() returns denoRuntime
 * const server = await denoRuntime.listen(app, { hostname: "127.0.0.1", port: 0, maxPayloadLength: 1 << 20, heartbeatIntervalMs: 15_000, heartbeatTimeoutMs: 45_000 });
 * await server.stop();
 * ```
 */
import type { Context, Hono } from "hono";
import { getConnInfo, upgradeWebSocket } from "hono/deno";
import { AddressInUseError, type ListenOptions, type PeerSocket, type RequestPeer, type RuntimeAdapter, type TlsCertificate } from "../types.ts";

/** The slice of the `Deno` namespace used here (the project type-checks against Bun's types). */
interface DenoServeApi {
  serve(
    options: { hostname: string; port: number; cert?: string; key?: string; onListen(addr: { hostname: string; port: number }): void },
    handler: (request: Request, info: { remoteAddr: unknown }) => Response | Promise<Response>,
  ): DenoServer;
  errors: { AddrInUse: new (...args: never[]) => Error };
}

interface DenoServer {
  shutdown(): Promise<void>;
}

/** Hono's `c.env` for a request: what hono/deno's getConnInfo reads, and the certificate served. */
interface DenoEnv {
  remoteAddr: unknown;
  tlsFingerprint: string | undefined;
}

const CLOSE_GOING_AWAY = 1001;
/** Longest wait for clients to answer our close frames before the server is shut down anyway. */
const CLOSE_WAIT_MS = 1000;

function deno(): DenoServeApi {
  return (globalThis as unknown as { Deno: DenoServeApi }).Deno;
}

function wrap(ws: WebSocket): PeerSocket {
  const close = (code: number, reason: string) => {
    if (ws.readyState === WebSocket.CONNECTING || ws.readyState === WebSocket.OPEN) ws.close(code, reason);
  };
  return {
    send: (text) => {
      if (ws.readyState !== WebSocket.OPEN) return false;
      ws.send(text);
      return true;
    },
    close,
    terminate: () => close(CLOSE_GOING_AWAY, "terminated"),
    ping: () => false,
    bufferedAmount: () => ws.bufferedAmount,
    batch: (fn) => fn(),
  };
}

/**
 * A Deno adapter with its own set of open sockets (one per relay).
 *
 * @example
 * ```ts
 * const runtime = createDenoRuntime();
 * app.get("/ws", runtime.upgrade(gateway.accept));
 * ```
 */
export function createDenoRuntime(): RuntimeAdapter {
  const open = new Set<WebSocket>();
  // Read by hono/deno on every upgrade, so `listen` can set the idle timeout after `upgrade`.
  const upgradeOptions: { idleTimeout?: number } = {};

  /**
   * Closes every open socket with 1001 and `reason`, and waits (a second at most) for the closing
   * handshakes: `shutdown()` would otherwise close them first with its own reason.
   */
  const closeOpen = async (reason: string) => {
    const closed = [...open].map((ws) => new Promise((resolve) => ws.addEventListener("close", resolve, { once: true })));
    for (const ws of open) ws.close(CLOSE_GOING_AWAY, reason);
    open.clear();
    let timer: ReturnType<typeof setTimeout> | undefined;
    await Promise.race([Promise.all(closed), new Promise((resolve) => (timer = setTimeout(resolve, CLOSE_WAIT_MS)))]);
    clearTimeout(timer);
  };
  const runtime: RuntimeAdapter = {
    name: "deno",
    certificateSwapKeepsConnections: false,

    requestPeer(c: Context): RequestPeer {
      const { remote } = getConnInfo(c);
      const peer = { address: remote.address ?? "unknown", port: remote.port ?? 0 };
      const { tlsFingerprint } = c.env as DenoEnv;
      return tlsFingerprint === undefined ? peer : { ...peer, tlsFingerprint };
    },

    upgrade(accept) {
      return upgradeWebSocket((c) => {
        const events = accept({ ...runtime.requestPeer(c), host: c.req.header("host") ?? "" });
        return {
          onOpen(_event, ws) {
            const raw = ws.raw as WebSocket;
            raw.binaryType = "arraybuffer";
            open.add(raw);
            events.open(wrap(raw));
          },
          onMessage: (event) => events.message(event.data as string | ArrayBuffer),
          onClose: (event, ws) => {
            open.delete(ws.raw as WebSocket);
            events.close(event.code, event.reason);
          },
        };
      }, upgradeOptions);
    },

    async listen(app: Hono, options: ListenOptions) {
      // Deno pings a socket idle for half of idleTimeout and closes it after the other half
      // without a reply: a dead peer is gone after --heartbeat-timeout, as on Bun.
      upgradeOptions.idleTimeout = Math.max(1, Math.round(options.heartbeatTimeoutMs / 1000));
      const first = serve(app, options, options.port, options.tls);
      let server = first.server;
      let current = options.tls;
      return {
        hostname: first.hostname,
        port: first.port,
        async replaceCertificate(tls: TlsCertificate) {
          await closeOpen("certificate renewed: reconnect");
          await server.shutdown();
          try {
            server = serve(app, options, first.port, tls).server;
            current = tls;
          } catch (error) {
            server = serve(app, options, first.port, current).server; // keep serving the old certificate
            throw error;
          }
        },
        async stop() {
          await closeOpen("server shutting down");
          await server.shutdown();
        },
      };
    },
  };
  return runtime;
}

function serve(app: Hono, options: ListenOptions, port: number, tls: TlsCertificate | undefined): { server: DenoServer; hostname: string; port: number } {
  let bound: { hostname: string; port: number } | undefined;
  const tlsFingerprint = tls?.fingerprint;
  try {
    const server = deno().serve(
      {
        hostname: options.hostname,
        port,
        ...(tls && { cert: tls.cert, key: tls.key }),
        onListen: (addr) => {
          bound = addr;
        },
      },
      (request, info) => app.fetch(request, { remoteAddr: info.remoteAddr, tlsFingerprint } satisfies DenoEnv),
    );
    return { server, hostname: bound?.hostname ?? options.hostname, port: bound?.port ?? port };
  } catch (error) {
    if (error instanceof deno().errors.AddrInUse) throw new AddressInUseError(options.hostname, port);
    throw error;
  }
}

export const denoRuntime: RuntimeAdapter = createDenoRuntime();
