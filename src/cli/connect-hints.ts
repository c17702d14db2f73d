/**
 * How to reach the relay from another device, printed by `serve` after "listening on": the exact
 * `claude-relay connect` command lines. A wildcard `--host` (`0.0.0.0`, `::`) is replaced by this
 * machine's real addresses (non-internal interfaces, IPv4 first; IPv6 link-local addresses are
 * left out, since they only work with a zone id no URL can carry portably); a loopback `--host`
 * gets a note that only this machine can connect, and how to change that. Pure: the interfaces
 * come from `os.networkInterfaces()` at the caller.
 *
 * @example
 * ```ts
 * const hints = connectHints({ host: "0.0.0.0", port: 7717, scheme: "ws", interfaces: networkInterfaces() });
 * hints.commands; // ["claude-relay connect ws://192.168.1.20:7717/ws"]
 * process.stderr.write(formatConnectHints(hints));
 * ```
 */
import type { NetworkInterfaceInfo } from "node:os";
import { formatHostPort } from "../runtime/types.ts";

export interface ConnectHintsInput {
  /** `--host` as given. */
  host: string;
  /** The port listened on (resolved when `--port 0`). */
  port: number;
  /** `ws`, or `wss` when the relay serves TLS. */
  scheme: string;
  interfaces: NodeJS.Dict<NetworkInterfaceInfo[]>;
}

export interface ConnectHints {
  /** Relay URLs, most likely to work first. */
  urls: string[];
  /** `claude-relay connect URL` for each URL. */
  commands: string[];
  /** False when only this machine can connect as it stands. */
  remote: boolean;
  /** Why other devices cannot connect, and what to do, when they cannot. */
  note?: string;
}

const WILDCARD_V4 = new Set(["0.0.0.0"]);
const WILDCARD_V6 = new Set(["::", "[::]", "::0"]);

export function connectHints({ host, port, scheme, interfaces }: ConnectHintsInput): ConnectHints {
  const urlFor = (address: string) => `${scheme}://${formatHostPort(address.replace(/^\[(.*)\]$/, "$1"), port)}/ws`;
  const result = (addresses: string[], remote: boolean, note?: string): ConnectHints => {
    const urls = addresses.map(urlFor);
    return { urls, commands: urls.map((url) => `claude-relay connect ${url}`), remote, ...(note !== undefined && { note }) };
  };
  if (isLoopback(host)) {
    return result([host], false, `only this machine can connect: --host ${host} is a loopback address. To let your other devices in, serve with --host 0.0.0.0 (or one of this machine's addresses)`);
  }
  if (!WILDCARD_V4.has(host) && !WILDCARD_V6.has(host)) return result([host], true);
  const addresses = Object.values(interfaces).flatMap((list) => list ?? []).filter((info) => !info.internal);
  const v4 = addresses.filter((info) => info.family === "IPv4").map((info) => info.address);
  const v6 = WILDCARD_V6.has(host) ? addresses.filter((info) => info.family === "IPv6" && !isLinkLocalV6(info.address)).map((info) => info.address) : [];
  const usable = [...new Set([...v4, ...v6])];
  if (usable.length === 0) {
    return result([WILDCARD_V6.has(host) ? "::1" : "127.0.0.1"], false, "this machine has no network address another device could use (no interface but loopback is up)");
  }
  return result(usable, true);
}

/** The hints as free text for the terminal (`--log-format pretty`). */
export function formatConnectHints(hints: ConnectHints): string {
  const heading = hints.remote ? "To connect from another device (its SSH key must be in authorized_keys; see claude-relay keys):" : "To connect from this machine:";
  const lines = [heading, ...hints.commands.map((command) => `  ${command}`)];
  if (hints.note) lines.push(`Note: ${hints.note}.`);
  return lines.join("\n") + "\n";
}

function isLoopback(host: string): boolean {
  return host === "localhost" || /^127\.\d+\.\d+\.\d+$/.test(host) || host === "::1" || host === "[::1]";
}

/** fe80::/10. */
function isLinkLocalV6(address: string): boolean {
  return /^fe[89ab][0-9a-f]:/i.test(address);
}
