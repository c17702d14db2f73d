/**
 * Bun runtime adapter: `Bun.serve` with Hono's Bun WebSocket helper.
 *
 * Hono's helper implements only open/message/close, so its `websocket` handlers are extended
 * here with `pong`; it finds the connection through a field added to the raw
 * socket's `data` (never replacing it, which Hono needs: honojs/hono#4097).
 */
import type { Hono } from "hono";
import type { WSContext, WSEvents } from "hono/ws";
import { upgradeWebSocket, websocket } from "hono/bun";
import type { ServerWebSocket, WebSocketHandler } from "bun";
import { AddressInUseError, type ListenOptions, type PeerSocket, type RuntimeAdapter, type SocketEvents } from "../types.ts";

type RawSocket = ServerWebSocket<{ relay?: SocketEvents }>;

/** One per connection, so a class with shared methods rather than a bag of closures. */
class BunPeerSocket implements PeerSocket {
  constructor(private readonly ws: RawSocket) {}
  send(text: string): boolean {
    return this.ws.send(text) !== 0;
  }
  close(code: number, reason: string): void {
    this.ws.close(code, reason);
  }
  terminate(): void {
    this.ws.terminate();
  }
  ping(): boolean {
    this.ws.ping();
    return true;
  }
  bufferedAmount(): number {
    return this.ws.getBufferedAmount();
  }
  batch(fn: () => void): void {
    this.ws.cork(fn);
  }
}

/** Hono's per-socket event handlers, as a class: Hono keeps one for the socket's whole life. */
class HonoEvents implements WSEvents {
  constructor(private readonly events: SocketEvents) {}
  onOpen(_event: Event, ws: WSContext): void {
    const raw = ws.raw as RawSocket;
    raw.data.relay = this.events;
    // Hono keeps the request URL for the socket's life and parses it again into a new URL for every
    // event it dispatches; the relay never reads it, so drop it (saves memory per idle socket and
    // a URL parse per received frame). The object itself is kept, as Hono needs (honojs/hono#4097).
    (raw.data as { url?: unknown }).url = undefined;
    this.events.open(new BunPeerSocket(raw));
  }
  onMessage(event: MessageEvent): void {
    this.events.message(event.data as string | ArrayBuffer);
  }
  onClose(event: CloseEvent): void {
    this.events.close(event.code, event.reason);
  }
}

export const bunRuntime: RuntimeAdapter = {
  name: "bun",

  upgrade(accept) {
    return upgradeWebSocket((c) => {
      const server = c.env as import("bun").Server<unknown>;
      const ip = server.requestIP(c.req.raw);
      return new HonoEvents(accept({ address: ip?.address ?? "unknown", port: ip?.port ?? 0, host: c.req.header("host") ?? "" }));
    });
  },

  async listen(app: Hono, options: ListenOptions) {
    let server: import("bun").Server<unknown>;
    try {
      server = Bun.serve({
        hostname: options.hostname,
        port: options.port,
        fetch: (request, srv) => app.fetch(request, srv),
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
      if ((error as { code?: string }).code === "EADDRINUSE") throw new AddressInUseError(options.hostname, options.port);
      throw error;
    }
    return {
      hostname: server.hostname ?? options.hostname,
      port: server.port ?? options.port,
      stop: () => server.stop(true),
    };
  },
};
