/**
 * The known-relays file, like ssh's known_hosts: one relay per line, its address as the client
 * dialled it and the SHA-256 fingerprint of the certificate pinned for it on first use.
 *
 *     # claude-relay known relays: pinned TLS certificates (remove a line to forget one)
 *     192.168.1.20:7717 SHA256:qL3p9T0nWm0d4hTjQmC1sZ1m2M6O0c5bD3o2zvQ1x1E
 *     [fd7a:115c::5]:7717 SHA256:5nq0VxP1c8mN3tW2b4Jr0Zc9dQ6k1Hh8sYgLw2aE7uI
 *
 * Blank lines and lines starting with `#` are ignored; so is a line that is not an address and a
 * fingerprint (it pins nothing). Pure: parsing, lookup and formatting (known-relays-file.ts reads
 * and appends).
 *
 * @example
 * ```ts
 * const entries = parseKnownRelays(text);
 * lookupPin(entries, relayAddress("wss://192.168.1.20:7717/ws"), fingerprint); // { kind: "match", … }
 * ```
 */

export interface KnownRelay {
  /** `host:port` (`[v6]:port`), lower case, the port always written. */
  address: string;
  fingerprint: string;
  /** 1-based line number in the file. */
  line: number;
}

export type PinLookup =
  | { kind: "match"; entry: KnownRelay }
  /** Pinned, but to other certificates: each line that pins the address. */
  | { kind: "changed"; entries: KnownRelay[] }
  | { kind: "unknown" };

/** A certificate fingerprint as this file and the challenge's `tls:` line write it. */
export const FINGERPRINT = /^SHA256:[A-Za-z0-9+/]{43}$/;

/** What a file starts with when the client creates it. */
export const KNOWN_RELAYS_HEADER = "# claude-relay known relays: pinned TLS certificates, like ~/.ssh/known_hosts (remove a line to forget one)";

/**
 * The address a relay is pinned under: `host:port` of the URL, the default port written out.
 *
 * @example
 * relayAddress("wss://Laptop.local/ws"); // "laptop.local:443"
 * relayAddress("wss://[::1]:7717/ws");   // "[::1]:7717"
 */
export function relayAddress(url: string): string {
  const parsed = new URL(url);
  const port = parsed.port || (parsed.protocol === "wss:" || parsed.protocol === "https:" ? "443" : "80");
  return `${parsed.hostname.toLowerCase()}:${port}`;
}

/**
 * The pins in a file's text, with their line numbers.
 *
 * @example
 * parseKnownRelays("# mine\nlaptop:7717 SHA256:…\n"); // [{ address: "laptop:7717", fingerprint: "SHA256:…", line: 2 }]
 */
export function parseKnownRelays(text: string): KnownRelay[] {
  const entries: KnownRelay[] = [];
  text.split(/\r?\n/).forEach((raw, index) => {
    const line = raw.trim();
    if (line === "" || line.startsWith("#")) return;
    const [address, fingerprint, ...rest] = line.split(/\s+/);
    if (rest.length > 0 || !address || !/^(\[[0-9a-f:.]+\]|[^\s[\]:]+):\d+$/i.test(address) || !fingerprint || !FINGERPRINT.test(fingerprint)) return;
    entries.push({ address: address.toLowerCase(), fingerprint, line: index + 1 });
  });
  return entries;
}

/**
 * Whether `fingerprint` is the one pinned for `address`: a match (any of its lines), a change
 * (lines for the address, none with this fingerprint), or an address seen for the first time.
 *
 * @example
 * lookupPin(entries, "laptop:7717", "SHA256:…"); // { kind: "changed", entries: [{ line: 2, … }] }
 */
export function lookupPin(entries: readonly KnownRelay[], address: string, fingerprint: string): PinLookup {
  const pinned = entries.filter((entry) => entry.address === address);
  const entry = pinned.find((candidate) => candidate.fingerprint === fingerprint);
  if (entry) return { kind: "match", entry };
  return pinned.length > 0 ? { kind: "changed", entries: pinned } : { kind: "unknown" };
}

/**
 * The line that pins `fingerprint` for `address` (no line break).
 *
 * @example
 * knownRelayLine("laptop:7717", "SHA256:…"); // "laptop:7717 SHA256:…"
 */
export function knownRelayLine(address: string, fingerprint: string): string {
  return `${address} ${fingerprint}`;
}
