/**
 * TLS for the client, in one option: `new RelayClient({ signer, tls: relayTls(…) })`. wss://
 * goes through a transport that sees the certificate of its own connection
 * (tls-transport.ts; ws:// stays on the global WebSocket), and every challenge is checked before
 * signing (relay-identity.ts): bound to this connection's certificate, and that certificate
 * accepted by the policy —
 *
 * - `relayTls({ fingerprint: "SHA256:…" })`: exactly this certificate (the relay prints its
 *   fingerprint at start-up); no file is read or written;
 * - `relayTls({ knownRelays: file, onPinned })`: like ssh's known_hosts — a certificate the system
 *   trusts is accepted as usual; any other is pinned on first use (`onPinned` hears of it) and
 *   refused when it changes (a `RelayIdentityError`, problem `certificate_changed`, with the
 *   warning text; the file is never rewritten);
 * - `relayTls()`: only certificates the system trusts (as a browser would, plus the binding).
 *
 * A refusal ends the client with `challenge_refused` (never retried); the `RelayIdentityError`
 * is the error's `cause`. Node.js, Bun and Deno only (node:tls): browsers cannot see certificates.
 *
 * @example
 * ```ts
 * import { RelayClient, openSigner, relayTls, defaultKnownRelaysPath } from "./src/client/index.ts";
 * const client = new RelayClient({
 *   signer: await openSigner({ identity: `${process.env.HOME}/.ssh/id_ed25519` }),
 *   tls: relayTls({
 *     knownRelays: defaultKnownRelaysPath(process.env, process.env.HOME!),
 *     onPinned: ({ address, fingerprint }) => console.error(`pinned ${address} ${fingerprint}`),
 *   }),
 * });
 * await client.connect("wss://192.168.1.20:7717/ws");
 * ```
 */
import { certificateFingerprint } from "../tls/fingerprint.ts";
import type { ChallengeCheck } from "./connection.ts";
import { appendKnownRelay, readKnownRelays } from "./known-relays-file.ts";
import { type CertificatePolicy, parseFingerprint, verifyRelayIdentity } from "./relay-identity.ts";
import { type TlsTransportOptions, tlsWebSocketTransport } from "./tls-transport.ts";
import { type TransportFactory, webSocketTransport } from "./transport.ts";

/** A certificate pinned on first use. */
export interface PinnedRelay {
  address: string;
  fingerprint: string;
  file: string;
  /** Its line in `file`. */
  line: number;
}

export type RelayTlsOptions = TlsTransportOptions &
  (
    | {
        /** The relay's certificate fingerprint (`SHA256:…`, or the hex a browser shows). */
        fingerprint: string;
        /** How messages name the pin, e.g. "--fingerprint". Default "the pinned fingerprint". */
        fingerprintSource?: string;
      }
    | {
        /** The known-relays file (see `defaultKnownRelaysPath`); created when the first pin is added. */
        knownRelays: string;
        /** Told of each certificate pinned on first use: a program should tell its user. */
        onPinned?: (pin: PinnedRelay) => void;
      }
    | Record<never, never>
  );

/** What `RelayClient`'s `tls` option takes: the transport and the check before signing. */
export interface RelayTls {
  transport: TransportFactory;
  checkChallenge: ChallengeCheck;
}

/**
 * The transport and check for a certificate policy. Throws TypeError for a fingerprint that is
 * not one.
 *
 * @example
 * const client = new RelayClient({ signer, tls: relayTls({ fingerprint: "SHA256:qL3p9T0n…" }) });
 */
export function relayTls(options: RelayTlsOptions = {}): RelayTls {
  const policy = policyOf(options);
  const secure = tlsWebSocketTransport(options);
  return {
    transport: (url, handlers) => (isWss(url) ? secure : webSocketTransport)(url, handlers),
    checkChallenge: (challenge, peer) => {
      // Read at each challenge: another process may have pinned the relay meanwhile. ws:// has nothing to look up.
      const current: CertificatePolicy =
        policy.kind === "known-relays" && isWss(peer.url)
          ? { ...policy, entries: fileStep("read the known relays in", policy.file, () => readKnownRelays(policy.file)) }
          : policy;
      const verdict = verifyRelayIdentity(
        {
          url: peer.url,
          challenge: challenge.challenge,
          ...(peer.certificate && {
            certificate: {
              fingerprint: certificateFingerprint(peer.certificate),
              trust: peer.trust ?? { trusted: false, reason: "the transport cannot tell" },
            },
          }),
        },
        current,
      );
      if (!verdict.ok) throw verdict.error;
      if (verdict.pin && current.kind === "known-relays" && "knownRelays" in options) {
        const pin = verdict.pin;
        const line = fileStep(`pin the certificate of ${pin.address} in`, current.file, () => appendKnownRelay(current.file, pin.address, pin.fingerprint));
        options.onPinned?.({ ...pin, file: current.file, line });
      }
    },
  };
}

/** A wss:// URL (any case); an unusable URL is the transport's to report. */
function isWss(url: string): boolean {
  return URL.canParse(url) && new URL(url).protocol === "wss:";
}

/** Runs a step on the known-relays file; its failure refuses the challenge, saying which file and why. */
function fileStep<T>(what: string, file: string, step: () => T): T {
  try {
    return step();
  } catch (error) {
    throw new Error(`cannot ${what} ${file}: ${(error as Error).message}`);
  }
}

function policyOf(options: RelayTlsOptions): CertificatePolicy {
  if ("fingerprint" in options) {
    const fingerprint = parseFingerprint(options.fingerprint);
    if (!fingerprint) throw new TypeError(`not a certificate fingerprint: ${JSON.stringify(options.fingerprint)} (expected SHA256:<base64>, or 32 hex bytes)`);
    return { kind: "pinned", fingerprint, source: options.fingerprintSource ?? "the pinned fingerprint" };
  }
  if ("knownRelays" in options) return { kind: "known-relays", file: options.knownRelays, entries: [] };
  return { kind: "trusted-only" };
}
