/**
 * Makes and reads the relay's self-signed certificate with @peculiar/x509 (WebCrypto underneath,
 * so the same code runs on Bun, on Deno and in the compiled binary): an ECDSA P-256 key, a
 * certificate for the given names, valid for {@link VALIDITY_DAYS} days.
 *
 * Imported only when `--tls` is used, so the library costs nothing otherwise.
 *
 * @example
 * ```ts
 * const { cert, key } = await generateSelfSigned({ names, hostname: "laptop", now: new Date() });
 * describeCertificate(cert); // { names: { dns: ["localhost", …], ips: […] }, notAfter: Date }
 * ```
 */
import "reflect-metadata"; // @peculiar/x509 finds its parsers through tsyringe, which needs it
import type * as X509 from "@peculiar/x509";
import { type CertificateNames, canonicalIp } from "./names.ts";

// Imported once the polyfill ran: in the compiled binary a static import would be evaluated
// first (the bundler runs ES module dependencies before CommonJS ones such as reflect-metadata).
const x509: typeof X509 = await import("@peculiar/x509");

/** Below Apple's 825-day limit for TLS server certificates; renewed 30 days before it ends. */
export const VALIDITY_DAYS = 397;

const DAY_MS = 86_400_000;
const ALGORITHM = { name: "ECDSA", namedCurve: "P-256", hash: "SHA-256" } as const;

export interface CertificateAndKey {
  /** PEM certificate. */
  cert: string;
  /** PEM PKCS#8 private key. */
  key: string;
}

/**
 * A fresh key pair and a certificate for `names`. Valid from an hour before `now`, so a phone
 * whose clock runs a little behind accepts it.
 *
 * @example
 * await generateSelfSigned({ names: { dns: ["localhost"], ips: ["127.0.0.1"] }, hostname: "laptop", now: new Date() })
 */
export async function generateSelfSigned(input: { names: CertificateNames; hostname: string; now: Date }): Promise<CertificateAndKey> {
  const keys = (await crypto.subtle.generateKey(ALGORITHM, true, ["sign", "verify"])) as CryptoKeyPair;
  const certificate = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: randomSerial(),
    name: [{ CN: [`claude-relay on ${input.hostname}`] }, { O: ["claude-relay (self-signed)"] }],
    notBefore: new Date(input.now.getTime() - 3_600_000),
    notAfter: new Date(input.now.getTime() + VALIDITY_DAYS * DAY_MS),
    signingAlgorithm: ALGORITHM,
    keys,
    extensions: [...(await serverExtensions(input.names, keys.publicKey))],
  });
  return { cert: `${certificate.toString("pem")}\n`, key: await pemPrivateKey(keys.privateKey) };
}

/** A random 128-bit serial number (hex), positive as X.509 requires. Also used by local-ca.ts. */
export function randomSerial(): string {
  const serial = crypto.getRandomValues(new Uint8Array(16));
  serial[0]! &= 0x7f; // a positive INTEGER
  return Buffer.from(serial).toString("hex");
}

/** What a TLS server certificate for `names` carries: not a CA, signing only, serverAuth, the names, its key's id. */
export async function serverExtensions(names: CertificateNames, publicKey: CryptoKey): Promise<X509.Extension[]> {
  return [
    new x509.BasicConstraintsExtension(false, undefined, true),
    new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature, true),
    new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.serverAuth]),
    new x509.SubjectAlternativeNameExtension([
      ...names.dns.map((value) => ({ type: "dns" as const, value })),
      ...names.ips.map((value) => ({ type: "ip" as const, value })),
    ]),
    await x509.SubjectKeyIdentifierExtension.create(publicKey),
  ];
}

/** A private key as unencrypted PKCS#8 PEM. */
export async function pemPrivateKey(key: CryptoKey): Promise<string> {
  const pkcs8 = Buffer.from(await crypto.subtle.exportKey("pkcs8", key)).toString("base64");
  return `-----BEGIN PRIVATE KEY-----\n${pkcs8.match(/.{1,64}/g)!.join("\n")}\n-----END PRIVATE KEY-----\n`;
}

/**
 * The names a certificate covers and when it ends.
 *
 * @example
 * describeCertificate(readFileSync("cert.pem", "utf8")).notAfter
 */
export function describeCertificate(pem: string): { names: CertificateNames; notAfter: Date } {
  const certificate = new x509.X509Certificate(pem);
  const names: CertificateNames = { dns: [], ips: [] };
  for (const { type, value } of certificate.getExtension(x509.SubjectAlternativeNameExtension)?.names.items ?? []) {
    if (type === "dns") names.dns.push(value);
    if (type === "ip") names.ips.push(canonicalIp(value) ?? value);
  }
  return { names, notAfter: certificate.notAfter };
}
