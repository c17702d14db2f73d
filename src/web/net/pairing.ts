/**
 * Pairing this device through a `claude-relay pair` link (`/#pair=<code>`): on a connection of its
 * own (the client library's transport), the page answers the relay's challenge with `pair.request` (the code, its public key and a
 * name) instead of a signature, waits while the person at the computer confirms, and gets
 * `pair.ok`; then it closes, and the ordinary login follows on a new connection (the relay reads
 * authorized_keys again at every login). Refusals come back as {@link PairingError}, in words.
 *
 * @example
 * ```ts
 * const code = pairCode(location.hash);   // "q3Vt0e6x…" or undefined
 * const { fingerprint } = await requestPairing({ url: relayUrl(location), code, publicKey: "ssh-ed25519 AAAA…", name: "phone" });
 * ```
 */
import { decodeServerFrame } from "../../client/messages.ts";
import { type TransportFactory, webSocketTransport } from "../../client/transport.ts";

/** Why pairing did not happen; `code` is the relay's error code (`pair_failed`, `rate_limited` …) or `closed`. */
export class PairingError extends Error {
  override readonly name = "PairingError";
  readonly code: string;

  constructor(code: string, message: string) {
    super(message);
    this.code = code;
  }
}

/** The code of a pairing link's fragment (`#pair=<code>`), or undefined. */
export function pairCode(hash: string): string | undefined {
  const match = /^#pair=([A-Za-z0-9_-]{1,256})$/.exec(hash);
  return match?.[1];
}

/** What to tell the device when pairing failed: the relay's reason, in a sentence. */
export function pairingFailureWords(error: PairingError): string {
  switch (error.code) {
    case "pair_failed":
      return `Pairing failed: ${error.message}.`;
    case "rate_limited":
      return `The relay refuses this address for a while after too many failed attempts (${error.message}): wait a minute before trying again.`;
    default:
      return `Pairing did not finish: ${error.message}.`;
  }
}

export interface PairingRequest {
  url: string;
  code: string;
  /** The key as in authorized_keys: `<type> <base64>`. */
  publicKey: string;
  name?: string;
  /** How to reach the relay: the client's transport (the browser's WebSocket) by default. */
  transport?: TransportFactory;
}

/** Sends `pair.request` and resolves on `pair.ok`; rejects with a {@link PairingError}. */
export function requestPairing(request: PairingRequest): Promise<{ fingerprint: string }> {
  return new Promise((resolve, reject) => {
    let refusal: PairingError | undefined;
    let paired = false;
    const transport = (request.transport ?? webSocketTransport)(request.url, {
      open: () => {},
      message: (data) => {
        const decoded = decodeServerFrame(data);
        if (decoded.kind !== "message") return;
        const message = decoded.message;
        if (message.type === "auth.challenge" && !paired) {
          const name = request.name?.trim();
          transport.send(JSON.stringify({ type: "pair.request", code: request.code, publicKey: request.publicKey, ...(name && { name }) }));
        } else if (message.type === "pair.ok") {
          paired = true;
          resolve({ fingerprint: message.fingerprint });
          void transport.close(1000, "paired");
        } else if (message.type === "error") {
          refusal = new PairingError(message.code, message.message);
        }
      },
      close: (code, reason) => {
        if (paired) return;
        const words = code === 1006 ? "no connection to the relay" : `the relay closed the connection (${code}${reason ? `: ${reason}` : ""})`;
        reject(refusal ?? new PairingError("closed", words));
      },
    });
  });
}
