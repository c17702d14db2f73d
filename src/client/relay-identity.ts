/**
 * Whether a relay has proved who it is, decided before the key signs its challenge (pure). Two
 * questions, in this order:
 *
 * 1. **Is the challenge for this connection?** (channel binding) A relay serving TLS names its
 *    certificate in the challenge (`tls: SHA256:…`). Over wss:// that must be the certificate of
 *    this very connection: a different one means another server is passing the relay's challenge
 *    on — a man in the middle who wants our signature to log in as us. A wss:// challenge with no
 *    `tls:` line is accepted only from a certificate the system trusts (a relay behind a proxy
 *    that terminates TLS, such as `tailscale serve` or Caddy, cannot name the proxy's certificate;
 *    a relay serving TLS itself always names its own). Over plain ws:// a `tls:` line is refused:
 *    the challenge was made for a TLS connection and passed on to this plaintext one.
 * 2. **Is the certificate the relay's?** By the policy: a pinned fingerprint must match; with
 *    known relays, a certificate the system trusts is accepted as usual (a renewed one must not
 *    warn), any other is pinned on first use and must match afterwards; with neither, only a
 *    trusted certificate is accepted.
 *
 * The first question comes first, so a relayed challenge is never pinned on first use.
 *
 * @example
 * ```ts
 * const verdict = verifyRelayIdentity(
 *   { url: "wss://192.168.1.20:7717/ws", challenge: text, certificate: { fingerprint, trust: { trusted: false, reason: "self-signed" } } },
 *   { kind: "known-relays", file, entries },
 * );
 * if (!verdict.ok) throw verdict.error;        // nothing is signed
 * if (verdict.pin) appendPin(verdict.pin);      // first use: remember the certificate
 * ```
 */
import { FINGERPRINT, type KnownRelay, lookupPin, relayAddress } from "./known-relays.ts";
import type { PeerTrust } from "./transport.ts";

/** Which certificates are the relay's. */
export type CertificatePolicy =
  /** Exactly this certificate (self-signed or not); `source` names where the pin came from, for messages (e.g. "--fingerprint"). */
  | { kind: "pinned"; fingerprint: string; source: string }
  /** A trusted certificate, or the one pinned in `file` for the address (first use pins it). */
  | { kind: "known-relays"; file: string; entries: readonly KnownRelay[] }
  /** Only a certificate valid under the trusted CAs. */
  | { kind: "trusted-only" };

/** What the client knows about the connection a challenge came on. */
export interface ChallengeFacts {
  url: string;
  /** The challenge text, exactly as received. */
  challenge: string;
  /** The certificate of this connection (wss:// through a transport that sees it). */
  certificate?: { fingerprint: string; trust: PeerTrust };
}

export type IdentityVerdict = { ok: true; pin?: { address: string; fingerprint: string } } | { ok: false; error: RelayIdentityError };

export type RelayIdentityProblem =
  /** wss://: the challenge's `tls:` line names another certificate than this connection's. */
  | "relayed_challenge"
  /** wss://: no `tls:` line, and a certificate the system does not trust. */
  | "no_tls_line"
  /** ws://: the challenge has a `tls:` line. */
  | "tls_line_on_plaintext"
  /** The challenge has more than one `tls:` line. */
  | "ambiguous_tls_line"
  /** A certificate is pinned but the URL is plain ws://. */
  | "not_tls"
  /** wss://, but the transport did not report the certificate. */
  | "no_certificate"
  /** The certificate is not the pinned fingerprint. */
  | "pin_mismatch"
  /** The certificate is not the one the known-relays file pins for the address. */
  | "certificate_changed"
  /** Neither trusted nor pinned (policy trusted-only). */
  | "untrusted_certificate";

/** Why the client refused to sign: the problem, and what it saw. The message says what to do. */
export class RelayIdentityError extends Error {
  override readonly name = "RelayIdentityError";
  constructor(
    readonly problem: RelayIdentityProblem,
    message: string,
    readonly details: { address: string; fingerprint?: string; expected?: string; file?: string; lines?: number[] },
  ) {
    super(message);
  }
}

/**
 * The verdict on one challenge: refused (nothing may be signed), or accepted — with the pin to
 * record when a known-relays policy met an untrusted certificate for the first time.
 *
 * @example
 * verifyRelayIdentity({ url: "ws://127.0.0.1:7717/ws", challenge }, { kind: "trusted-only" }); // { ok: true }
 */
