import { afterAll, describe, expect, test } from "bun:test";
import { spawnSync } from "node:child_process";
import { X509Certificate } from "node:crypto";
import { readFileSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { loadCertificate, type MachineContext, TlsError } from "../../src/tls/certificate.ts";
import { VALIDITY_DAYS } from "../../src/tls/self-signed.ts";
import { makeTempDir, removeTempDir } from "../support/ssh.ts";
import { makeCertificate, sha256Fingerprint } from "../support/tls.ts";

const dir = makeTempDir("relay-certificate-");
afterAll(() => removeTempDir(dir));

const DAY = 86_400_000;
const lan = (address: string): MachineContext["interfaces"] => ({ lo: [{ address: "127.0.0.1", family: "IPv4" }], en0: [{ address, family: "IPv4" }] });
const machine = (overrides: Partial<MachineContext> = {}): MachineContext => ({
  now: new Date("2030-01-01T00:00:00Z"),
  hostname: "laptop",
  interfaces: lan("192.168.1.20"),
  ...overrides,
});

describe("--tls: the self-signed certificate in the state dir", () => {
  const stateDir = join(dir, "state");
  const source = { kind: "self-signed" as const, stateDir };
  let first: Awaited<ReturnType<typeof loadCertificate>>;

  test("is made once: ECDSA P-256, for this machine's names, key 0600 in a 0700 directory", async () => {
    first = await loadCertificate(source, machine());
    expect(first.created).toContain("made a self-signed certificate");
    const cert = new X509Certificate(first.cert);
    expect(cert.subjectAltName).toBe("DNS:laptop, DNS:laptop.local, DNS:localhost, IP Address:127.0.0.1, IP Address:192.168.1.20, IP Address:0:0:0:0:0:0:0:1");
    expect(cert.publicKey.asymmetricKeyDetails).toMatchObject({ namedCurve: "prime256v1" });
    expect(cert.verify(cert.publicKey)).toBe(true);
    expect(cert.ca).toBe(false);
    expect(new Date(cert.validTo).getTime() - new Date("2030-01-01T00:00:00Z").getTime()).toBeGreaterThan((VALIDITY_DAYS - 1) * DAY);
    expect(first.fingerprint).toBe(sha256Fingerprint(cert.raw));
    expect(statSync(join(stateDir, "tls")).mode & 0o777).toBe(0o700);
    expect(statSync(join(stateDir, "tls", "key.pem")).mode & 0o777).toBe(0o600);
    const text = spawnSync("openssl", ["x509", "-in", join(stateDir, "tls", "cert.pem"), "-noout", "-text"], { encoding: "utf8" }).stdout;
    expect(text).toContain("TLS Web Server Authentication");
    expect(text).toContain("ecdsa-with-SHA256");
  });

  test("is reused across restarts, also when an address went away", async () => {
    expect((await loadCertificate(source, machine())).fingerprint).toBe(first.fingerprint);
    const fewer = await loadCertificate(source, machine({ interfaces: { lo: [{ address: "127.0.0.1", family: "IPv4" }] } }));
    expect(fewer.fingerprint).toBe(first.fingerprint);
    expect(fewer.created).toBeUndefined();
  });

  test("is made again when this machine has an address it does not cover", async () => {
    const moved = await loadCertificate(source, machine({ interfaces: lan("10.0.0.7") }));
    expect(moved.fingerprint).not.toBe(first.fingerprint);
    expect(moved.created).toContain("names the old one did not cover: 10.0.0.7");
    expect(new X509Certificate(moved.cert).subjectAltName).toContain("IP Address:10.0.0.7");
    first = moved;
  });

  test("is made again 30 days before it ends", async () => {
    const later = machine({ interfaces: lan("10.0.0.7"), now: new Date(Date.parse("2030-01-01T00:00:00Z") + (VALIDITY_DAYS - 29) * DAY) });
    const renewed = await loadCertificate(source, later);
    expect(renewed.fingerprint).not.toBe(first.fingerprint);
    expect(renewed.created).toContain("the old one ends");
    first = renewed;
  });

  test("is made again when the key on disk does not belong to it", async () => {
    writeFileSync(join(stateDir, "tls", "key.pem"), readFileSync(makeCertificate(dir, "stray").keyPath));
    const remade = await loadCertificate(source, machine({ interfaces: lan("10.0.0.7"), now: first.notAfter }));
    expect(remade.created).toContain("unusable");
    expect(remade.fingerprint).not.toBe(first.fingerprint);
  });
});

describe("--tls-cert/--tls-key", () => {
  const pair = makeCertificate(dir, "mine");
  const other = makeCertificate(dir, "other");
  const files = (certPath: string, keyPath: string) => ({ kind: "files" as const, certPath, keyPath });

  test("a matching pair is served with its fingerprint and end date", async () => {
    const loaded = await loadCertificate(files(pair.certPath, pair.keyPath), machine());
    expect(loaded.fingerprint).toBe(sha256Fingerprint(new X509Certificate(pair.cert).raw));
    expect(loaded.notAfter.getTime()).toBe(new Date(new X509Certificate(pair.cert).validTo).getTime());
    expect(loaded.created).toBeUndefined();
  });

  test.each([
    ["a key of another certificate", () => files(pair.certPath, other.keyPath), "is not the private key of --tls-cert"],
    ["a missing certificate", () => files(join(dir, "nope.crt"), pair.keyPath), `cannot read --tls-cert ${join(dir, "nope.crt")}: ENOENT`],
    ["a certificate that is a key", () => files(pair.keyPath, pair.keyPath), "is not a PEM certificate"],
    ["a key that is a certificate", () => files(pair.certPath, pair.certPath), "is not an unencrypted PEM private key"],
  ])("%s is refused with a message naming the flag", async (_what, source, message) => {
    const error = await loadCertificate(source(), machine()).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(TlsError);
    expect((error as TlsError).message).toContain(message);
  });

  test("an encrypted key is refused", async () => {
    const encrypted = join(dir, "encrypted.key");
    const result = spawnSync("openssl", ["pkcs8", "-topk8", "-in", pair.keyPath, "-out", encrypted, "-passout", "pass:secret"], { encoding: "utf8" });
    expect(result.status).toBe(0);
    await expect(loadCertificate(files(pair.certPath, encrypted), machine())).rejects.toThrow("is not an unencrypted PEM private key");
  });
});
