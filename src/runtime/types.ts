/**
 * The seam between the relay and its runtime (Bun or Deno), in the style of Hono's adapters:
 * each runtime folder implements {@link RuntimeAdapter}; nothing outside src/runtime touches
 * `Bun.serve` or `Deno.serve` directly.
 */
import type { Context, Hono, MiddlewareHandler } from "hono";

/** One accepted WebSocket, as the relay needs it. */
export interface PeerSocket {
  /** Queues a text frame; false when the socket is already closed and the frame was dropped. */
  send(text: string): boolean;
  close(code: number, reason: string): void;
  /** Drops the TCP connection without a closing handshake (for dead peers). */
  terminate(): void;
  /** Sends a WebSocket ping frame; false where the runtime pings by itself (Deno). */
  ping(): boolean;
  /** Bytes queued in user space and not yet written to the kernel. */
  bufferedAmount(): number;
  /** Runs `fn` with this socket's writes coalesced into as few syscalls as possible. */
  batch(fn: () => void): void;
}

/** The other end of one HTTP request's connection. */
export interface RequestPeer {
  address: string;
  port: number;
  /** `SHA256:…` of the certificate this connection's TLS session was served with; absent over plain HTTP. */
  tlsFingerprint?: string;
}

/** Who is connecting: the TCP peer and the address the client used to reach us. */
export interface PeerInfo extends RequestPeer {
  /** The Host header (host:port as the client addressed the relay). */
  host: string;
}

/** A certificate chain and its private key (PEM), as the relay serves them. */
export interface TlsCertificate {
  cert: string;
  key: string;
  /** `SHA256:<base64>` of the leaf certificate's DER; tagged onto every peer served with it. */
  fingerprint: string;
}

/** Callbacks for one connection; created before the upgrade, called by the runtime adapter. */
export interface SocketEvents {
  open(socket: PeerSocket): void;
  message(data: string | ArrayBuffer | Uint8Array): void;
  close(code: number, reason: string): void;
  pong(): void;
}

/**
 * The app's WebSocket endpoint, for an adapter that can upgrade before the HTTP router runs
 * (Bun: a login then skips Hono's routing and middleware). Only upgrades the app would accept
 * take that way; every other request to `path` goes through the app, which answers it as before.
 */
export interface WebSocketRoute {
  /** The exact path (no query). */
  path: string;
  /** Whether an upgrade with this Origin (null: none) and Host may be accepted without the app. */
  admits(origin: string | null, host: string): boolean;
  accept(peer: PeerInfo): SocketEvents;
}

export interface ListenOptions {
  hostname: string;
  port: number;
  /** Largest incoming frame the runtime will buffer; the relay applies its own, smaller limits. */
  maxPayloadLength: number;
  /** Deno pings idle sockets by itself: its idle timeout is derived from these. */
  heartbeatIntervalMs: number;
  heartbeatTimeoutMs: number;
  /** Serve https/wss with this certificate; plain http/ws without. */
  tls?: TlsCertificate;
  /** Upgrades an adapter may serve before routing (the app's own route for it stays the reference). */
  webSocket?: WebSocketRoute;
}

export interface ListeningServer {
  hostname: string;
  port: number;
  /**
   * Serves new connections with another certificate (listening with `tls` only). Neither runtime
   * can swap a certificate in a listening socket, so the listener is replaced on the same port;
   * whether open connections survive that is the adapter's {@link RuntimeAdapter.certificateSwapKeepsConnections}.
   */
  replaceCertificate(tls: TlsCertificate): Promise<void>;
  /** Stops accepting; open sockets are closed by the relay beforehand. */
  stop(): Promise<void>;
}

export interface RuntimeAdapter {
  name: "bun" | "deno";
  /** Whether open connections survive {@link ListeningServer.replaceCertificate}. */
  certificateSwapKeepsConnections: boolean;
  /** The connection a request arrived on. */
  requestPeer(c: Context): RequestPeer;
  /** A Hono handler upgrading the request to a WebSocket wired to `accept(peer)`'s events. */
  upgrade(accept: (peer: PeerInfo) => SocketEvents): MiddlewareHandler;
  listen(app: Hono, options: ListenOptions): Promise<ListeningServer>;
}

/** Thrown by `listen` when the address is taken, so the CLI can say which. */
export class AddressInUseError extends Error {
  constructor(
    readonly hostname: string,
    readonly port: number,
  ) {
    super(`address ${formatHostPort(hostname, port)} is already in use; stop the other process or pick another --port`);
    this.name = "AddressInUseError";
  }
}

/** `host:port`, bracketing IPv6 literals. */
export function formatHostPort(hostname: string, port: number): string {
  return hostname.includes(":") ? `[${hostname}]:${port}` : `${hostname}:${port}`;
}
