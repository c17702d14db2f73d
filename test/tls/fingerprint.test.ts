import { afterAll, describe, expect, test } from "bun:test";
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { certificateFingerprint, hexOfFingerprint, leafCertificateDer, PemError } from "../../src/tls/fingerprint.ts";
import { makeTempDir, removeTempDir } from "../support/ssh.ts";
import { makeCertificate, sha256Fingerprint } from "../support/tls.ts";

const dir = makeTempDir("relay-fingerprint-");
afterAll(() => removeTempDir(dir));

describe("certificate fingerprints", () => {
  const leaf = makeCertificate(dir, "leaf");
  const other = makeCertificate(dir, "other");

  test("SHA256:<base64> of the leaf's DER, and the hex form openssl (and browsers) show", () => {
    const der = leafCertificateDer(leaf.cert);
    const fingerprint = certificateFingerprint(der);
    expect(fingerprint).toBe(sha256Fingerprint(der));
    expect(fingerprint).toMatch(/^SHA256:[A-Za-z0-9+/]{43}$/);
    const openssl = spawnSync("openssl", ["x509", "-in", leaf.certPath, "-noout", "-fingerprint", "-sha256"], { encoding: "utf8" });
    expect(`sha256 Fingerprint=${hexOfFingerprint(fingerprint)}`.toLowerCase()).toBe(openssl.stdout.trim().toLowerCase());
  });

  test("in a chain, the first certificate counts", () => {
    const chain = readFileSync(leaf.certPath, "utf8") + readFileSync(other.certPath, "utf8");
    expect(certificateFingerprint(leafCertificateDer(chain))).toBe(certificateFingerprint(leafCertificateDer(leaf.cert)));
  });

  test("text without a certificate is refused", () => {
    expect(() => leafCertificateDer("-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n")).toThrow(PemError);
    expect(() => leafCertificateDer("")).toThrow("no -----BEGIN CERTIFICATE----- block");
  });
});
