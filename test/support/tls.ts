/**
 * TLS helpers for tests: certificates made by the real `openssl`, and the certificate a server
 * really presents (read with node:tls), with its fingerprint computed independently of src/.
 *
 * @example
 * ```ts
 * const { certPath, keyPath } = makeCertificate(dir, "a");
 * const served = await servedCertificate("wss://127.0.0.1:7717/ws");
 * served.fingerprint; // "SHA256:…" of the DER the server sent
 * ```
 */
import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { connect } from "node:tls";

export interface TestCertificate {
  certPath: string;
  keyPath: string;
  cert: string;
}

/** An ECDSA P-256 certificate (by default for 127.0.0.1 and localhost, for two days), made by openssl. */
export function makeCertificate(dir: string, name: string, subjectAltName = "IP:127.0.0.1,DNS:localhost", days = 2): TestCertificate {
  const certPath = join(dir, `${name}.crt`);
  const keyPath = join(dir, `${name}.key`);
  const result = spawnSync(
    "openssl",
    [
      "req",
      "-x509",
      "-newkey",
      "ec",
      "-pkeyopt",
      "ec_paramgen_curve:P-256",
      "-nodes",
      "-keyout",
      keyPath,
      "-out",
      certPath,
      "-days",
      String(days),
      "-subj",
      `/CN=${name}`,
      "-addext",
      `subjectAltName=${subjectAltName}`,
    ],
    { encoding: "utf8", timeout: 30_000 },
  );
  if (result.status !== 0) throw new Error(`openssl failed: ${result.stderr}`);
  return { certPath, keyPath, cert: readFileSync(certPath, "utf8") };
}

/**
 * A certificate signed by a CA of its own (made by openssl): `ca` is the CA's PEM, to trust it as
 * a system trusts Let's Encrypt or Tailscale's; the leaf is for `subjectAltName`.
 */
export function makeCaSignedCertificate(dir: string, name: string, subjectAltName = "IP:127.0.0.1,DNS:localhost"): TestCertificate & { ca: string } {
  const authority = makeCertificate(dir, `${name}-ca`, "DNS:unused.invalid");
  const keyPath = join(dir, `${name}.key`);
  const csrPath = join(dir, `${name}.csr`);
  const certPath = join(dir, `${name}.crt`);
  const extPath = join(dir, `${name}.ext`);
  writeFileSync(extPath, `subjectAltName=${subjectAltName}\n`);
  const run = (args: string[]) => {
    const result = spawnSync("openssl", args, { encoding: "utf8", timeout: 30_000 });
    if (result.status !== 0) throw new Error(`openssl ${args[0]} failed: ${result.stderr}`);
  };
  run(["req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-keyout", keyPath, "-out", csrPath, "-subj", `/CN=${name}`]);
  run([
    "x509",
    "-req",
    "-in",
    csrPath,
    "-CA",
    authority.certPath,
    "-CAkey",
    authority.keyPath,
    "-CAcreateserial",
    "-out",
    certPath,
    "-days",
    "2",
    "-extfile",
    extPath,
  ]);
  return { certPath, keyPath, cert: readFileSync(certPath, "utf8"), ca: authority.cert };
}

/** `SHA256:` + unpadded base64 of sha256(der), computed here rather than by src/. */
export function sha256Fingerprint(der: Uint8Array): string {
  return `SHA256:${createHash("sha256").update(der).digest("base64").replace(/=+$/, "")}`;
}

/** The certificate a TLS server at `url` presents (not verified: tests compare it themselves). */
export function servedCertificate(url: string): Promise<{ der: Buffer; fingerprint: string; subject: string }> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const socket = connect({ host: hostname.replace(/^\[|\]$/g, ""), port: Number(port), rejectUnauthorized: false, servername: "localhost" }, () => {
      const peer = socket.getPeerCertificate();
      socket.end();
      resolve({ der: peer.raw, fingerprint: sha256Fingerprint(peer.raw), subject: String(peer.subject?.CN ?? "") });
    });
    socket.once("error", reject);
  });
}
