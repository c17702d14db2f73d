/**
 * A man in the middle for tests: a WebSocket server on loopback — over TLS with its own
 * certificate, or plain ws:// — that opens a connection to the real relay for each client and
 * forwards every frame both ways, recording what the client sent. To the client it looks like the
 * relay (the relay's own challenge arrives), which is exactly the attack the challenge's `tls:`
 * line defeats: the client must refuse to sign.
 *
 * @example
 * ```ts
 * const mitm = await startMitmRelay({ url: relay.url, ca: relay.ca }, makeCertificate(dir, "mitm"));
 * // connect a client to mitm.url …
 * expect(mitm.fromClients.filter((frame) => frame.type === "auth.response")).toEqual([]);
 * await mitm.stop();
 * ```
 */

import { readFileSync } from "node:fs";
import type { ServerWebSocket } from "bun";
import type { TestCertificate } from "./tls.ts";

export interface MitmRelay {
  /** Where clients connect: wss:// with a certificate, ws:// without. */
  url: string;
  /** Every frame clients sent, parsed, in order. */
  readonly fromClients: Array<Record<string, unknown>>;
  /** Every frame the relay sent through it, parsed, in order. */
  readonly fromRelay: Array<Record<string, unknown>>;
  stop(): Promise<void>;
}

interface Link {
  upstream: WebSocket;
  /** Client frames that arrived before the upstream connection opened. */
  early: string[];
}

/**
 * Starts the forwarder in front of the relay at `target.url` (trusting `target.ca` for wss://).
 * `target.hold`: awaited before each relay frame is forwarded (frames keep their order), so a test
 * can act between the relay sending a frame and the client seeing it.
 */
export async function startMitmRelay(
  target: { url: string; ca?: string; hold?: (frame: Record<string, unknown>) => Promise<void> | void },
  certificate?: TestCertificate,
): Promise<MitmRelay> {
  const fromClients: Array<Record<string, unknown>> = [];
  const fromRelay: Array<Record<string, unknown>> = [];
  const server = Bun.serve<Link, never>({
    hostname: "127.0.0.1",
    port: 0,
    ...(certificate && { tls: { cert: certificate.cert, key: readFileSync(certificate.keyPath, "utf8") } }),
    fetch(request, server) {
      // Bun's WebSocket takes TLS options (an extension of the standard constructor).
      const upstream = new WebSocket(target.url, { ...(target.ca && { tls: { ca: target.ca } }) } as unknown as string[]);
      if (server.upgrade(request, { data: { upstream, early: [] } })) return undefined;
      upstream.close();
      return new Response("WebSocket only", { status: 400 });
    },
    websocket: {
      open(client: ServerWebSocket<Link>) {
        const { upstream } = client.data;
        upstream.addEventListener("open", () => {
          for (const text of client.data.early.splice(0)) upstream.send(text);
        });
        // One chain per link: a held frame holds back the ones after it, and the close.
        let forwarded = Promise.resolve();
        const forward = (step: () => Promise<void> | void) => (forwarded = forwarded.then(step));
        upstream.addEventListener("message", (event) => {
          const frame = JSON.parse(String(event.data)) as Record<string, unknown>;
          fromRelay.push(frame);
          forward(async () => {
            await target.hold?.(frame);
            client.send(String(event.data));
          });
        });
        upstream.addEventListener("close", (event) =>
          forward(() => client.close(event.code === 1005 || event.code === 1006 ? 1000 : event.code, event.reason)),
        );
      },
      message(client: ServerWebSocket<Link>, message) {
        const text = String(message);
        fromClients.push(JSON.parse(text));
        const { upstream, early } = client.data;
        if (upstream.readyState === WebSocket.OPEN) upstream.send(text);
        else early.push(text);
      },
      close(client: ServerWebSocket<Link>) {
        client.data.upstream.close();
      },
    },
  });
  return {
    url: `${certificate ? "wss" : "ws"}://127.0.0.1:${server.port}/ws`,
    fromClients,
    fromRelay,
    stop: async () => void (await server.stop(true)),
  };
}
