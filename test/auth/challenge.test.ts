import { describe, expect, test } from "bun:test";
import { createChallenge } from "../../src/auth/challenge.ts";
import { parseChallenge } from "../../src/protocol/challenge.ts";

const now = new Date("2030-01-02T03:04:05.678Z");

describe("challenge", () => {
  test("canonical text in the contract's shape", () => {
    const c = createChallenge({ server: "laptop.local:7777", connectionId: "c-1", now, ttlMs: 10_000, random: (n) => new Uint8Array(n).fill(0xfb) });
    expect(c.text).toBe(
      "claude-relay-auth v1\nserver: laptop.local:7777\nconnection: c-1\n" +
        `nonce: ${Buffer.alloc(32, 0xfb).toString("base64url")}\nexpires: 2030-01-02T03:04:15.678Z`,
    );
    expect(c.nonce).toHaveLength(43);
    expect(c.expiresAt.getTime()).toBe(now.getTime() + 10_000);
  });

  test("fresh nonce every time", () => {
    const nonces = new Set(Array.from({ length: 100 }, () => createChallenge({ server: "s", connectionId: "c", now, ttlMs: 1 }).nonce));
    expect(nonces.size).toBe(100);
  });

  test("a hostile Host header cannot add lines", () => {
    const c = createChallenge({ server: "evil\nconnection: other", connectionId: "c\r\n", now, ttlMs: 1 });
    expect(c.text.split("\n")).toHaveLength(5);
    expect(c.server).toBe("evilconnection: other");
  });

  test("over TLS the certificate fingerprint follows the server line", () => {
    const tls = `SHA256:${Buffer.alloc(32, 7).toString("base64").replace(/=+$/, "")}`;
    const c = createChallenge({ server: "laptop:7717", tls, connectionId: "c-1", now, ttlMs: 1000, random: (n) => new Uint8Array(n) });
    expect(c.text.split("\n").slice(0, 3)).toEqual(["claude-relay-auth v1", "server: laptop:7717", `tls: ${tls}`]);
    expect(parseChallenge(c.text)?.tls).toBe(tls);
  });
});
