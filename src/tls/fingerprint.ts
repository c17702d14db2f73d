/**
 * Certificate fingerprints in the two forms people compare: `SHA256:<base64>` (as `ssh-keygen -l`
 * prints key fingerprints, and as the challenge's `tls:` line carries it) and the colon-separated
 * hex a browser's certificate viewer shows. Both are SHA-256 over the certificate's DER bytes.
 *
 * @example
 * ```ts
 * const der = leafCertificateDer(pemText);
 * const fingerprint = certificateFingerprint(der); // "SHA256:qL3p…"
 * hexOfFingerprint(fingerprint);                    // "A8:BD:E9:…"
 * ```
 */
import { fingerprintOf } from "../ssh/public-key.ts";

/** A PEM text that holds no certificate. */
export class PemError extends Error {
  override readonly name = "PemError";
}

const CERTIFICATE_BLOCK = /-----BEGIN CERTIFICATE-----\r?\n([A-Za-z0-9+/=\r\n]+?)-----END CERTIFICATE-----/;

/**
 * The DER bytes of the first certificate in a PEM chain (the leaf, which the server presents).
 *
 * @example
 * leafCertificateDer(readFileSync("fullchain.pem", "utf8")).length // 1290
 */
export function leafCertificateDer(pem: string): Uint8Array {
  const match = CERTIFICATE_BLOCK.exec(pem);
  if (!match) throw new PemError("no -----BEGIN CERTIFICATE----- block found");
  const der = Buffer.from(match[1]!.replace(/\s+/g, ""), "base64");
  if (der.length === 0) throw new PemError("the certificate block is empty");
  return new Uint8Array(der);
}

/**
 * `SHA256:` + unpadded base64 of sha256(DER): the same form as SSH key fingerprints.
 *
 * @example
 * certificateFingerprint(der) // "SHA256:Jg0R1mN6lM9nP0h6m1cX2mG0m1M3pPZlK4s0Vq2c7xY"
 */
export function certificateFingerprint(der: Uint8Array): string {
  return fingerprintOf(der);
}

/**
 * The hex form of a `SHA256:<base64>` fingerprint: upper-case bytes joined by colons, as browsers
 * show a certificate's "SHA-256 fingerprint".
 *
 * @example
 * hexOfFingerprint("SHA256:" + "A".repeat(43)) // "00:00:…"
 */
export function hexOfFingerprint(fingerprint: string): string {
  const bytes = Buffer.from(fingerprint.replace(/^SHA256:/, ""), "base64");
  return bytes.toString("hex").toUpperCase().match(/../g)!.join(":");
}
