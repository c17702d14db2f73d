/**
 * A wss:// transport that knows the certificate of its own connection. The global WebSocket of
 * Bun, Deno and browsers hides it, so this transport is the `ws` package (on Bun, its built-in
 * copy of it) over a TLS socket it opens itself with node:tls (`createConnection`): the relay's
 * certificate is read from that socket at `secureConnect`, before the WebSocket upgrade is even
 * sent, and it is the socket the WebSocket then runs on — so the certificate is the one of this
 * very connection, which is what the check before signing binds the challenge to.
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
import { isIP } from "node:net";
import { checkServerIdentity, connect, type PeerCertificate, rootCertificates, type TLSSocket } from "node:tls";
import WebSocket from "ws";
import { CLOSE_WAIT_MS, type PeerTrust, type Transport, type TransportFactory, type TransportHandlers } from "./transport.ts";

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

/** WebSocket close code for a connection lost without a closing handshake (RFC 6455 §7.1.5). */
const ABNORMAL = 1006;

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
    return openTlsWebSocket(target, handlers, { ...(ca && { ca }), maxMessageBytes });
  };
}

function openTlsWebSocket(url: URL, handlers: TransportHandlers, options: { ca?: string[]; maxMessageBytes: number }): Transport {
  let certificate: Uint8Array | undefined;
  let trust: PeerTrust | undefined;
  /** Why the connection ended, when we know better than the bare close event (an error, a refused upgrade). */
  let failure: { code: number; reason: string } | undefined;
  let finished = false;
  const host = url.hostname.replace(/^\[|\]$/g, "");
  const socket = new WebSocket(url, {
    maxPayload: options.maxMessageBytes,
    // No extension offered (as before: the relay's frames are small JSON, and less to go wrong).
    perMessageDeflate: false,
    headers: { "User-Agent": "claude-relay" },
    createConnection: () => {
      // SNI carries names only; the identity check uses the name or address as typed.
      const servername = isIP(host) ? undefined : host;
      const tls = connect({
        host,
        port: Number(url.port || 443),
        ...(servername && { servername }),
        ...(options.ca && { ca: options.ca }),
        rejectUnauthorized: false,
        ALPNProtocols: ["http/1.1"],
      });
      tls.setNoDelay(true);
      tls.once("secureConnect", () => {
        const peer = tls.getPeerCertificate();
        if (!peer?.raw) return tls.destroy(new Error("the relay presented no certificate"));
        certificate = new Uint8Array(peer.raw);
        trust = trustOf(tls, host, peer);
      });
      return tls;
    },
  });
  socket.binaryType = "arraybuffer";
  socket.on("open", () => handlers.open());
  socket.on("message", (data: ArrayBuffer, isBinary) => {
    // A handler may have closed the transport while handling the previous message of the same read.
    if (!finished) handlers.message(isBinary ? data : Buffer.from(data).toString("utf8"));
  });
  socket.on("unexpected-response", (_request, response) => {
    const status = [response.statusCode, response.statusMessage].filter(Boolean).join(" ");
    failure = { code: ABNORMAL, reason: `the relay answered HTTP ${status} instead of a WebSocket` };
    socket.terminate();
  });
  socket.on("error", (error) => {
    const code = protocolCloseCode(error);
    failure ??= code ? { code, reason: `the relay broke the WebSocket protocol (${error.message})` } : { code: ABNORMAL, reason: error.message };
  });
  const closed = new Promise<void>((resolve) =>
    socket.on("close", (code, reason) => {
      finished = true;
      // The relay's protocol violation (our close frame's code) first, then the relay's close frame, then why it dropped.
      const ending =
        failure && failure.code !== ABNORMAL ? failure : code !== ABNORMAL ? { code, reason: reason.toString("utf8") } : (failure ?? { code, reason: "" });
      handlers.close(ending.code, ending.reason);
      resolve();
    }),
  );

  return {
    send(text) {
      if (socket.readyState === WebSocket.OPEN) socket.send(text);
    },
    close(code, reason) {
      if (finished) return Promise.resolve();
      if (socket.readyState === WebSocket.CONNECTING) {
        failure ??= { code: ABNORMAL, reason: "closed before the WebSocket opened" };
        socket.terminate();
        return closed;
      }
      if (socket.readyState === WebSocket.OPEN) socket.close(code, fitCloseReason(reason));
      // A relay that never answers the close frame (a dead network) is given up on.
      const timer = setTimeout(() => {
        failure ??= { code: ABNORMAL, reason: "the relay did not answer the close frame" };
        socket.terminate();
      }, CLOSE_WAIT_MS);
      return closed.finally(() => clearTimeout(timer));
    },
    peerCertificate: () => certificate,
    peerTrust: () => trust,
  };
}

/** `reason` cut on a character boundary to the 123 bytes a close frame has room for (`ws` throws on a longer one). */
function fitCloseReason(reason: string): string {
  const characters = Array.from(reason);
  while (Buffer.byteLength(characters.join("")) > 123) characters.pop();
  return characters.join("");
}

/**
 * The close code `ws` sent for the relay's protocol violation (1002, 1007, 1009…): `ws` keeps it
 * on the error under a symbol it does not export; network and TLS errors have none.
 */
function protocolCloseCode(error: Error): number | undefined {
  const key = Object.getOwnPropertySymbols(error).find((symbol) => symbol.description === "status-code");
  const code = key && (error as unknown as Record<symbol, unknown>)[key];
  return typeof code === "number" ? code : undefined;
}

/** Valid for `host` under the trusted CAs (the runtime checks the chain; the name is checked here too). */
function trustOf(socket: TLSSocket, host: string, peer: PeerCertificate): PeerTrust {
  if (!socket.authorized) return { trusted: false, reason: String(socket.authorizationError ?? "not trusted") };
  const mismatch = checkServerIdentity(host, peer);
  return mismatch ? { trusted: false, reason: mismatch.message } : { trusted: true };
}
