/**
 * Pairing this device through a `claude-relay pair` link (`/#pair=<code>`): on a connection of its
 * own (the client library's transport), the page answers the relay's challenge with `pair.request` (the code, its public key and a
 * name) instead of a signature, waits while the person at the computer confirms, and gets
 * `pair.ok`; then it closes, and the ordinary login follows on a new connection (the relay reads
 * authorized_keys again at every login). Refusals come back as {@link PairingError}, in words.
 *
 * @example
 * ```ts
 * const link = pairLink(location.hash);   // { code: "q3Vt0e6x…", name: "phone" } or undefined
 * const { fingerprint } = await requestPairing({ url: relayUrl(location), code: link.code, publicKey: "ssh-ed25519 AAAA…", name: "phone" });
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

/** What a pairing link's fragment carries: the one-time code, and the name `pair --name` gave. */
export interface PairLink {
  code: string;
  name?: string;
}

/**
 * A pairing link's fragment: `#pair=<code>`, optionally followed by `&name=<name>` (URL-encoded;
 * untrusted, only offered in the name field: control characters dropped, at most 64 characters).
 * Anything else is no link.
 */
export function pairLink(hash: string): PairLink | undefined {
  const match = /^#pair=([A-Za-z0-9_-]{1,256})(?:&name=([^&#]{1,512}))?$/.exec(hash);
  if (!match) return undefined;
  const name = match[2] === undefined ? undefined : linkName(match[2]);
  return { code: match[1]!, ...(name && { name }) };
}

function linkName(encoded: string): string | undefined {
  let name: string;
  try {
    name = decodeURIComponent(encoded);
  } catch {
    return undefined; // not valid percent-encoding: the platform's guess instead
  }
  return (
    name
      .replace(/[\u0000-\u001f\u007f]/g, "")
      .trim()
      .slice(0, 64) || undefined
  );
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
  /** Called once the request is sent: the relay's computer is asked now. */
  onWaiting?: () => void;
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
          request.onWaiting?.();
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
