import { describe, expect, test } from "bun:test";
import { pairingBase, reachableOrigins } from "../../src/server/urls.ts";

const interfaces = {
  lo: [
    { address: "127.0.0.1", family: "IPv4" },
    { address: "::1", family: "IPv6" },
  ],
  en0: [
    { address: "192.168.1.20", family: "IPv4" },
    { address: "fe80::1", family: "IPv6" },
    { address: "2001:db8::7", family: "IPv6" },
  ],
};

describe("reachableOrigins", () => {
  test("one host: just it", () => {
    expect(reachableOrigins({ host: "127.0.0.1", port: 7717, secure: false, interfaces })).toEqual(["http://127.0.0.1:7717"]);
    expect(reachableOrigins({ host: "::1", port: 7717, secure: true, interfaces })).toEqual(["https://[::1]:7717"]);
  });

  test("0.0.0.0: every IPv4 address, network ones first", () => {
    expect(reachableOrigins({ host: "0.0.0.0", port: 7717, secure: true, interfaces })).toEqual(["https://192.168.1.20:7717", "https://127.0.0.1:7717"]);
  });

  test(":: adds IPv6, without link-local addresses", () => {
    expect(reachableOrigins({ host: "::", port: 1, secure: true, interfaces })).toEqual([
      "https://192.168.1.20:1",
      "https://[2001:db8::7]:1",
      "https://127.0.0.1:1",
      "https://[::1]:1",
    ]);
  });
});

test("pairingBase: --public-url, else the first address another device can use", () => {
  expect(pairingBase({ publicUrl: "https://laptop.ts.net", origins: ["https://192.168.1.20:7717"] })).toBe("https://laptop.ts.net");
  expect(pairingBase({ origins: ["https://192.168.1.20:7717", "https://127.0.0.1:7717"] })).toBe("https://192.168.1.20:7717");
  expect(pairingBase({ origins: ["http://127.0.0.1:7717"] })).toBe("http://127.0.0.1:7717");
});
