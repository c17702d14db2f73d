import { describe, expect, test } from "bun:test";
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { authorizeCommand, deviceKeyComment, publicKeyBlob } from "../../../src/web/key/ssh-public-key.ts";
import { makeTempDir, removeTempDir } from "../../support/ssh.ts";

describe("publicKeyBlob", () => {
  test("refuses raw keys of the wrong size or form", () => {
    expect(() => publicKeyBlob("ed25519", new Uint8Array(31))).toThrow("32 bytes");
    expect(() => publicKeyBlob("p256", new Uint8Array(65))).toThrow("uncompressed point");
    expect(() => publicKeyBlob("p256", new Uint8Array(33).fill(4))).toThrow("uncompressed point");
  });
});

describe("deviceKeyComment", () => {
  const day = new Date("2026-11-28T12:00:00Z");
  test.each([
    [
      "Mozilla/5.0 (iPhone; CPU iPhone OS 18_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.0 Mobile/15E148 Safari/604.1",
      "claude-relay:Safari-on-iPhone 2026-11-28",
    ],
    [
      "Mozilla/5.0 (Linux; Android 15; Pixel 9) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/150.0.0.0 Mobile Safari/537.36",
      "claude-relay:Chrome-on-Android 2026-11-28",
    ],
    ["Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:140.0) Gecko/20100101 Firefox/140.0", "claude-relay:Firefox-on-Windows 2026-11-28"],
    ["<script>alert(1)</script> 'quoted' $(rm -rf /)", "claude-relay:Browser-on-device 2026-11-28"],
  ])("%s", (userAgent, expected) => {
    expect(deviceKeyComment(userAgent, day)).toBe(expected);
  });
});

describe("authorizeCommand", () => {
  test("appends exactly the line, even one with quotes in it, when run by a shell", () => {
    const home = makeTempDir("web-authorize-");
    try {
      const line = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIBTEM5hvQ96Mx0BWukvcbEna+nhQw54F7fRYJOUgrLS8 it's $(touch pwned) `x`";
      spawnSync("mkdir", ["-p", join(home, ".ssh")]);
      const result = spawnSync("bash", ["-c", authorizeCommand(line)], { env: { ...process.env, HOME: home }, cwd: home, encoding: "utf8" });
      expect(result.status).toBe(0);
      expect(readFileSync(join(home, ".ssh", "authorized_keys"), "utf8")).toBe(`${line}\n`);
      expect(spawnSync("ls", [home], { encoding: "utf8" }).stdout).not.toContain("pwned");
    } finally {
      removeTempDir(home);
    }
  });
});
