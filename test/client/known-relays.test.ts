/**
 * The known-relays file format (like ssh's known_hosts): parsing with line numbers, the address a
 * relay is pinned under, and looking a certificate up — a match, a change, or a first use.
 */
import { describe, expect, test } from "bun:test";
import { knownRelayLine, lookupPin, parseKnownRelays, relayAddress } from "../../src/client/known-relays.ts";

const A = `SHA256:${"A".repeat(43)}`;
const B = `SHA256:${"B".repeat(43)}`;
const C = `SHA256:${"C".repeat(43)}`;

describe("relayAddress", () => {
  test("host:port of the URL, lower case, the default port written out, IPv6 in brackets", () => {
    expect(relayAddress("wss://Laptop.Local:7717/ws")).toBe("laptop.local:7717");
    expect(relayAddress("wss://laptop.tail1234.ts.net/ws")).toBe("laptop.tail1234.ts.net:443");
    expect(relayAddress("wss://[fd7a:115c::5]:7717/ws")).toBe("[fd7a:115c::5]:7717");
    expect(relayAddress("ws://127.0.0.1/ws")).toBe("127.0.0.1:80");
  });
});

describe("parseKnownRelays", () => {
  test("one pin per line with its line number; comments, blank lines and lines that pin nothing are skipped", () => {
    const text = [
      "# header",
      "",
      `laptop.local:7717 ${A}`,
      `  [fd7a:115c::5]:7717   ${B}  `,
      "not-a-line",
      `no-port ${A}`,
      `laptop.local:7717 SHA256:short`,
      `laptop.local:7717 ${A} trailing`,
      `LAPTOP.LOCAL:7718 ${C}\r`,
    ].join("\n");
    expect(parseKnownRelays(text)).toEqual([
      { address: "laptop.local:7717", fingerprint: A, line: 3 },
      { address: "[fd7a:115c::5]:7717", fingerprint: B, line: 4 },
      { address: "laptop.local:7718", fingerprint: C, line: 9 },
    ]);
    expect(parseKnownRelays("")).toEqual([]);
  });

  test("a line written by knownRelayLine reads back", () => {
    expect(parseKnownRelays(knownRelayLine("[::1]:7717", A))).toEqual([{ address: "[::1]:7717", fingerprint: A, line: 1 }]);
  });
});

describe("lookupPin", () => {
  const entries = parseKnownRelays(`a:1 ${A}\nb:2 ${B}\na:1 ${C}\n`);

  test("a match on any line of the address", () => {
    expect(lookupPin(entries, "a:1", C)).toEqual({ kind: "match", entry: { address: "a:1", fingerprint: C, line: 3 } });
  });

  test("a change: the address is pinned, to other certificates (every such line)", () => {
    expect(lookupPin(entries, "a:1", B)).toEqual({ kind: "changed", entries: [entries[0]!, entries[2]!] });
  });

  test("unknown: another port of a known host is another relay", () => {
    expect(lookupPin(entries, "a:2", A)).toEqual({ kind: "unknown" });
  });
});
