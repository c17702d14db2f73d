/** The `claude-relay connect` lines serve prints after start-up, for every kind of --host. */
import { describe, expect, test } from "bun:test";
import type { NetworkInterfaceInfo } from "node:os";
import { connectHints, formatConnectHints } from "../../src/cli/connect-hints.ts";

const iface = (address: string, family: "IPv4" | "IPv6", internal = false): NetworkInterfaceInfo =>
  ({ address, family, internal, netmask: "", mac: "00:00:00:00:00:00", cidr: null, ...(family === "IPv6" && { scopeid: 0 }) }) as NetworkInterfaceInfo;

/** A laptop: loopback, Wi-Fi with IPv4, a global and a link-local IPv6 address, and a VPN. */
const laptop = {
  lo: [iface("127.0.0.1", "IPv4", true), iface("::1", "IPv6", true)],
  wlan0: [iface("192.168.1.20", "IPv4"), iface("fe80::1c2b:3aff:fe4d:5e6f", "IPv6"), iface("2001:db8::20", "IPv6")],
  wg0: [iface("10.8.0.2", "IPv4"), iface("fd00::2", "IPv6")],
};

describe("connectHints", () => {
  test("0.0.0.0: this machine's IPv4 addresses, not ws://0.0.0.0", () => {
    const hints = connectHints({ program: "claude-relay", host: "0.0.0.0", port: 7717, secure: false, interfaces: laptop });
    expect(hints).toEqual({
      urls: ["ws://192.168.1.20:7717/ws", "ws://10.8.0.2:7717/ws"],
      commands: ["claude-relay connect ws://192.168.1.20:7717/ws", "claude-relay connect ws://10.8.0.2:7717/ws"],
      pages: [],
      remote: true,
    });
  });

  test(":: — IPv4 first, then IPv6 bracketed; link-local IPv6 left out", () => {
    const hints = connectHints({ program: "claude-relay", host: "::", port: 40000, secure: false, interfaces: laptop });
    expect(hints.urls).toEqual(["ws://192.168.1.20:40000/ws", "ws://10.8.0.2:40000/ws", "ws://[2001:db8::20]:40000/ws", "ws://[fd00::2]:40000/ws"]);
    expect(hints.urls.join(" ")).not.toContain("fe80");
  });

  test("an address listed on two interfaces appears once", () => {
    const twice = { a: [iface("192.168.1.20", "IPv4")], b: [iface("192.168.1.20", "IPv4")] };
    expect(connectHints({ program: "claude-relay", host: "0.0.0.0", port: 1, secure: false, interfaces: twice }).urls).toEqual(["ws://192.168.1.20:1/ws"]);
  });

  test("with TLS: wss, and the web app's https address for a browser", () => {
    const hints = connectHints({ program: "claude-relay", host: "::", port: 443, secure: true, interfaces: laptop });
    expect(hints.commands[2]).toBe("claude-relay connect wss://[2001:db8::20]:443/ws");
    expect(hints.pages).toEqual(["https://192.168.1.20:443/", "https://10.8.0.2:443/", "https://[2001:db8::20]:443/", "https://[fd00::2]:443/"]);
  });

  test("without TLS a browser on another device cannot make its key: no page offered; on this machine it can", () => {
    expect(connectHints({ program: "claude-relay", host: "0.0.0.0", port: 7717, secure: false, interfaces: laptop }).pages).toEqual([]);
    expect(connectHints({ program: "claude-relay", host: "127.0.0.1", port: 7717, secure: false, interfaces: laptop }).pages).toEqual([
      "http://127.0.0.1:7717/",
    ]);
  });

  test("--public-url: the proxy's address, whatever --host is", () => {
    expect(
      connectHints({ program: "claude-relay", host: "127.0.0.1", port: 7717, secure: false, publicUrl: "https://laptop.tail1234.ts.net", interfaces: laptop }),
    ).toEqual({
      urls: ["wss://laptop.tail1234.ts.net/ws"],
      commands: ["claude-relay connect wss://laptop.tail1234.ts.net/ws"],
      pages: ["https://laptop.tail1234.ts.net/"],
      remote: true,
    });
    expect(
      connectHints({ program: "claude-relay", host: "127.0.0.1", port: 7717, secure: false, publicUrl: "https://example.com/relay", interfaces: laptop }).urls,
    ).toEqual(["wss://example.com/relay/ws"]);
  });

  test("a wildcard host on a machine with no network says so", () => {
    const hints = connectHints({ program: "claude-relay", host: "0.0.0.0", port: 7717, secure: false, interfaces: { lo: laptop.lo } });
    expect(hints.remote).toBe(false);
    expect(hints.commands).toEqual(["claude-relay connect ws://127.0.0.1:7717/ws"]);
    expect(hints.note).toContain("no network address another device could use");
  });

  test("a loopback host: this machine only, and how to let other devices in (with TLS)", () => {
    for (const host of ["127.0.0.1", "localhost", "::1", "[::1]"]) {
      const hints = connectHints({ program: "claude-relay", host, port: 7717, secure: false, interfaces: laptop });
      expect(hints.remote).toBe(false);
      expect(hints.note).toContain("--host 0.0.0.0 --tls");
      expect(hints.note).toContain("docs/remote-access.md");
    }
    expect(connectHints({ program: "claude-relay", host: "::1", port: 7717, secure: false, interfaces: laptop }).urls).toEqual(["ws://[::1]:7717/ws"]);
    expect(connectHints({ program: "claude-relay", host: "[::1]", port: 7717, secure: false, interfaces: laptop }).urls).toEqual(["ws://[::1]:7717/ws"]);
  });

  test("a specific address or name is used as given", () => {
    expect(connectHints({ program: "claude-relay", host: "192.168.1.20", port: 7717, secure: false, interfaces: laptop })).toEqual({
      urls: ["ws://192.168.1.20:7717/ws"],
      commands: ["claude-relay connect ws://192.168.1.20:7717/ws"],
      pages: [],
      remote: true,
    });
    expect(connectHints({ program: "claude-relay", host: "2001:db8::20", port: 7717, secure: false, interfaces: laptop }).urls).toEqual([
      "ws://[2001:db8::20]:7717/ws",
    ]);
    expect(connectHints({ program: "claude-relay", host: "laptop.local", port: 7717, secure: false, interfaces: laptop }).urls).toEqual([
      "ws://laptop.local:7717/ws",
    ]);
  });
});

