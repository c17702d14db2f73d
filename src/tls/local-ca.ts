/**
 * `serve --tls --tls-ca`: a certificate authority of this relay's own, so a phone that installs
 * it once trusts the relay's https origin fully (service workers and Web Push need that; a
 * self-signed certificate accepted with a warning is not enough). The CA is ECDSA P-256, its key
 * 0600 in the state dir, and it carries a **critical X.509 name constraint** permitting only this
 * machine's DNS names and IP addresses (each address as a /32 or /128): even if its key leaked, it
 * could vouch for no other site. It signs the serving certificate (397 days, renewed as the
 * self-signed one is). Made with @peculiar/x509 and its ASN.1 schemas (WebCrypto underneath), so
 * the same code runs on Bun, Deno and in the compiled binary.
 *
 * @example
 * ```ts
 * const ca = await generateCa({ names, hostname: "laptop", now: new Date() });
 * const served = await signServerCertificate({ ca, names, now: new Date() });
 * permittedNames(ca.cert); // { dns: ["laptop", "laptop.local", "localhost"], ips: ["127.0.0.1", …] }
 * ```
 */
import "reflect-metadata"; // @peculiar/x509 finds its parsers through tsyringe, which needs it
import type * as Asn1X509 from "@peculiar/asn1-x509";
import type * as X509 from "@peculiar/x509";
import { type CertificateNames, canonicalIp } from "./names.ts";
import { type CertificateAndKey, pemPrivateKey, randomSerial, serverExtensions } from "./self-signed.ts";

// Imported once the polyfill ran (see self-signed.ts).
const x509: typeof X509 = await import("@peculiar/x509");
const asn1: typeof Asn1X509 = await import("@peculiar/asn1-x509");
const { AsnConvert } = await import("@peculiar/asn1-schema");

/** A CA on a phone is installed by hand: it should outlive several serving certificates. */
export const CA_VALIDITY_DAYS = 5 * 365;
/** As the self-signed certificate: below Apple's 825-day limit for TLS server certificates. */
export const SERVER_VALIDITY_DAYS = 397;

const DAY_MS = 86_400_000;
const ALGORITHM = { name: "ECDSA", namedCurve: "P-256", hash: "SHA-256" } as const;
const NAME_CONSTRAINTS_OID = "2.5.29.30";

/**
 * A new CA for `names`, named after this machine.
 *
 * @example
 * await generateCa({ names: { dns: ["localhost"], ips: ["127.0.0.1"] }, hostname: "laptop", now: new Date() })
 */
export async function generateCa(input: { names: CertificateNames; hostname: string; now: Date }): Promise<CertificateAndKey> {
  const keys = (await crypto.subtle.generateKey(ALGORITHM, true, ["sign", "verify"])) as CryptoKeyPair;
  const certificate = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: randomSerial(),
    name: [{ CN: [`claude-relay CA for ${input.hostname}`] }, { O: ["claude-relay (local, name-constrained)"] }],
    notBefore: new Date(input.now.getTime() - 3_600_000),
    notAfter: new Date(input.now.getTime() + CA_VALIDITY_DAYS * DAY_MS),
    signingAlgorithm: ALGORITHM,
    keys,
    extensions: [
      new x509.BasicConstraintsExtension(true, 0, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true),
      nameConstraints(input.names),
      await x509.SubjectKeyIdentifierExtension.create(keys.publicKey),
    ],
  });
  return { cert: `${certificate.toString("pem")}\n`, key: await pemPrivateKey(keys.privateKey) };
}

/**
 * The serving certificate for `names`, signed by `ca`.
 *
 * @example
 * await signServerCertificate({ ca, names, now: new Date() })
 */
export async function signServerCertificate(input: { ca: CertificateAndKey; names: CertificateNames; now: Date }): Promise<CertificateAndKey> {
  const authority = new x509.X509Certificate(input.ca.cert);
  const caKey = await importKey(input.ca.key);
  const keys = (await crypto.subtle.generateKey(ALGORITHM, true, ["sign", "verify"])) as CryptoKeyPair;
  const certificate = await x509.X509CertificateGenerator.create({
    serialNumber: randomSerial(),
    subject: [{ CN: [input.names.dns.find((name) => name !== "localhost") ?? "localhost"] }, { O: ["claude-relay"] }],
    issuer: authority.subject,
    notBefore: new Date(input.now.getTime() - 3_600_000),
    notAfter: new Date(input.now.getTime() + SERVER_VALIDITY_DAYS * DAY_MS),
    signingAlgorithm: ALGORITHM,
    publicKey: keys.publicKey,
    signingKey: caKey,
    extensions: [...(await serverExtensions(input.names, keys.publicKey)), await x509.AuthorityKeyIdentifierExtension.create(authority, false)],
  });
  return { cert: `${certificate.toString("pem")}\n`, key: await pemPrivateKey(keys.privateKey) };
}

/**
 * The names a CA's name constraint permits (empty when it has none).
 *
 * @example
 * permittedNames(readFileSync("ca.pem", "utf8")).ips // ["127.0.0.1", "192.168.1.20", "::1"]
 */
export function permittedNames(caPem: string): CertificateNames {
  const extension = new x509.X509Certificate(caPem).getExtension(NAME_CONSTRAINTS_OID);
  const names: CertificateNames = { dns: [], ips: [] };
  if (!extension) return names;
  const parsed = AsnConvert.parse(extension.value, asn1.NameConstraints);
  for (const subtree of parsed.permittedSubtrees ?? []) {
    if (subtree.base.dNSName !== undefined) names.dns.push(subtree.base.dNSName);
    if (subtree.base.iPAddress !== undefined) names.ips.push(canonicalIp(subtree.base.iPAddress.replace(/\/\d+$/, "")) ?? subtree.base.iPAddress);
  }
  return names;
}

/** The DER bytes of a PEM certificate (what `GET /ca.crt` and the iOS profile carry). */
export function certificateDer(pem: string): Uint8Array {
  return new Uint8Array(new x509.X509Certificate(pem).rawData);
}

function nameConstraints(names: CertificateNames): X509.Extension {
  const permitted = new asn1.GeneralSubtrees([
    ...names.dns.map((dNSName) => new asn1.GeneralSubtree({ base: new asn1.GeneralName({ dNSName }) })),
    ...names.ips.map((ip) => new asn1.GeneralSubtree({ base: new asn1.GeneralName({ iPAddress: `${ip}/${ip.includes(":") ? 128 : 32}` }) })),
  ]);
  const value = AsnConvert.serialize(new asn1.NameConstraints({ permittedSubtrees: permitted }));
  return new x509.Extension(NAME_CONSTRAINTS_OID, true, value);
}

async function importKey(pem: string): Promise<CryptoKey> {
  const der = Buffer.from(pem.replace(/-----[^-]+-----|\s/g, ""), "base64");
  return crypto.subtle.importKey("pkcs8", der, ALGORITHM, false, ["sign"]);
}
