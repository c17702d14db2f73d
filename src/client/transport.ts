/**
 * The byte pipe under one client connection: text frames in and out, open and close. The client
 * speaks only to this interface, so a test can hand it an in-memory pipe and a transport that can
 * see TLS (to bind the login to the relay's certificate) can replace the global `WebSocket`.
 *
 * @example
 * ```ts
 * const transport = webSocketTransport("ws://127.0.0.1:7717/ws", {
 *   open: () => console.log("open"),
 *   message: (data) => console.log(data),
 *   close: (code, reason) => console.log("closed", code, reason),
 * });
 * await transport.close(1000, "bye");
 * ```
 */

/** What a transport reports; each `close` ends it (no calls after it). */
export interface TransportHandlers {
  open(): void;
  message(data: string | ArrayBuffer): void;
  close(code: number, reason: string): void;
}

/** Whether the relay's certificate is valid for the host under the CAs the runtime trusts; if not, why. */
export type PeerTrust = { trusted: true } | { trusted: false; reason: string };

export interface Transport {
  /** Sends one text frame; dropped when the transport is not open (the connection decides what may be lost). */
  send(text: string): void;
  /** Starts the closing handshake; resolves once closed, or after `CLOSE_WAIT_MS` (a dead network never answers). */
  close(code: number, reason: string): Promise<void>;
  /**
   * The DER certificate the relay presented, for transports that can see it (TLS). A check
   * before signing compares it with the challenge's `tls:` line. The global WebSocket cannot see
   * it, so {@link webSocketTransport} has none (tls-transport.ts has).
   */
  peerCertificate?(): Uint8Array | undefined;
  /** Whether that certificate chains to a trusted CA and names the host (a self-signed one does not). */
  peerTrust?(): PeerTrust | undefined;
  /** The WebSocket underneath, when there is one (diagnostics). */
  readonly socket?: WebSocket;
}

/** Opens a transport to `url`; throws when `url` is unusable. */
export type TransportFactory = (url: string, handlers: TransportHandlers) => Transport;

/** Longest wait for a closing handshake to complete. */
export const CLOSE_WAIT_MS = 1000;

/** The part of the WebSocket constructor the transport uses (the global one, or e.g. the `ws` package's). */
export type WebSocketConstructor = new (url: string) => WebSocket;

/** Why a runtime without a global WebSocket cannot connect, and what to do. */
export const NO_GLOBAL_WEBSOCKET =
  "this runtime has no global WebSocket (Node.js before 22): run Node.js 22 or later, start Node.js 20.10+ with --experimental-websocket, " +
  "or pass transport: webSocketTransportFor(WebSocket) with the WebSocket of the ws package";

/**
 * A transport over the given WebSocket implementation: for runtimes without a global one, e.g.
 * Node.js 20 with the `ws` package.
 *
 * @example
 * ```ts
 * import WebSocket from "ws";
 * const client = new RelayClient({ signer, transport: webSocketTransportFor(WebSocket as unknown as WebSocketConstructor) });
 * ```
 */
export function webSocketTransportFor(Impl: WebSocketConstructor): TransportFactory {
  return (url, handlers) => {
    const socket = new Impl(url);
    socket.binaryType = "arraybuffer";
    socket.addEventListener("open", () => handlers.open());
    socket.addEventListener("message", (event) => handlers.message(event.data as string | ArrayBuffer));
    // Deno reports a connection that never opened as code 0; the standard (and Bun, browsers) say 1006.
    socket.addEventListener("close", (event) => handlers.close(event.code || 1006, event.reason));
    const OPEN = 1;
    const CLOSED = 3;
    return {
      socket,
      send(text) {
        if (socket.readyState === OPEN) socket.send(text);
      },
      async close(code, reason) {
        if (socket.readyState === CLOSED) return;
        const closed = new Promise<void>((resolve) => socket.addEventListener("close", () => resolve(), { once: true }));
        try {
          socket.close(code, reason);
        } catch {
          // already closing
        }
        let timer: ReturnType<typeof setTimeout> | undefined;
        await Promise.race([closed, new Promise<void>((resolve) => (timer = setTimeout(resolve, CLOSE_WAIT_MS)))]);
        clearTimeout(timer);
      },
    };
  };
}

/**
 * The global `WebSocket` (Bun, Deno, browsers, Node.js 22+) as a transport. Where there is none,
 * opening a connection fails with {@link NO_GLOBAL_WEBSOCKET}.
 *
 * @example
 * const client = new RelayClient({ signer, transport: webSocketTransport }); // the default
 */
export const webSocketTransport: TransportFactory = (url, handlers) => {
  if (typeof globalThis.WebSocket !== "function") throw new Error(NO_GLOBAL_WEBSOCKET);
  return webSocketTransportFor(globalThis.WebSocket)(url, handlers);
};
