import { afterAll, expect, test } from "bun:test";
import { parseDeviceKey } from "../../src/pair/device-key.ts";
import { generateKey, makeTempDir, removeTempDir } from "../support/ssh.ts";

const dir = makeTempDir("relay-device-key-");
afterAll(() => removeTempDir(dir));

test.each(["ed25519", "ecdsa-256", "ecdsa-384", "ecdsa-521"] as const)("%s keys from ssh-keygen are accepted with ssh-keygen's fingerprint", (kind) => {
  const key = generateKey(dir, kind);
  const parsed = parseDeviceKey(key.publicLine); // the comment is ignored
  expect(parsed).toMatchObject({ ok: true, key: { type: key.type, fingerprint: key.fingerprint, base64: key.publicLine.split(" ")[1] } });
});

test("RSA is refused, naming what is accepted", () => {
  expect(parseDeviceKey(generateKey(dir, "rsa-3072").publicLine)).toEqual({ ok: false, reason: "only Ed25519 and ECDSA keys can be paired, not ssh-rsa" });
});

test.each([
  ["", '"<type> <base64>"'],
  ["ssh-ed25519", '"<type> <base64>"'],
  ["ssh-ed25519 not*base64", "not base64"],
  ["sk-ssh-ed25519@openssh.com AAAA", "only Ed25519 and ECDSA keys"],
])("%p is refused", (text, reason) => {
  const parsed = parseDeviceKey(text);
  expect(parsed.ok).toBe(false);
  expect(!parsed.ok && parsed.reason).toContain(reason);
});

test("a key whose data is of another type, or is not a point on the curve, is refused", () => {
  const ed = generateKey(dir, "ed25519", "ed").publicLine.split(" ")[1]!;
  expect(parseDeviceKey(`ecdsa-sha2-nistp256 ${ed}`)).toEqual({ ok: false, reason: "the key data is not of type ecdsa-sha2-nistp256" });
  const ecdsa = Buffer.from(generateKey(dir, "ecdsa-256", "ec").publicLine.split(" ")[1]!, "base64");
  ecdsa[ecdsa.length - 1]! ^= 0xff; // the point is now off the curve
  const parsed = parseDeviceKey(`ecdsa-sha2-nistp256 ${ecdsa.toString("base64")}`);
  expect(parsed.ok).toBe(false);
});
