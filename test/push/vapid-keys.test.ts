import { afterEach, beforeEach, describe, expect, test } from "bun:test";
import { chmodSync, mkdirSync, statSync, writeFileSync } from "node:fs";
import { loadOrCreateVapidKeys, VapidKeyError, vapidKeyPath } from "../../src/push/vapid-keys.ts";
import { makeTempDir, removeTempDir } from "../support/ssh.ts";

let dir: string;
beforeEach(() => (dir = makeTempDir("vapid-")));
afterEach(() => removeTempDir(dir));

describe("the VAPID key pair", () => {
  test("made once (0600), the same one read back", async () => {
    const made = await loadOrCreateVapidKeys(dir);
    expect(statSync(vapidKeyPath(dir)).mode & 0o777).toBe(0o600);
    expect(Buffer.from(made.publicKey, "base64url").length).toBe(65);
    expect(Buffer.from(made.privateKey, "base64url").length).toBe(32);
    expect(await loadOrCreateVapidKeys(dir)).toEqual(made);
  });

  test("a key file others may read is refused with what to do", async () => {
    await loadOrCreateVapidKeys(dir);
    chmodSync(vapidKeyPath(dir), 0o644);
    const error = await loadOrCreateVapidKeys(dir).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(VapidKeyError);
    expect(String(error)).toContain("chmod 600");
  });

  test("a file that is not a key pair is refused", async () => {
    mkdirSync(`${dir}/push`);
    for (const content of ["not json", "{}", '{"publicKey":"AAAA","privateKey":"AAAA"}']) {
      writeFileSync(vapidKeyPath(dir), content, { mode: 0o600 });
      await expect(loadOrCreateVapidKeys(dir)).rejects.toBeInstanceOf(VapidKeyError);
    }
  });
});
