/**
 * Semantics of the authorized_keys options the relay honours: `from="pattern-list"` and
 * `expiry-time="timespec"`, as sshd(8) evaluates them. Pure functions; time is injected.
 *
 * from= entries are comma-separated; each is an address or CIDR block (10.0.0.0/8, 2001:db8::/32),
 * or a wildcard pattern with `*` and `?`, optionally negated with `!`. Any matching negated entry
 * denies; otherwise any matching entry allows. Patterns are matched against the peer's IP address
 * (sshd's default `UseDNS no`). A CIDR entry with host bits set is an error, which denies.
 *
 * @example
 * ```ts
 * matchFrom("10.0.0.0/8,!10.0.0.13", "::ffff:10.1.2.3") // { allowed: true }
 * parseExpiryTime("20301231Z")                         // Date 2030-12-31T00:00:00Z
 * ```
 */
import { isIPv4, isIPv6 } from "node:net";
import { bytesEqual } from "../ssh/wire.ts";

export type FromMatch = { allowed: boolean; error?: undefined } | { allowed: false; error: string };

/**
 * Evaluates a from= pattern list against a peer address (IPv4-mapped IPv6 peers are normalised).
 *
 * @example
 * matchFrom("192.168.1.*,!192.168.1.66", "192.168.1.5") // { allowed: true }
 */
export function matchFrom(patternList: string, peerAddress: string): FromMatch {
  const peer = normalizePeerAddress(peerAddress);
  const peerBytes = ipToBytes(peer);
  let allowed = false;
  for (const rawEntry of patternList.split(",")) {
    const negated = rawEntry.startsWith("!");
    const entry = negated ? rawEntry.slice(1) : rawEntry;
    if (entry === "") return { allowed: false, error: "empty entry in from= list" };
    const cidr = parseCidr(entry);
    if (cidr === "inconsistent") return { allowed: false, error: `inconsistent mask length in from= entry ${JSON.stringify(entry)}` };
    const matched = cidr ? peerBytes !== undefined && inNetwork(peerBytes, cidr) : matchWildcard(entry.toLowerCase(), peer.toLowerCase());
    if (!matched) continue;
    if (negated) return { allowed: false };
    allowed = true;
  }
  return { allowed };
}

/**
 * Checks a from= list for errors that would make sshd deny every login (empty entries, CIDR blocks
 * with host bits set). Returns the problem, or undefined when the list is usable.
 *
 * @example
 * validateFromList("10.0.0.1/8") // "inconsistent mask length in from= entry \"10.0.0.1/8\""
 */
export function validateFromList(patternList: string): string | undefined {
  return matchFrom(patternList, "0.0.0.0").error;
}

/**
 * Normalises a socket peer address for matching: strips brackets and zone ids, lower-cases, and
 * turns IPv4-mapped IPv6 (`::ffff:127.0.0.1`, as Bun reports IPv4 peers on dual-stack sockets) into
 * plain IPv4.
 *
 * @example
 * normalizePeerAddress("::ffff:127.0.0.1") // "127.0.0.1"
 */
export function normalizePeerAddress(address: string): string {
  let a = address.trim().toLowerCase();
  if (a.startsWith("[") && a.endsWith("]")) a = a.slice(1, -1);
  const zone = a.indexOf("%");
  if (zone >= 0) a = a.slice(0, zone);
  if (!isIPv6(a)) return a;
  const bytes = ipv6ToBytes(a);
  const mapped = bytes.subarray(0, 10).every((b) => b === 0) && bytes[10] === 0xff && bytes[11] === 0xff;
  return mapped ? Array.from(bytes.subarray(12)).join(".") : a;
}

/**
 * Parses an expiry-time value, `YYYYMMDD[HHMM[SS]]` with an optional trailing `Z` for UTC (local time
 * otherwise), as sshd does. Returns undefined for anything else.
 *
 * @example
 * parseExpiryTime("202501011200Z")?.toISOString() // "2025-01-01T12:00:00.000Z"
 */
