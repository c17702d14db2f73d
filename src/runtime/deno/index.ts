/**
 * Deno runtime adapter: `Deno.serve` with Hono's Deno WebSocket helper.
 *
 * Differences from Bun that the relay is built to tolerate:
 * - the upgraded socket is a standard `WebSocket`: no ping API, so `ping()` returns false and
 *   Deno pings idle sockets itself (`idleTimeout`, derived from the heartbeat timeout);
 * - no drain event and no write corking: `batch(fn)` just runs `fn`;
 * - no way to drop the TCP connection, so `terminate()` is a close;
 * - `shutdown()` does not close upgraded sockets: `stop()` closes any still open with 1001
 *   (the relay closes them itself first; this is a safety net so shutdown cannot hang).
 *
 * @example
 * ```ts
 * // deno run -A src/cli.ts serve  →  detectRuntime() returns denoRuntime
 * const server = await denoRuntime.listen(app, { hostname: "127.0.0.1", port: 0, maxPayloadLength: 1 << 20, heartbeatIntervalMs: 15_000, heartbeatTimeoutMs: 45_000 });
 * await server.stop();
 * ```
 */
import type { Hono } from "hono";
import { getConnInfo, upgradeWebSocket } from "hono/deno";
import { AddressInUseError, type ListenOptions, type PeerSocket, type RuntimeAdapter } from "../types.ts";

/** The slice of the `Deno` namespace used here (the project type-checks against Bun's types). */
interface DenoServeApi {
  serve(
    options: { hostname: string; port: number; onListen(addr: { hostname: string; port: number }): void },
    handler: (request: Request, info: unknown) => Response | Promise<Response>,
  ): { shutdown(): Promise<void> };
  errors: { AddrInUse: new (...args: never[]) => Error };
}

const CLOSE_GOING_AWAY = 1001;

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

  return {
    name: "deno",

    upgrade(accept) {
      return upgradeWebSocket((c) => {
        const { remote } = getConnInfo(c);
        const events = accept({ address: remote.address ?? "unknown", port: remote.port ?? 0, host: c.req.header("host") ?? "" });
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
      let bound: { hostname: string; port: number } | undefined;
      let server: ReturnType<DenoServeApi["serve"]>;
      try {
        server = deno().serve(
          { hostname: options.hostname, port: options.port, onListen: (addr) => void (bound = addr) },
          (request, info) => app.fetch(request, info),
        );
      } catch (error) {
        if (error instanceof deno().errors.AddrInUse) throw new AddressInUseError(options.hostname, options.port);
        throw error;
      }
      return {
        hostname: bound?.hostname ?? options.hostname,
        port: bound?.port ?? options.port,
        async stop() {
          for (const ws of open) ws.close(CLOSE_GOING_AWAY, "server shutting down");
          open.clear();
          await server.shutdown();
        },
      };
    },
  };
}

export const denoRuntime: RuntimeAdapter = createDenoRuntime();
