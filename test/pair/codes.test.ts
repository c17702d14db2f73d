import { describe, expect, test } from "bun:test";
import { PAIRING_CODE_TTL_MS, PairingCodes } from "../../src/pair/codes.ts";

function clock(start = 1_000_000) {
  let now = start;
  return { now: () => now, advance: (ms: number) => void (now += ms) };
}

describe("PairingCodes", () => {
  test("a code is 144 random bits in base64url, different every time", () => {
    const codes = new PairingCodes<string>();
    const issued = Array.from({ length: 50 }, () => codes.issue("op").code);
    for (const code of issued) expect(code).toMatch(/^[A-Za-z0-9_-]{24}$/);
    expect(new Set(issued).size).toBe(50);
  });

  test("single use: the first claim gets the owner, the next is told it was used", () => {
    const codes = new PairingCodes<string>();
    const { code } = codes.issue("operator-1");
    expect(codes.claim(code)).toMatchObject({ ok: true, owner: "operator-1" });
    expect(codes.claim(code)).toEqual({ ok: false, reason: "used" });
  });

  test("valid for ten minutes (injected clock)", () => {
    const time = clock();
    const codes = new PairingCodes<string>({ now: time.now });
    const { code, expiresAt } = codes.issue("op");
    expect(expiresAt).toBe(time.now() + PAIRING_CODE_TTL_MS);
    const early = codes.issue("op").code;
    time.advance(PAIRING_CODE_TTL_MS - 1);
    expect(codes.claim(early).ok).toBe(true);
    time.advance(1);
    expect(codes.claim(code)).toEqual({ ok: false, reason: "expired" });
    time.advance(PAIRING_CODE_TTL_MS);
    expect(codes.claim(code)).toEqual({ ok: false, reason: "unknown" }); // forgotten after a second lifetime
  });

  test("a wrong or revoked code is unknown", () => {
    const codes = new PairingCodes<string>();
    const { code } = codes.issue("op");
    expect(codes.claim(code.slice(0, -1) + (code.endsWith("A") ? "B" : "A"))).toEqual({ ok: false, reason: "unknown" });
    codes.revoke(code);
    expect(codes.claim(code)).toEqual({ ok: false, reason: "unknown" });
  });

  test("randomness is injected", () => {
    const codes = new PairingCodes<string>({ random: (size) => new Uint8Array(size).fill(0xff) });
    expect(codes.issue("op").code).toBe("_".repeat(24));
  });
});
