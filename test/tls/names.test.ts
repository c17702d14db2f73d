import { describe, expect, test } from "bun:test";
import { canonicalIp, certificateNames, isLinkLocalV6, missingNames } from "../../src/tls/names.ts";

describe("certificateNames", () => {
  test("localhost, the host name with its .local form, loopback and every interface address but link-local IPv6", () => {
    const names = certificateNames({
      hostname: "Laptop",
      interfaces: {
        lo: [
          { address: "127.0.0.1", family: "IPv4" },
          { address: "::1", family: "IPv6" },
        ],
        en0: [
          { address: "192.168.1.20", family: "IPv4" },
          { address: "fe80::1c2b:3aff:fe4d:5e6f", family: "IPv6" },
          { address: "2001:DB8:0:0:1::1", family: "IPv6" },
        ],
        utun3: [{ address: "100.101.102.103", family: "IPv4" }],
      },
    });
    expect(names).toEqual({
      dns: ["laptop", "laptop.local", "localhost"],
      ips: ["100.101.102.103", "127.0.0.1", "192.168.1.20", "2001:db8::1:0:0:1", "::1"],
    });
  });

  test("a dotted host name is kept as is; one that is not a DNS name is left out", () => {
    expect(certificateNames({ hostname: "alices-mbp.local.", interfaces: {} }).dns).toEqual(["alices-mbp.local", "localhost"]);
    expect(certificateNames({ hostname: "bad_name!", interfaces: {} }).dns).toEqual(["localhost"]);
  });
});

describe("missingNames", () => {
  const have = { dns: ["localhost", "laptop"], ips: ["127.0.0.1", "::1", "192.168.1.20"] };

  test("nothing missing while the addresses are the same, or fewer", () => {
    expect(missingNames(have, have)).toEqual([]);
    expect(missingNames(have, { dns: ["LOCALHOST"], ips: ["0:0:0:0:0:0:0:1"] })).toEqual([]);
  });

  test("a new address or name is missing", () => {
    expect(missingNames(have, { dns: ["localhost", "laptop.local"], ips: ["127.0.0.1", "10.0.0.5"] })).toEqual(["laptop.local", "10.0.0.5"]);
  });
});

test("canonicalIp writes IPv6 as URLs do and rejects non-addresses", () => {
  expect(canonicalIp("2001:0DB8:0000:0000:0001:0000:0000:0001")).toBe("2001:db8::1:0:0:1");
  expect(canonicalIp("fe80::1%en0")).toBe("fe80::1");
  expect(canonicalIp("10.1.2.3")).toBe("10.1.2.3");
  expect(canonicalIp("laptop")).toBeUndefined();
});

test("isLinkLocalV6: fe80::/10 only", () => {
  for (const ip of ["fe80::1", "fe9f::1", "feaf::1", "FEBF::1"]) expect(isLinkLocalV6(ip)).toBe(true);
  for (const ip of ["fec0::1", "fd00::2", "2001:db8::1", "::1", "192.168.1.20"]) expect(isLinkLocalV6(ip)).toBe(false);
});
