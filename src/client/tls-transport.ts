/**
 * A wss:// transport that knows the certificate of its own connection. The global WebSocket of
 * Bun, Deno and browsers hides it, and the `ws` package cannot stand in: on Bun, `import "ws"`
 * is Bun's own wrapper around that same WebSocket (no `createConnection`, no TLS socket). So
 * this transport opens the TLS socket itself (node:tls, which Bun, Deno and Node.js all
 * provide), reads the relay's certificate from it, and speaks WebSocket over it: the upgrade
 * (ws-handshake.ts) and the frames (ws-frames.ts), each small and tested on its own.
 *
 * The certificate is not refused here: the TLS handshake accepts any, and reports what it saw —
 * `peerCertificate()` (DER) and `peerTrust()` (valid for the host under the trusted CAs, or
 * why not) — to the check before signing (relay-tls.ts), which refuses a certificate that is
 * neither trusted nor pinned before anything is signed. Only the upgrade request (no secret in
 * it) reaches a server before that check.
 *
 * @example
 * ```ts
 * const transport = tlsWebSocketTransport()("wss://127.0.0.1:7717/ws", {
 *   open: () => console.log(certificateFingerprint(transport.peerCertificate!()!)),
 *   message: (data) => console.log(data),
 *   close: (code, reason) => console.log("closed", code, reason),
 * });
 * ```
 */
import { randomBytes } from "node:crypto";
import { isIP } from "node:net";
import { checkServerIdentity, connect, type PeerCertificate, rootCertificates, type TLSSocket } from "node:tls";
import { CLOSE_WAIT_MS, type PeerTrust, type Transport, type TransportFactory, type TransportHandlers } from "./transport.ts";
import { CLOSE, closePayload, encodeClientFrame, FrameDecoder, FrameError, OPCODE, type ServerFrame } from "./ws-frames.ts";
import { checkUpgradeResponse, MAX_RESPONSE_HEAD_BYTES, upgradeRequest, webSocketKey } from "./ws-handshake.ts";

export interface TlsTransportOptions {
  /**
   * PEM certificates of CAs to trust besides the runtime's own list (a private CA: Caddy's
   * `tls internal` root, mkcert's). `NODE_EXTRA_CA_CERTS` does the same for a whole process.
   */
  ca?: string | string[];
  /** A message from the relay over this many bytes closes the connection (1009). Default 128 MiB. */
  maxMessageBytes?: number;
}

const DEFAULT_MAX_MESSAGE_BYTES = 128 * 1024 * 1024;

/**
 * The transport factory for wss:// URLs (anything else throws, as an unusable URL).
 *
 * @example
 * const client = new RelayClient({ signer, transport: tlsWebSocketTransport({ ca: readFileSync("caddy-root.crt", "utf8") }) });
 */
export function tlsWebSocketTransport(options: TlsTransportOptions = {}): TransportFactory {
  const extra = options.ca === undefined ? [] : Array.isArray(options.ca) ? options.ca : [options.ca];
  const ca = extra.length > 0 ? [...rootCertificates, ...extra] : undefined;
  const maxMessageBytes = options.maxMessageBytes ?? DEFAULT_MAX_MESSAGE_BYTES;
  return (url, handlers) => {
    const target = new URL(url);
    if (target.protocol !== "wss:") throw new Error(`this transport speaks wss:// only, not ${target.protocol}//`);
    return new TlsWebSocket(target, handlers, { ...(ca && { ca }), maxMessageBytes });
  };
}

type State = "connecting" | "open" | "closing" | "closed";

class TlsWebSocket implements Transport {
  readonly #handlers: TransportHandlers;
  readonly #socket: TLSSocket;
  readonly #key = webSocketKey(randomBytes(16));
  readonly #decoder: FrameDecoder;
  readonly #closed: Promise<void>;
  #resolveClosed!: () => void;
  #state: State = "connecting";
  #head: Buffer = Buffer.alloc(0);
  #certificate: Uint8Array | undefined;
  #trust: PeerTrust | undefined;
  #sentClose = false;
  #closeTimer: ReturnType<typeof setTimeout> | undefined;