describe("formatConnectHints", () => {
  test("one command per line under a heading, each naming the program as this relay was started", () => {
    const program = "/home/me/claude-relay/bin/claude-relay";
    expect(formatConnectHints(connectHints({ program, host: "0.0.0.0", port: 7717, secure: false, interfaces: laptop }), program)).toBe(
      `To connect from another device (its SSH key must be in authorized_keys; see ${program} keys):\n` +
        `  ${program} connect ws://192.168.1.20:7717/ws\n` +
        `  ${program} connect ws://10.8.0.2:7717/ws\n`,
    );
  });

  test("with the note when only this machine can connect", () => {
    const text = formatConnectHints(
      connectHints({ program: "claude-relay", host: "127.0.0.1", port: 7717, secure: false, interfaces: laptop }),
      "claude-relay",
    );
    expect(text).toBe(
      "To connect from this machine:\n  claude-relay connect ws://127.0.0.1:7717/ws\n" +
        "Or open the web app in a browser:\n  http://127.0.0.1:7717/\n" +
        "Note: only this machine can connect: --host 127.0.0.1 is a loopback address. To let your other devices in, serve with --host 0.0.0.0 --tls " +
        "(or one of this machine's addresses, or --tls-cert/--tls-key for your own certificate); docs/remote-access.md has other ways (Tailscale, a reverse proxy).\n",
    );
  });

  test("with TLS, the web app's address for the other device's browser", () => {
    expect(formatConnectHints(connectHints({ program: "claude-relay", host: "0.0.0.0", port: 7717, secure: true, interfaces: laptop }), "claude-relay")).toBe(
      "To connect from another device (its SSH key must be in authorized_keys; see claude-relay keys):\n" +
        "  claude-relay connect wss://192.168.1.20:7717/ws\n" +
        "  claude-relay connect wss://10.8.0.2:7717/ws\n" +
        "Or open the web app in that device's browser (claude-relay pair adds its key):\n" +
        "  https://192.168.1.20:7717/\n" +
        "  https://10.8.0.2:7717/\n",
    );
  });
});
