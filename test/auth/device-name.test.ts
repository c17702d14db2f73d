import { expect, test } from "bun:test";
import { parseAuthorizedKeys } from "../../src/auth/authorized-keys.ts";
import { deviceNameOf, MAX_DEVICE_NAME_CHARS } from "../../src/auth/device-name.ts";

const FINGERPRINT = "SHA256:qL3p9T0nXyZ2AbCdEfGhIjKlMnOpQrStUvWxYz01234";
const named = (comment: string) => deviceNameOf({ comment, fingerprint: FINGERPRINT });

test("a key added by claude-relay pair or the web app goes by its pair name, without the prefix and the date", () => {
  expect(named("claude-relay:phone 2026-11-28")).toBe("phone");
  expect(named("claude-relay:Safari-on-iPhone 2026-11-28")).toBe("Safari-on-iPhone");
  expect(named("claude-relay:phone")).toBe("phone");
  expect(named("claude-relay:phone   2026-11-28  extra words")).toBe("phone");
});

test("any other comment is the name, spaces collapsed", () => {
  expect(named("me@laptop")).toBe("me@laptop");
  expect(named("  work   laptop  ")).toBe("work laptop");
  expect(named("claude-relay phone")).toBe("claude-relay phone");
  expect(named("claude-relay: 2026-11-28")).toBe("claude-relay: 2026-11-28"); // the prefix without a name
});

test("no comment: the start of the fingerprint", () => {
  expect(named("")).toBe("SHA256:qL3p9T0n");
  expect(named("   ")).toBe("SHA256:qL3p9T0n");
  expect(named("claude-relay:")).toBe("claude-relay:");
});

test("terminal escapes, newlines and bidi overrides are dropped; a long comment is cut", () => {
  expect(named("evil\u001b[2J\u001b]0;title\u0007name")).toBe("evil [2J ]0;title name");
  expect(named("claude-relay:a\u202eb 2026-11-28")).toBe("a");
  expect(named("\u0000\u0085")).toBe("SHA256:qL3p9T0n");
  const long = named("x".repeat(200));
  expect(Array.from(long)).toHaveLength(MAX_DEVICE_NAME_CHARS);
  expect(long.endsWith("…")).toBe(true);
});

test("from a parsed authorized_keys line, as the relay reads it", () => {
  const line = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOMqqnkVzrm0SdG6UOoqKLsabgH5C9okWi0dh2l9GKJl claude-relay:phone 2026-11-28";
  const [entry] = parseAuthorizedKeys(line).entries;
  expect(deviceNameOf(entry!)).toBe("phone");
  const bare = parseAuthorizedKeys("ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOMqqnkVzrm0SdG6UOoqKLsabgH5C9okWi0dh2l9GKJl").entries[0]!;
  expect(deviceNameOf(bare)).toBe(bare.fingerprint.slice(0, "SHA256:".length + 8));
});
