/**
 * The client's side of the WebSocket opening handshake (RFC 6455 §4.1): the HTTP upgrade request
 * and the checks on the relay's answer. Pure (SHA-1 for the accept key aside), for the transport
 * that speaks WebSocket over its own TLS socket (tls-transport.ts).
 *
 * No `Origin` is sent: the relay lets clients without one in (only browsers send it), and no
 * extension or subprotocol is offered, so an answer that names one is refused.
 *
 * @example
 * ```ts
 * const key = webSocketKey(crypto.getRandomValues(new Uint8Array(16)));
 * socket.write(upgradeRequest(new URL("wss://laptop.local:7717/ws"), key));
 * // … read up to the blank line:
 * const verdict = checkUpgradeResponse(head, key); // { ok: true } or { ok: false, problem }
 * ```
 */
import { createHash } from "node:crypto";

/** The GUID every WebSocket server appends to the key (§1.3). */
const WEBSOCKET_GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";

/** An answer whose head is longer than this is not a WebSocket upgrade. */
export const MAX_RESPONSE_HEAD_BYTES = 16 * 1024;

export type UpgradeVerdict = { ok: true } | { ok: false; status?: number; problem: string };

/**
 * The `Sec-WebSocket-Key` for 16 random bytes.
 *
 * @example
 * webSocketKey(new Uint8Array(16)); // "AAAAAAAAAAAAAAAAAAAAAA=="
 */
export function webSocketKey(random: Uint8Array): string {
  return Buffer.from(random.subarray(0, 16)).toString("base64");
}

/**
 * The `Sec-WebSocket-Accept` a server must answer `key` with.
 *
 * @example
 * acceptFor("dGhlIHNhbXBsZSBub25jZQ=="); // "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=" (RFC 6455's example)
 */
export function acceptFor(key: string): string {
  return createHash("sha1")
    .update(key + WEBSOCKET_GUID)
    .digest("base64");
}

/**
 * The upgrade request for `url` (ws:// or wss://): path and query, `Host` as the URL names it.
 *
 * @example
 * upgradeRequest(new URL("wss://127.0.0.1:7717/ws"), key); // "GET /ws HTTP/1.1\r\nHost: 127.0.0.1:7717\r\n…\r\n\r\n"
 */
export function upgradeRequest(url: URL, key: string): string {
  return [
    `GET ${url.pathname || "/"}${url.search} HTTP/1.1`,
    `Host: ${url.host}`,
    "Upgrade: websocket",
    "Connection: Upgrade",
    `Sec-WebSocket-Key: ${key}`,
    "Sec-WebSocket-Version: 13",
    "User-Agent: claude-relay",
    "",
    "",
  ].join("\r\n");
}

/**
 * Whether the response head (status line and headers, without the blank line) completes the
 * upgrade asked for with `key`; if not, what is wrong, in words.
 *
 * @example
 * checkUpgradeResponse("HTTP/1.1 403 Forbidden\r\ncontent-length: 0", key);
 * // { ok: false, status: 403, problem: "the relay answered HTTP 403 Forbidden instead of a WebSocket" }
 */
export function checkUpgradeResponse(head: string, key: string): UpgradeVerdict {
  const [statusLine = "", ...lines] = head.split("\r\n");
  const status = /^HTTP\/1\.[01] (\d{3})(?: (.*))?$/.exec(statusLine);
  if (!status) return { ok: false, problem: `the relay did not answer in HTTP (${JSON.stringify(statusLine.slice(0, 60))})` };
  const code = Number(status[1]);
  if (code !== 101) return { ok: false, status: code, problem: `the relay answered HTTP ${code}${status[2] ? ` ${status[2]}` : ""} instead of a WebSocket` };
  const headers = new Map<string, string>();
  for (const line of lines) {
    const colon = line.indexOf(":");
    if (colon <= 0) return { ok: false, status: code, problem: `the relay's upgrade answer has a malformed header line ${JSON.stringify(line.slice(0, 60))}` };
    const name = line.slice(0, colon).trim().toLowerCase();
    const value = line.slice(colon + 1).trim();
    headers.set(name, headers.has(name) ? `${headers.get(name)}, ${value}` : value);
  }
  const problem =
    headers.get("upgrade")?.toLowerCase() !== "websocket"
      ? "its Upgrade header is not websocket"
      : !(headers.get("connection") ?? "")
            .toLowerCase()
            .split(/\s*,\s*/)
            .includes("upgrade")
        ? "its Connection header does not name upgrade"
        : headers.get("sec-websocket-accept") !== acceptFor(key)
          ? "its Sec-WebSocket-Accept does not answer our key"
          : headers.has("sec-websocket-extensions")
            ? `it names an extension we did not offer (${headers.get("sec-websocket-extensions")})`
            : headers.has("sec-websocket-protocol")
              ? `it names a subprotocol we did not offer (${headers.get("sec-websocket-protocol")})`
              : undefined;
  return problem ? { ok: false, status: code, problem: `the relay's WebSocket upgrade is invalid: ${problem}` } : { ok: true };
}
