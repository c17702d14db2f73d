/**
 * The names a self-signed certificate covers: `localhost`, this machine's host name (and its
 * `.local` mDNS form), and every address of its network interfaces, so a phone can reach the
 * relay by whichever it knows. Pure: the host name and interfaces are passed in.
 *
 * @example
 * ```ts
 * const wanted = certificateNames({ hostname: os.hostname(), interfaces: os.networkInterfaces() });
 * // { dns: ["laptop", "laptop.local", "localhost"], ips: ["127.0.0.1", "192.168.1.20", "::1"] }
 * missingNames(namesInCertificate, wanted); // [] while the addresses have not changed
 * ```
 */
import { isIP } from "node:net";

export interface CertificateNames {
  dns: string[];
  ips: string[];
}

/** The subset of os.networkInterfaces() used here. */
export type Interfaces = Record<string, ReadonlyArray<{ address: string; family: string | number }> | undefined>;

const DNS_NAME = /^(?=.{1,253}$)([A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)(\.[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*$/;

/**
 * Every name the certificate should carry, sorted and de-duplicated. IPv6 link-local addresses
 * (fe80::/10) are left out: they need a zone id, which URLs and certificates cannot carry.
 *
 * @example
 * certificateNames({ hostname: "vm", interfaces: { eth0: [{ address: "192.0.2.2", family: "IPv4" }] } })
 * // { dns: ["localhost", "vm", "vm.local"], ips: ["127.0.0.1", "192.0.2.2", "::1"] }
 */
export function certificateNames(input: { hostname: string; interfaces: Interfaces }): CertificateNames {
  const dns = new Set(["localhost"]);
  const host = input.hostname.toLowerCase().replace(/\.$/, "");
  if (DNS_NAME.test(host)) {
    dns.add(host);
    if (!host.includes(".")) dns.add(`${host}.local`);
  }
  const ips = new Set(["127.0.0.1", "::1"]);
  for (const addresses of Object.values(input.interfaces)) {
    for (const { address } of addresses ?? []) {
      const ip = canonicalIp(address);
      if (ip && !isLinkLocalV6(ip)) ips.add(ip);
    }
  }
  return { dns: [...dns].sort(), ips: [...ips].sort() };
}

/**
 * The wanted names a certificate lacks (empty: it still fits this machine). Extra names in the
 * certificate are fine: an interface that went down does not change the fingerprint.
 *
 * @example
 * missingNames({ dns: ["localhost"], ips: ["127.0.0.1"] }, { dns: ["localhost"], ips: ["127.0.0.1", "10.0.0.5"] }) // ["10.0.0.5"]
 */
export function missingNames(have: CertificateNames, want: CertificateNames): string[] {
  const dns = new Set(have.dns.map((name) => name.toLowerCase()));
  const ips = new Set(have.ips.map(canonicalIp));
  return [...want.dns.filter((name) => !dns.has(name.toLowerCase())), ...want.ips.filter((ip) => !ips.has(canonicalIp(ip)))];
}

/**
 * True for an IPv6 link-local address (fe80::/10, in canonical text): usable only with a zone id,
 * which URLs and certificates cannot carry.
 *
 * @example
 * isLinkLocalV6("fe80::1c2b:3aff:fe4d:5e6f") // true
 */
export function isLinkLocalV6(ip: string): boolean {
  return /^fe[89ab][0-9a-f]:/i.test(ip);
}

/**
 * An IP address in canonical text (RFC 5952 for IPv6, as URLs write it), or undefined when
 * `address` is not one. Zone ids (`%eth0`) are dropped.
 *
 * @example
 * canonicalIp("2001:DB8:0:0:1:0:0:1") // "2001:db8::1:0:0:1"
 */
export function canonicalIp(address: string): string | undefined {
  const bare = address.replace(/%.*$/, "");
  const family = isIP(bare);
  if (family === 4) return bare;
  if (family === 6) return new URL(`http://[${bare}]/`).hostname.slice(1, -1);
  return undefined;
}
