import { describe, expect, test } from "bun:test";
import { type ChallengeFields, formatChallenge, parseChallenge } from "../../src/protocol/challenge.ts";

const fields: ChallengeFields = {
  server: "[::1]:7777",
  connection: "abc",
  nonce: Buffer.alloc(32, 0xfb).toString("base64url"),
  expiresAt: new Date("2030-01-02T03:04:05.678Z"),
};
const tls = `SHA256:${Buffer.alloc(32, 0xa5).toString("base64").replace(/=+$/, "")}`;

describe("challenge text", () => {
  test("without TLS: the contract's five lines", () => {
    expect(formatChallenge(fields)).toBe(
      `claude-relay-auth v1\nserver: [::1]:7777\nconnection: abc\nnonce: ${fields.nonce}\nexpires: 2030-01-02T03:04:05.678Z`,
    );
  });

  test("with TLS: the tls line comes right after server", () => {
    expect(formatChallenge({ ...fields, tls }).split("\n")).toEqual([
      "claude-relay-auth v1",
      "server: [::1]:7777",
      `tls: ${tls}`,
      "connection: abc",
      `nonce: ${fields.nonce}`,
      "expires: 2030-01-02T03:04:05.678Z",
    ]);
  });

  test("parse round-trips with and without the tls line", () => {
    for (const each of [fields, { ...fields, tls }]) {
      const text = formatChallenge(each);
      expect(parseChallenge(text)).toEqual(each);
      expect(formatChallenge(parseChallenge(text)!)).toBe(text);
    }
    expect(parseChallenge(formatChallenge(fields))).not.toHaveProperty("tls");
  });

  test("rejects anything non-canonical", () => {
    const text = formatChallenge(fields);
    const withTls = formatChallenge({ ...fields, tls });
    expect(parseChallenge(`${text}\n`)).toBeUndefined();
    expect(parseChallenge(text.replace("v1", "v2"))).toBeUndefined();
    expect(parseChallenge(text.replace(/expires: .*/, "expires: tomorrow"))).toBeUndefined();
    expect(parseChallenge(text.replace(/expires: (.*)Z/, "expires: $1+00:00"))).toBeUndefined();
    // the tls line only in its place, only as SHA256 of 32 bytes
    expect(parseChallenge(withTls.replace(`tls: ${tls}`, `tls: ${tls.slice(0, -1)}`))).toBeUndefined();
    expect(parseChallenge(withTls.replace(`tls: ${tls}`, `tls: MD5:${tls.slice(7)}`))).toBeUndefined();
    const lines = withTls.split("\n");
    expect(parseChallenge([lines[0], lines[2], lines[1], ...lines.slice(3)].join("\n"))).toBeUndefined();
    expect(parseChallenge([...lines.slice(0, 3), lines[2], ...lines.slice(3)].join("\n"))).toBeUndefined();
  });
});
