/**
 * Which relay certificates `claude-relay connect` accepts, as ssh does with host keys:
 *
 * - `--fingerprint SHA256:…`: that certificate only; the known-relays file is neither read nor
 *   written;
 * - otherwise a certificate the system trusts (a relay behind Tailscale or Caddy) is accepted as
 *   usual and not pinned (its renewal must not warn); any other (`serve --tls`'s self-signed one)
 *   is pinned on first use in `$XDG_CONFIG_HOME/claude-relay/known_relays` without asking, like
 *   `ssh -o StrictHostKeyChecking=accept-new` — a note on stderr shows the fingerprint to compare
 *   with the relay's — and a different one later is refused with ssh's warning (exit 5).
 *
 * Nothing is asked: a question would outlast the relay's auth timeout (10 s), and one-shot runs
 * have no one to ask.
 *
 * @example
 * ```ts
 * const client = new RelayClient({ signer, tls: connectTls(options, { env: process.env, home: homedir() }, (line) => console.error(line)) });
 * ```
 */
import { defaultKnownRelaysPath } from "../../client/known-relays-file.ts";
import { type PinnedRelay, type RelayTls, relayTls } from "../../client/relay-tls.ts";

/**
 * The client's TLS option for `--fingerprint`, or for the known-relays file; `note` gets the line
 * saying a certificate was pinned on first use.
 *
 * @example
 * connectTls({ fingerprint: "SHA256:…" }, io, note); // only that certificate
 */
export function connectTls(
  options: { fingerprint?: string },
  io: { env: Record<string, string | undefined>; home: string },
  note: (line: string) => void,
): RelayTls {
  if (options.fingerprint !== undefined) return relayTls({ fingerprint: options.fingerprint, fingerprintSource: "--fingerprint" });
  return relayTls({ knownRelays: defaultKnownRelaysPath(io.env, io.home), onPinned: (pin) => note(pinnedNote(pin)) });
}

/**
 * What `connect` says when it pins a certificate on first use.
 *
 * @example
 * pinnedNote({ address: "192.168.1.20:7717", fingerprint: "SHA256:qL3p…", file: "/home/me/.config/claude-relay/known_relays", line: 2 });
 */
export function pinnedNote(pin: PinnedRelay): string {
  return (
    `claude-relay: first connection to ${pin.address}: its certificate ${pin.fingerprint} is now pinned (${pin.file}:${pin.line}). ` +
    `It should be the fingerprint the relay printed when it started; from now on a different certificate is refused.`
  );
}