export function verifyRelayIdentity(facts: ChallengeFacts, policy: CertificatePolicy): IdentityVerdict {
  const address = relayAddress(facts.url);
  const refuse = (problem: RelayIdentityProblem, message: string, details: Omit<RelayIdentityError["details"], "address"> = {}): IdentityVerdict => ({
    ok: false,
    error: new RelayIdentityError(problem, message, { address, ...details }),
  });
  const tlsLines = facts.challenge.split("\n").filter((line) => line.startsWith("tls:"));
  if (tlsLines.length > 1) return refuse("ambiguous_tls_line", `the relay at ${address} sent a challenge with ${tlsLines.length} tls: lines`);
  const named = tlsLines[0]?.slice("tls:".length).trim();

  if (new URL(facts.url).protocol !== "wss:") {
    if (named !== undefined) {
      return refuse(
        "tls_line_on_plaintext",
        `the challenge from ${address} names a TLS certificate (${named}) but this connection is plain ws://: it was made for a TLS connection ` +
          `and passed on to this one (a man in the middle?). Connect with wss:// to the relay itself`,
        { expected: named },
      );
    }
    if (policy.kind === "pinned") {
      return refuse("not_tls", `${policy.source} pins a TLS certificate, but ${facts.url} is plain ws://, which has none: use wss://`, {
        expected: policy.fingerprint,
      });
    }
    return { ok: true };
  }

  const certificate = facts.certificate;
  if (!certificate) {
    return refuse("no_certificate", `cannot check the certificate of ${address}: the transport does not report it (use tlsWebSocketTransport for wss://)`);
  }
  const { fingerprint, trust } = certificate;
  if (named === undefined && !trust.trusted) {
    return refuse(
      "no_tls_line",
      `the relay at ${address} names no certificate in its challenge (no tls: line), and its certificate ${fingerprint} is not one this system trusts (${trust.reason}). ` +
        `A relay serving TLS itself (serve --tls, --tls-cert) always names its certificate; a proxy in front of a relay needs a certificate this system trusts`,
      { fingerprint },
    );
  }
  if (named !== undefined && named !== fingerprint) {
    return refuse(
      "relayed_challenge",
      `the challenge was made for another TLS connection: it names the certificate ${named}, but the certificate of this connection to ${address} is ${fingerprint}. ` +
        `Another server is passing the relay's challenge on (a man in the middle); do not use this network or address until you know why`,
      { fingerprint, expected: named },
    );
  }

  switch (policy.kind) {
    case "pinned":
      return fingerprint === policy.fingerprint
        ? { ok: true }
        : refuse("pin_mismatch", changedWarning({ address, fingerprint, pinned: policy.fingerprint, where: `given with ${policy.source}` }), {
            fingerprint,
            expected: policy.fingerprint,
          });
    case "trusted-only":
      return trust.trusted
        ? { ok: true }
        : refuse(
            "untrusted_certificate",
            `the certificate of ${address} (${fingerprint}) is not one this system trusts (${trust.reason}): a self-signed relay certificate is accepted only when pinned ` +
              `(a fingerprint, or a known-relays file)`,
            { fingerprint },
          );
    case "known-relays": {
      if (trust.trusted) return { ok: true };
      const found = lookupPin(policy.entries, address, fingerprint);
      if (found.kind === "match") return { ok: true };
      if (found.kind === "unknown") return { ok: true, pin: { address, fingerprint } };
      const lines = found.entries.map((entry) => entry.line);
      return refuse(
        "certificate_changed",
        changedWarning({
          address,
          fingerprint,
          pinned: found.entries[0]!.fingerprint,
          where: `in ${policy.file}:${lines.join(",")}`,
          remove: { file: policy.file, lines },
        }),
        { fingerprint, expected: found.entries[0]!.fingerprint, file: policy.file, lines },
      );
    }
  }
}

/**
 * A fingerprint as a user may paste it: `SHA256:<base64>` (as the relay, ssh and the `tls:` line
 * print it) or the colon-separated hex a browser's certificate viewer shows. Undefined if neither.
 *
 * @example
 * parseFingerprint("A8:BD:E9:…");      // "SHA256:qL3p…"
 * parseFingerprint("SHA256:qL3p…=");   // "SHA256:qL3p…" (padding dropped)
 */
export function parseFingerprint(text: string): string | undefined {
  const trimmed = text.trim();
  if (/^sha256:/i.test(trimmed)) {
    const candidate = `SHA256:${trimmed.slice("sha256:".length).replace(/=+$/, "")}`;
    return FINGERPRINT.test(candidate) ? candidate : undefined;
  }
  const hex = trimmed.replace(/:/g, "");
  if (!/^[0-9a-fA-F]{64}$/.test(hex) || (trimmed.includes(":") && !/^([0-9a-fA-F]{2}:){31}[0-9a-fA-F]{2}$/.test(trimmed))) return undefined;
  return `SHA256:${Buffer.from(hex, "hex").toString("base64").replace(/=+$/, "")}`;
}

/** ssh's "REMOTE HOST IDENTIFICATION HAS CHANGED" warning, for a relay's certificate. */
function changedWarning(seen: { address: string; fingerprint: string; pinned: string; where: string; remove?: { file: string; lines: number[] } }): string {
  const bar = "@".repeat(59);
  const lines = [
    `the certificate of ${seen.address} is not the one pinned for it`,
    bar,
    "@    WARNING: RELAY IDENTIFICATION HAS CHANGED!           @",
    bar,
    "IT IS POSSIBLE THAT SOMEONE IS DOING SOMETHING NASTY!",
    "Someone could be eavesdropping on you right now (man-in-the-middle attack)!",
    "It is also possible that the relay's certificate has just been changed.",
    `The certificate ${seen.address} sent has the fingerprint`,
    `    ${seen.fingerprint}`,
    `The certificate pinned for it (${seen.where}) is`,
    `    ${seen.pinned}`,
    `Compare ${seen.fingerprint} with the fingerprint the relay printed when it started ("TLS certificate SHA256:…").`,
  ];
  if (seen.remove) {
    const { file, lines: numbers } = seen.remove;
    lines.push(
      `Only if they are the same (the relay made a new certificate: a new state dir, a new address), remove the old pin — ` +
        `line ${numbers.join(", ")} of ${file} — and connect again (the new certificate is then pinned):`,
      `    sed -i.bak '${numbers.map((line) => `${line}d`).join(";")}' ${shellQuote(file)}`,
    );
  } else {
    lines.push(`Only if they are the same (the relay made a new certificate), pin the new one instead: ${seen.fingerprint}`);
  }
  lines.push("Nothing was signed; the connection was refused.");
  return lines.join("\n");
}

function shellQuote(text: string): string {
  return /^[\w./-]+$/.test(text) ? text : `'${text.replaceAll("'", `'\\''`)}'`;
}
