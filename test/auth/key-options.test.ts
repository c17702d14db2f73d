import { describe, expect, test } from "bun:test";
import { matchFrom, matchWildcard, normalizePeerAddress, parseExpiryTime, validateFromList } from "../../src/auth/key-options.ts";

describe("from= pattern lists", () => {
  test.each([
    ["127.0.0.1", "127.0.0.1", true],
    ["127.0.0.1", "::ffff:127.0.0.1", true],
    ["127.0.0.1", "127.0.0.2", false],
    ["10.0.0.0/8", "10.200.3.4", true],
    ["10.0.0.0/8", "11.0.0.1", false],
    ["192.168.1.*", "192.168.1.77", true],
    ["192.168.?.1", "192.168.5.1", true],
    ["192.168.?.1", "192.168.55.1", false],
    ["10.0.0.0/8,!10.0.0.13", "10.0.0.13", false],
    ["!10.0.0.13,10.0.0.0/8", "10.0.0.13", false],
    ["!10.0.0.13", "10.0.0.14", false], // a negation alone allows nothing
    ["2001:db8::/32", "2001:db8:1::5", true],
    ["2001:db8::/32", "2001:db9::5", false],
    ["::1", "::1", true],
    ["::1", "[::1]", true],
    ["fe80::/10", "fe80::1%eth0", true],
    ["*", "203.0.113.9", true],
    ["10.0.0.0/8", "::ffff:10.1.1.1", true],
    ["::ffff:10.0.0.0/104", "10.1.1.1", false], // mapped addresses are matched as IPv4
    ["0.0.0.0/0", "8.8.8.8", true],
    ["10.0.0.0/8", "2001:db8::1", false],
  ])("%s vs %s → %p", (patterns, peer, allowed) => {
    expect(matchFrom(patterns, peer)).toEqual({ allowed });
  });

  test("host bits set in a CIDR entry is an error that denies", () => {
    expect(matchFrom("10.0.0.1/8", "10.0.0.1")).toMatchObject({ allowed: false, error: expect.stringContaining("inconsistent") });
    expect(validateFromList("10.0.0.1/8")).toContain("inconsistent");
  });

  test("empty entries are errors", () => {
    expect(validateFromList("10.0.0.1,,10.0.0.2")).toContain("empty entry");
    expect(validateFromList("!")).toContain("empty entry");
    expect(validateFromList("10.0.0.0/8,*.example.com")).toBeUndefined();
  });

  test("a mask longer than the family is a pattern, which does not match an IP", () => {
    expect(matchFrom("10.0.0.0/33", "10.0.0.0")).toEqual({ allowed: false });
  });
});

describe("peer address normalisation", () => {
  test.each([
    ["::ffff:127.0.0.1", "127.0.0.1"],
    ["::FFFF:7f00:1", "127.0.0.1"],
    ["[::1]", "::1"],
    ["fe80::1%lo", "fe80::1"],
    ["10.0.0.1", "10.0.0.1"],
  ])("%s → %s", (input, output) => expect(normalizePeerAddress(input)).toBe(output));
});

describe("wildcards", () => {
  test("* and ?", () => {
    expect(matchWildcard("a*c", "abbbc")).toBe(true);
    expect(matchWildcard("a*c", "abbbd")).toBe(false);
    expect(matchWildcard("a?c", "abc")).toBe(true);
    expect(matchWildcard("**", "")).toBe(true);
    expect(matchWildcard("?", "")).toBe(false);
  });
});

describe("expiry-time", () => {
  test("UTC forms", () => {
    expect(parseExpiryTime("20250102Z")?.toISOString()).toBe("2025-01-02T00:00:00.000Z");
    expect(parseExpiryTime("202501021314Z")?.toISOString()).toBe("2025-01-02T13:14:00.000Z");
    expect(parseExpiryTime("20250102131415z")?.toISOString()).toBe("2025-01-02T13:14:15.000Z");
  });

  test("without Z it is local time", () => {
    expect(parseExpiryTime("202501021314")?.getTime()).toBe(new Date(2025, 0, 2, 13, 14).getTime());
  });

  test.each(["2025010", "20251301", "20250230", "202501022460", "2025-01-02", "20250102T1200", "", "20250102ZZ"])("rejects %p", (value) =>
    expect(parseExpiryTime(value)).toBeUndefined(),
  );
});
