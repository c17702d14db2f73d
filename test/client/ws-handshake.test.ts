/**
 * The WebSocket opening handshake from the client's side: the request it writes, and which
 * answers complete the upgrade (RFC 6455 §4.1) — anything else is refused, in words.
 */
import { describe, expect, test } from "bun:test";
import { acceptFor, checkUpgradeResponse, upgradeRequest, webSocketKey } from "../../src/client/ws-handshake.ts";

const KEY = "dGhlIHNhbXBsZSBub25jZQ==";
const ACCEPT = "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=";
const answer = (...headers: string[]) => ["HTTP/1.1 101 Switching Protocols", ...headers].join("\r\n");
const good = ["Upgrade: websocket", "Connection: Upgrade", `Sec-WebSocket-Accept: ${ACCEPT}`];

describe("the request", () => {
  test("the key is 16 bytes in base64; the accept key is RFC 6455's example", () => {
    expect(webSocketKey(new Uint8Array(16).fill(1))).toBe("AQEBAQEBAQEBAQEBAQEBAQ==");
    expect(acceptFor(KEY)).toBe(ACCEPT);
  });

  test("GET the path and query with Host as the URL names it, no Origin, no extension offered", () => {
    expect(upgradeRequest(new URL("wss://Relay.Example:7717/ws?x=1"), KEY)).toBe(
      "GET /ws?x=1 HTTP/1.1\r\nHost: relay.example:7717\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n" +
        `Sec-WebSocket-Key: ${KEY}\r\nSec-WebSocket-Version: 13\r\nUser-Agent: claude-relay\r\n\r\n`,
    );
    expect(upgradeRequest(new URL("wss://[::1]/ws"), KEY)).toStartWith("GET /ws HTTP/1.1\r\nHost: [::1]\r\n");
  });
});

describe("the answer", () => {
  test("101 with the upgrade headers (any case, Connection as a list) and the right accept key completes it", () => {
    expect(checkUpgradeResponse(answer(...good), KEY)).toEqual({ ok: true });
    expect(checkUpgradeResponse(answer("upgrade: WebSocket", "connection: keep-alive, Upgrade", `sec-websocket-accept: ${ACCEPT}`), KEY)).toEqual({ ok: true });
  });

  test("anything else is refused, saying what was wrong", () => {
    const cases: Array<[string, string]> = [
      ["HTTP/1.1 403 Forbidden\r\ncontent-length: 0", "the relay answered HTTP 403 Forbidden instead of a WebSocket"],
      ["HTTP/1.1 426", "the relay answered HTTP 426 instead of a WebSocket"],
      ["SSH-2.0-OpenSSH_9.6", 'the relay did not answer in HTTP ("SSH-2.0-OpenSSH_9.6")'],
      [answer("Connection: Upgrade", `Sec-WebSocket-Accept: ${ACCEPT}`), "its Upgrade header is not websocket"],
      [answer("Upgrade: websocket", `Sec-WebSocket-Accept: ${ACCEPT}`), "its Connection header does not name upgrade"],
      [answer("Upgrade: websocket", "Connection: Upgrade", "Sec-WebSocket-Accept: wrong="), "its Sec-WebSocket-Accept does not answer our key"],
      [answer(...good, "Sec-WebSocket-Extensions: permessage-deflate"), "it names an extension we did not offer (permessage-deflate)"],
      [answer(...good, "Sec-WebSocket-Protocol: chat"), "it names a subprotocol we did not offer (chat)"],
      [answer(...good, "no colon here"), 'malformed header line "no colon here"'],
    ];
    for (const [head, words] of cases) {
      const verdict = checkUpgradeResponse(head, KEY);
      expect(verdict.ok).toBe(false);
      expect(verdict.ok ? "" : verdict.problem).toContain(words);
    }
  });
});
