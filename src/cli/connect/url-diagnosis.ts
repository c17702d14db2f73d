/**
 * What is wrong with a relay URL that led to no WebSocket at all, when something does answer at
 * its address: the relay speaks TLS and the URL says ws:// (or the other way round), or the path is
 * not the WebSocket endpoint (`/ws`). Asked only after `connect` failed without a WebSocket (close
 * 1006), so the message can say what to type instead of "is the relay running and the URL right?".
 *
 * It probes the address itself, the way a browser would see it: one plain HTTP `GET` of the path,
 * over TLS for wss:// (certificate not checked: nothing is sent but that request, and only a status
 * code is read), and the same without (or with) TLS when the first answer was not HTTP. The relay
 * answers `GET /ws` without an upgrade with 426, an unknown path with 404.
 *
 * @example
 * ```ts
 * await diagnoseRelayUrl("ws://127.0.0.1:7717/ws");    // "the relay speaks TLS: use wss://127.0.0.1:7717/ws" (a --tls relay)
 * await diagnoseRelayUrl("ws://127.0.0.1:7717/wrong"); // "no WebSocket endpoint at /wrong (HTTP 404; the endpoint is /ws): use ws://127.0.0.1:7717/ws"
 * await diagnoseRelayUrl("ws://127.0.0.1:1/ws");       // undefined: nothing answers there
 * ```
 */
import { connect as connectTcp, type Socket } from "node:net";
import { connect as connectTls } from "node:tls";

/** What one probe found: an HTTP status, an answer that is not HTTP (the other protocol), or nothing. */
type Answer = { status: number } | "not-http" | "no-answer";

/** Errors meaning nothing answers at the address (as opposed to a handshake in the other protocol failing). */
const NOBODY_THERE = new Set(["ECONNREFUSED", "ENOTFOUND", "EAI_AGAIN", "EHOSTUNREACH", "ENETUNREACH", "ETIMEDOUT"]);

/** The relay's WebSocket endpoint. */
const ENDPOINT = "/ws";

/**
 * The sentence saying what is wrong with `url` and the URL to use instead, or undefined when
 * nothing answers there or the URL looks right (the failure lies elsewhere).
 *
 * @example
 * const why = await diagnoseRelayUrl(url);
 * console.error(`cannot connect to ${url}: ${why ?? "is the relay running?"}`);
 */
export async function diagnoseRelayUrl(url: string, timeoutMs = 3000): Promise<string | undefined> {
  const target = new URL(url);
  const givenSecure = target.protocol === "wss:";
  let secure = givenSecure;
  let answer = await probe(target, secure, timeoutMs);
  if (answer === "not-http") {
    secure = !givenSecure;
    answer = await probe(target, secure, timeoutMs);
  }
  if (typeof answer === "string") return undefined;
  const protocol = secure === givenSecure ? undefined : secure ? "the relay speaks TLS" : "the relay does not speak TLS";
  // 426 Upgrade Required: a WebSocket endpoint asked for without an upgrade. A page or a 404 is none.
  const wrongPath = answer.status === 404 || (answer.status >= 200 && answer.status < 300);
  const path = wrongPath ? `no WebSocket endpoint at ${target.pathname} (HTTP ${answer.status}; the endpoint is ${ENDPOINT})` : undefined;
  if (protocol === undefined && path === undefined) return undefined;
  const why = protocol !== undefined && path !== undefined ? `${protocol} and has ${path}` : (protocol ?? path);
  const fixed = new URL(target);
  fixed.protocol = secure ? "wss:" : "ws:";
  if (wrongPath) fixed.pathname = ENDPOINT;
  return `${why}: use ${fixed}`;
}

/** Sends `GET <path>` to the URL's address (over TLS when `secure`) and reads the status line. */
function probe(target: URL, secure: boolean, timeoutMs: number): Promise<Answer> {
  const host = target.hostname.replace(/^\[(.*)\]$/, "$1");
  const port = Number(target.port) || (target.protocol === "wss:" ? 443 : 80);
  return new Promise((resolve) => {
    let received = "";
    let settled = false;
    const finish = (answer: Answer) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      socket.destroy();
      resolve(answer);
    };
    const request = () =>
      socket.write(`GET ${target.pathname}${target.search} HTTP/1.1\r\nHost: ${target.host}\r\nUser-Agent: claude-relay\r\nConnection: close\r\n\r\n`);
    const socket: Socket = secure
      ? connectTls({ host, port, rejectUnauthorized: false, ...(/^[\d.:]+$/.test(host) ? {} : { servername: host }) }, request)
      : connectTcp({ host, port }, request);
    // Answered at all: the TCP connection was made (for TLS before its handshake, which may then fail).
    let answered = false;
    socket.once("connect", () => (answered = true));
    const timer = setTimeout(() => finish(answered ? "not-http" : "no-answer"), timeoutMs);
    socket.setEncoding("latin1");
    socket.on("data", (chunk: string) => {
      received += chunk;
      if (received.length < 9) return;
      const status = /^HTTP\/1\.[01] (\d{3})/.exec(received);
      finish(status ? { status: Number(status[1]) } : "not-http");
    });
    // A TLS handshake with a plain HTTP server, or HTTP to a TLS server, fails once connected: the other protocol.
    socket.on("error", (error: NodeJS.ErrnoException) => finish(NOBODY_THERE.has(error.code ?? "") ? "no-answer" : "not-http"));
    socket.on("close", () => finish(answered ? "not-http" : "no-answer"));
  });
}
