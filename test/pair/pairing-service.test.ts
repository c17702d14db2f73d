import { afterAll, describe, expect, mock, test } from "bun:test";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { silentLogger } from "../../src/log/logger.ts";
import { PAIRING_CODE_TTL_MS } from "../../src/pair/codes.ts";
import { type PairingOperator, type PairingProposal, PairingService } from "../../src/pair/pairing-service.ts";
import { generateKey, makeTempDir, removeTempDir } from "../support/ssh.ts";

const dir = makeTempDir("relay-pairing-");
afterAll(() => removeTempDir(dir));
const device = generateKey(dir, "ed25519", "device");
const publicKey = device.publicLine.split(" ").slice(0, 2).join(" ");
const peer = { address: "192.0.2.7", port: 50000, host: "laptop:7717" };

function operator(answer: (proposal: PairingProposal) => Promise<boolean>) {
  return { confirm: mock(answer), paired: mock(() => {}), ended: mock(() => {}) } satisfies PairingOperator;
}

function service(now = () => Date.parse("2030-05-06T07:08:09Z")) {
  const path = join(dir, `keys-${Math.random().toString(36).slice(2)}`);
  writeFileSync(path, "");
  return { path, pairing: new PairingService({ authorizedKeysPath: path, pairingUrl: (code) => `https://laptop:7717/#pair=${code}`, log: silentLogger, now }) };
}

describe("PairingService", () => {
  test("a confirmed request adds `<type> <base64> claude-relay:<name> <date>` and tells the operator", async () => {
    const { pairing, path } = service();
    const op = operator(async () => true);
    const { code, url } = pairing.open(op, { name: "my phone 📱" });
    expect(url).toBe(`https://laptop:7717/#pair=${code}`);
    expect(await pairing.request({ code, publicKey, name: "ignored", peer })).toEqual({ ok: true, fingerprint: device.fingerprint });
    expect(op.confirm).toHaveBeenCalledWith({ fingerprint: device.fingerprint, keyType: "ssh-ed25519", name: "my-phone", from: "192.0.2.7:50000" });
    expect(readFileSync(path, "utf8")).toBe(`${publicKey} claude-relay:my-phone 2030-05-06\n`);
    expect(op.paired).toHaveBeenCalledWith({ fingerprint: device.fingerprint, name: "my-phone", added: true, path });
  });

  test("without --name the device's name is used, else `device`", async () => {
    const { pairing, path } = service();
    await pairing.request({ code: pairing.open(operator(async () => true)).code, publicKey, name: "Pixel 9", peer });
    expect(readFileSync(path, "utf8")).toContain(" claude-relay:Pixel-9 ");
    const other = service();
    await other.pairing.request({ code: other.pairing.open(operator(async () => true)).code, publicKey, peer });
    expect(readFileSync(other.path, "utf8")).toContain(" claude-relay:device ");
  });

  test("a code past its ten minutes is refused as expired (injected clock) and nothing is asked", async () => {
    let now = Date.parse("2030-05-06T07:08:09Z");
    const { pairing, path } = service(() => now);
    const op = operator(async () => true);
    const { code, expiresAt } = pairing.open(op);
    expect(expiresAt.getTime() - now).toBe(PAIRING_CODE_TTL_MS);
    now += PAIRING_CODE_TTL_MS;
    expect(await pairing.request({ code, publicKey, peer })).toEqual({ ok: false, kind: "bad_code", reason: "pairing code expired" });
    expect(op.confirm).not.toHaveBeenCalled();
    expect(readFileSync(path, "utf8")).toBe("");
  });

  test("declined: nothing added, the operator hears it ended", async () => {
    const { pairing, path } = service();
    const op = operator(async () => false);
    expect(await pairing.request({ code: pairing.open(op).code, publicKey, peer })).toMatchObject({ ok: false, kind: "declined" });
    expect(op.ended).toHaveBeenCalledWith("not added");
    expect(readFileSync(path, "utf8")).toBe("");
  });

  test("an operator that goes away while asked: declined", async () => {
    const { pairing } = service();
    const op = operator(() => Promise.reject(new Error("`claude-relay pair` went away")));
    expect(await pairing.request({ code: pairing.open(op).code, publicKey, peer })).toMatchObject({
      ok: false,
      kind: "declined",
      reason: expect.stringContaining("went away"),
    });
  });

  test("a closed operator's code is unknown; a bad key does not use up a code", async () => {
    const { pairing } = service();
    const gone = pairing.open(operator(async () => true)).code;
    pairing.close(gone);
    expect(await pairing.request({ code: gone, publicKey, peer })).toMatchObject({ ok: false, kind: "bad_code", reason: "pairing code unknown" });
    const { code } = pairing.open(operator(async () => true));
    expect(await pairing.request({ code, publicKey: "ssh-dss AAAA", peer })).toMatchObject({ ok: false, kind: "bad_key" });
    expect(await pairing.request({ code, publicKey, peer })).toMatchObject({ ok: true });
  });

  test("closeAll tells every waiting operator", () => {
    const { pairing } = service();
    const op = operator(async () => true);
    pairing.open(op);
    pairing.closeAll();
    expect(op.ended).toHaveBeenCalledWith("the relay is stopping");
  });
});
