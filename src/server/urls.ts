/**
 * The URLs at which other devices can reach the relay: printed at start-up, and used for the
 * pairing link. Pure: the interfaces are passed in.
 *
 * @example
 * ```ts
 * reachableOrigins({ host: "0.0.0.0", port: 7717, secure: true, interfaces: os.networkInterfaces() });
 * // ["https://192.168.1.20:7717", "https://127.0.0.1:7717"]
 * ```
 */
import { formatHostPort } from "../runtime/types.ts";
import { canonicalIp, type Interfaces, isLinkLocalV6 } from "../tls/names.ts";
import { isLoopback } from "./loopback.ts";

const WILDCARDS = new Set(["0.0.0.0", "::", "::0", ""]);

/**
 * `scheme://address:port` for each address the relay listens on: every interface address
 * (link-local IPv6 left out) when it listens on a wildcard, else its one host. Addresses other
 * devices can use come first, IPv4 before IPv6, loopback last.
 *
 * @example
 * reachableOrigins({ host: "127.0.0.1", port: 7717, secure: false, interfaces: {} }) // ["http://127.0.0.1:7717"]
 */
export function reachableOrigins(input: { host: string; port: number; secure: boolean; interfaces: Interfaces }): string[] {
  const scheme = input.secure ? "https" : "http";
  const host = input.host.replace(/^\[(.*)\]$/, "$1");
  if (!WILDCARDS.has(host)) return [`${scheme}://${formatHostPort(host, input.port)}`];
  const ipv6 = host.includes(":");
  const addresses = new Set<string>();
  for (const list of Object.values(input.interfaces)) {
    for (const { address } of list ?? []) {
      const ip = canonicalIp(address);
      if (!ip || isLinkLocalV6(ip)) continue;
      if (ip.includes(":") && !ipv6) continue; // 0.0.0.0 is IPv4 only; :: takes both
      addresses.add(ip);
    }
  }
  const rank = (ip: string) => (isLoopback(ip) ? 2 : ip.includes(":") ? 1 : 0);
  return [...addresses].sort((a, b) => rank(a) - rank(b)).map((ip) => `${scheme}://${formatHostPort(ip, input.port)}`);
}

/**
 * The origin pairing links use: `--public-url` when a proxy is in front, else the first origin
 * another device can reach, else the relay's own.
 *
 * @example
 * pairingBase({ origins: ["https://192.168.1.20:7717", "https://127.0.0.1:7717"] }) // "https://192.168.1.20:7717"
 */
export function pairingBase(input: { publicUrl?: string; origins: string[] }): string {
  if (input.publicUrl) return input.publicUrl;
  return input.origins.find((origin) => !isLoopback(new URL(origin).hostname)) ?? input.origins[0] ?? "";
}
