/**
 * base64 and base64url without Buffer (src/ssh/base64.ts), checked against Node's Buffer on
 * random bytes of every length up to 70 (all three tail cases), and the refusals of base64url.
 */
import { expect, test } from "bun:test";
import { randomBytes } from "node:crypto";
import { fromBase64Url, toBase64, toBase64Url } from "../../src/ssh/base64.ts";

test("toBase64 and toBase64Url agree with Buffer; fromBase64Url reverses toBase64Url", () => {
  for (let length = 0; length <= 70; length++) {
    const bytes = new Uint8Array(randomBytes(length));
    expect(toBase64(bytes)).toBe(Buffer.from(bytes).toString("base64"));
    expect(toBase64Url(bytes)).toBe(Buffer.from(bytes).toString("base64url"));
    expect([...fromBase64Url(toBase64Url(bytes))]).toEqual([...bytes]);
  }
});

test("base64url: the two characters of its own, padding accepted, a VAPID key of 65 bytes", () => {
  expect(toBase64Url(new Uint8Array([251, 255]))).toBe("-_8");
  expect([...fromBase64Url("-_8")]).toEqual([251, 255]);
  expect([...fromBase64Url("-_8=")]).toEqual([251, 255]);
  const vapid = "BLc4xRzKlKORKWlbdgFaBrrPK3ydWAHo4M0gs0i1oEKgPpWC5cW8OCzVrOQRv-1npXRWk8udnW3oYhHhxNrN2z8";
  expect(fromBase64Url(vapid).length).toBe(65);
  expect(fromBase64Url(vapid)[0]).toBe(4);
});

test("fromBase64Url refuses standard base64's + and /, blanks, and padding inside", () => {
  for (const text of ["+/8", "ab cd", "ab=c", "abc==="]) expect(() => fromBase64Url(text)).toThrow(SyntaxError);
});
