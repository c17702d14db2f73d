/**
 * Which addresses are this machine talking to itself: what the exposure policy (`--host`
 * without TLS, `/healthz` and `/metrics` detail) is decided on.
 *
 * @example
 * ```ts
 * isLoopback("127.0.0.1");        // true
 * isLoopback("::ffff:127.0.0.1"); // true
 * isLoopback("0.0.0.0");          // false: every interface
 * ```
 */
import { isIP } from "node:net";

/**
 * True for `localhost`, 127.0.0.0/8, ::1 and IPv4-mapped 127.x; false for everything else,
 * including wildcard addresses and host names (which may resolve anywhere).
 *
 * @example
 * isLoopback("[::1]") // true
 */
export function isLoopback(hostOrAddress: string): boolean {
  const host = hostOrAddress
    .toLowerCase()
    .replace(/^\[(.*)\]$/, "$1")
    .replace(/%.*$/, "");
  if (host === "localhost") return true;
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/.exec(host);
  const address = mapped ? mapped[1]! : host;
  if (isIP(address) === 4) return address.startsWith("127.");
  if (isIP(address) === 6) return new URL(`http://[${address}]/`).hostname === "[::1]";
  return false;
}
