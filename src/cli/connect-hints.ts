/**
 * How to reach the relay from another device, printed by `serve` after "listening on": the exact
 * `claude-relay connect` command lines (named as this relay was started: src/shared/self-command.ts), and the web app's address where a browser can use it. A
 * wildcard `--host` (`0.0.0.0`, `::`) is replaced by this machine's real addresses (the same list
 * pairing links are made from: src/server/urls.ts); a loopback `--host` gets a note that only this
 * machine can connect, and how to change that; with `--public-url` the proxy's address is the one
 * to use. Pure: the interfaces come from `os.networkInterfaces()` at the caller.
 *
 * @example
 * ```ts
 * const hints = connectHints({ program: "claude-relay", host: "0.0.0.0", port: 7717, secure: true, interfaces: networkInterfaces() });
 * hints.commands; // ["claude-relay connect wss://192.168.1.20:7717/ws"]
 * hints.pages;    // ["https://192.168.1.20:7717/"]
 * process.stderr.write(formatConnectHints(hints, "claude-relay"));
 * ```
 */
import { isLoopback } from "../server/loopback.ts";
import { reachableOrigins } from "../server/urls.ts";
import type { Interfaces } from "../tls/names.ts";

export interface ConnectHintsInput {
  /** `--host` as given. */
  host: string;
  /** How to run claude-relay from a shell (src/shared/self-command.ts): `claude-relay`, or a path. */
  program: string;
  /** The port listened on (resolved when `--port 0`). */
  port: number;
  /** The relay serves https/wss itself (`--tls`, `--tls-cert`). */
  secure: boolean;
  /** `--public-url`: devices reach the relay through a proxy at this URL. */
  publicUrl?: string;
  interfaces: Interfaces;
}

export interface ConnectHints {
  /** Relay WebSocket URLs, most likely to work first. */
  urls: string[];
  /** `<program> connect URL` for each URL. */
  commands: string[];
  /**
   * The web app's address, where a browser can make its key there: over https, or on this
   * machine (browsers offer WebCrypto keys only in a secure context).
   */
  pages: string[];
  /** False when only this machine can connect as it stands. */
  remote: boolean;
  /** Why other devices cannot connect, and what to do, when they cannot. */
  note?: string;
}

export function connectHints({ program, host, port, secure, publicUrl, interfaces }: ConnectHintsInput): ConnectHints {
  const result = (origins: string[], remote: boolean, note?: string): ConnectHints => {
    const urls = origins.map((origin) => `${origin.replace(/^http/, "ws")}/ws`);
    const pages = origins.filter((origin) => origin.startsWith("https:") || isLoopback(new URL(origin).hostname)).map((origin) => `${origin}/`);
    return { urls, commands: urls.map((url) => `${program} connect ${url}`), pages, remote, ...(note !== undefined && { note }) };
  };
  if (publicUrl !== undefined) return result([publicUrl], true);
  const origins = reachableOrigins({ host, port, secure, interfaces });
  if (isLoopback(host)) {
    return result(
      origins,
      false,
      `only this machine can connect: --host ${host} is a loopback address. To let your other devices in, serve with --host 0.0.0.0 --tls ` +
        "(or one of this machine's addresses, or --tls-cert/--tls-key for your own certificate); docs/remote-access.md has other ways (Tailscale, a reverse proxy)",
    );
  }
  const remote = origins.filter((origin) => !isLoopback(new URL(origin).hostname));
  if (remote.length === 0) {
    return result(origins.slice(0, 1), false, "this machine has no network address another device could use (no interface but loopback is up)");
  }
  return result(remote, true);
}

/** The hints as free text for the terminal (`--log-format pretty`); `program` as in {@link ConnectHintsInput}. */
export function formatConnectHints(hints: ConnectHints, program: string): string {
  const heading = hints.remote
    ? `To connect from another device (its SSH key must be in authorized_keys; see ${program} keys):`
    : "To connect from this machine:";
  const lines = [heading, ...hints.commands.map((command) => `  ${command}`)];
  if (hints.pages.length > 0) {
    lines.push(hints.remote ? `Or open the web app in that device's browser (${program} pair adds its key):` : "Or open the web app in a browser:");
    lines.push(...hints.pages.map((page) => `  ${page}`));
  }
  if (hints.note) lines.push(`Note: ${hints.note}.`);
  return `${lines.join("\n")}\n`;
}