  constructor(url: URL, handlers: TransportHandlers, options: { ca?: string[]; maxMessageBytes: number }) {
    this.#handlers = handlers;
    this.#decoder = new FrameDecoder({ maxMessageBytes: options.maxMessageBytes });
    this.#closed = new Promise((resolve) => (this.#resolveClosed = resolve));
    const host = url.hostname.replace(/^\[|\]$/g, "");
    // SNI carries names only; the identity check below uses the name or address as typed.
    const servername = isIP(host) ? undefined : host;
    this.#socket = connect({
      host,
      port: Number(url.port || 443),
      ...(servername && { servername }),
      ...(options.ca && { ca: options.ca }),
      rejectUnauthorized: false,
      ALPNProtocols: ["http/1.1"],
    });
    this.#socket.setNoDelay(true);
    this.#socket.once("secureConnect", () => this.#secured(url, host));
    this.#socket.on("data", (chunk: Buffer) => this.#data(chunk));
    this.#socket.on("error", (error) => this.#finish(CLOSE.abnormal, error.message));
    this.#socket.on("close", () => this.#finish(CLOSE.abnormal, this.#state === "connecting" ? "the connection closed before the WebSocket opened" : ""));
  }

  send(text: string): void {
    if (this.#state === "open") this.#write(OPCODE.text, new TextEncoder().encode(text));
  }

  close(code: number, reason: string): Promise<void> {
    if (this.#state === "closed") return Promise.resolve();
    if (this.#state === "connecting") {
      this.#socket.destroy();
      this.#finish(CLOSE.abnormal, "closed before the WebSocket opened");
      return Promise.resolve();
    }
    if (this.#state === "open") {
      this.#state = "closing";
      this.#sendClose(code, reason);
    }
    // A relay that never answers the close frame (a dead network) is given up on.
    this.#closeTimer ??= setTimeout(() => {
      this.#socket.destroy();
      this.#finish(CLOSE.abnormal, "the relay did not answer the close frame");
    }, CLOSE_WAIT_MS);
    return this.#closed;
  }

  peerCertificate(): Uint8Array | undefined {
    return this.#certificate;
  }

  peerTrust(): PeerTrust | undefined {
    return this.#trust;
  }

  #secured(url: URL, host: string): void {
    const peer = this.#socket.getPeerCertificate();
    if (!peer?.raw) {
      this.#socket.destroy();
      return this.#finish(CLOSE.abnormal, "the relay presented no certificate");
    }
    this.#certificate = new Uint8Array(peer.raw);
    this.#trust = trustOf(this.#socket, host, peer);
    this.#socket.write(upgradeRequest(url, this.#key));
  }

  #data(chunk: Buffer): void {
    if (this.#state === "closed") return;
    if (this.#state === "connecting") {
      this.#head = Buffer.concat([this.#head, chunk]);
      const end = this.#head.indexOf("\r\n\r\n");
      if (end < 0) {
        if (this.#head.length > MAX_RESPONSE_HEAD_BYTES) this.#abort("the relay's answer to the WebSocket upgrade has no end");
        return;
      }
      const verdict = checkUpgradeResponse(this.#head.subarray(0, end).toString("latin1"), this.#key);
      if (!verdict.ok) return this.#abort(verdict.problem);
      const rest = this.#head.subarray(end + 4);
      this.#head = Buffer.alloc(0);
      this.#state = "open";
      this.#handlers.open();
      if (rest.length === 0) return;
      chunk = rest;
    }
    let frames: ServerFrame[];
    try {
      frames = this.#decoder.push(chunk);
    } catch (error) {
      if (!(error instanceof FrameError)) throw error;
      if (!this.#sentClose) this.#sendClose(error.closeCode, "");
      this.#socket.destroy();
      return this.#finish(error.closeCode, error.message);
    }
    for (const frame of frames) {
      // A handler may have closed the transport while handling the previous frame.
      if (this.#isClosed()) return;
      this.#frame(frame);
    }
  }

  #frame(frame: ServerFrame): void {
    switch (frame.kind) {
      case "text":
        return this.#handlers.message(frame.text);
      case "binary":
        return this.#handlers.message(frame.data);
      case "ping":
        if (!this.#sentClose) this.#write(OPCODE.pong, frame.payload);
        return;
      case "pong":
        return;
      case "close":
        // Echo the relay's close (RFC 6455 §5.5.1), then leave the TCP close to it, briefly.
        if (!this.#sentClose) this.#sendClose(frame.code, "");
        this.#socket.end();
        setTimeout(() => this.#socket.destroy(), CLOSE_WAIT_MS).unref?.();
        return this.#finish(frame.code, frame.reason);
    }
  }

  #sendClose(code: number, reason: string): void {
    this.#sentClose = true;
    this.#write(OPCODE.close, closePayload(code, reason));
  }

  #write(opcode: number, payload: Uint8Array): void {
    if (this.#socket.writable) this.#socket.write(encodeClientFrame(opcode, payload, randomBytes(4)));
  }

  /** The upgrade failed: no WebSocket, so no close frame; the TCP connection is dropped. */
  #abort(problem: string): void {
    this.#socket.destroy();
    this.#finish(CLOSE.abnormal, problem);
  }

  #isClosed(): boolean {
    return this.#state === "closed";
  }

  #finish(code: number, reason: string): void {
    if (this.#state === "closed") return;
    this.#state = "closed";
    clearTimeout(this.#closeTimer);
    this.#handlers.close(code, reason);
    this.#resolveClosed();
  }
}

/** Valid for `host` under the trusted CAs (the runtime checks the chain; the name is checked here too). */
function trustOf(socket: TLSSocket, host: string, peer: PeerCertificate): PeerTrust {
  if (!socket.authorized) return { trusted: false, reason: String(socket.authorizationError ?? "not trusted") };
  const mismatch = checkServerIdentity(host, peer);
  return mismatch ? { trusted: false, reason: mismatch.message } : { trusted: true };
}