export function parseExpiryTime(value: string): Date | undefined {
  const m = /^(\d{4})(\d{2})(\d{2})(?:(\d{2})(\d{2})(\d{2})?)?([zZ])?$/.exec(value);
  if (!m) return undefined;
  const [year, month, day, hour = 0, minute = 0, second = 0] = m.slice(1, 7).map((p) => (p === undefined ? undefined : Number(p))) as number[];
  const utc = m[7] !== undefined;
  const date = utc ? new Date(Date.UTC(year!, month! - 1, day!, hour, minute, second)) : new Date(year!, month! - 1, day!, hour, minute, second);
  // Reject rolled-over components such as month 13 or 25:00.
  const parts = utc
    ? [date.getUTCFullYear(), date.getUTCMonth() + 1, date.getUTCDate(), date.getUTCHours(), date.getUTCMinutes(), date.getUTCSeconds()]
    : [date.getFullYear(), date.getMonth() + 1, date.getDate(), date.getHours(), date.getMinutes(), date.getSeconds()];
  const wanted = [year, month, day, hour, minute, second];
  return parts.every((p, i) => p === wanted[i]) ? date : undefined;
}

/** sshd-style wildcard match: `*` any run of characters, `?` exactly one. */
export function matchWildcard(pattern: string, text: string): boolean {
  let p = 0;
  let t = 0;
  let starP = -1;
  let starT = 0;
  while (t < text.length) {
    if (p < pattern.length && (pattern[p] === "?" || pattern[p] === text[t])) {
      p++;
      t++;
    } else if (p < pattern.length && pattern[p] === "*") {
      starP = p++;
      starT = t;
    } else if (starP >= 0) {
      p = starP + 1;
      t = ++starT;
    } else {
      return false;
    }
  }
  while (p < pattern.length && pattern[p] === "*") p++;
  return p === pattern.length;
}

interface Network {
  bytes: Uint8Array;
  prefix: number;
}

/** A CIDR block or single address; undefined when `entry` is not an address (so it is a wildcard pattern). */
function parseCidr(entry: string): Network | "inconsistent" | undefined {
  const slash = entry.indexOf("/");
  const address = slash >= 0 ? entry.slice(0, slash) : entry;
  const bytes = ipToBytes(address);
  if (!bytes) return undefined;
  const maxPrefix = bytes.length * 8;
  let prefix = maxPrefix;
  if (slash >= 0) {
    const text = entry.slice(slash + 1);
    if (!/^\d{1,3}$/.test(text) || Number(text) > maxPrefix) return undefined;
    prefix = Number(text);
  }
  const network = { bytes, prefix };
  // sshd refuses "10.0.0.1/8": host bits set in a network specification.
  return bytesEqual(maskBytes(bytes, prefix), bytes) ? network : "inconsistent";
}

function inNetwork(address: Uint8Array, network: Network): boolean {
  if (address.length !== network.bytes.length) return false;
  return bytesEqual(maskBytes(address, network.prefix), maskBytes(network.bytes, network.prefix));
}

function maskBytes(bytes: Uint8Array, prefix: number): Uint8Array {
  return bytes.map((b, i) => {
    const bits = Math.max(0, Math.min(8, prefix - i * 8));
    return b & ((0xff00 >> bits) & 0xff);
  });
}

/**
 * The 4 or 16 bytes of an IP address in text form; undefined when `address` is not an IP address.
 *
 * @example
 * ipToBytes("10.0.0.1") // Uint8Array [10, 0, 0, 1]
 */
export function ipToBytes(address: string): Uint8Array | undefined {
  if (isIPv4(address)) return Uint8Array.from(address.split(".").map(Number));
  if (isIPv6(address)) return ipv6ToBytes(address);
  return undefined;
}

/** Expands a valid IPv6 textual address (including `::` and an embedded dotted IPv4 tail) to 16 bytes. */
function ipv6ToBytes(address: string): Uint8Array {
  let text = address;
  const lastColon = text.lastIndexOf(":");
  const dottedTail = text.slice(lastColon + 1);
  if (isIPv4(dottedTail)) {
    const [a, b, c, d] = dottedTail.split(".").map(Number) as [number, number, number, number];
    text = `${text.slice(0, lastColon + 1)}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const [head = "", rest] = text.split("::");
  const headGroups = head === "" ? [] : head.split(":");
  const restGroups = rest === undefined || rest === "" ? [] : rest.split(":");
  const zeros = rest === undefined ? 0 : 8 - headGroups.length - restGroups.length;
  const groups = [...headGroups, ...Array<string>(zeros).fill("0"), ...restGroups].map(hex);
  const out = new Uint8Array(16);
  groups.forEach((g, i) => {
    out[2 * i] = g >> 8;
    out[2 * i + 1] = g & 0xff;
  });
  return out;
}

function hex(group: string): number {
  return parseInt(group, 16);
}
