/**
 * The certificate the relay serves: the user's own (`--tls-cert`/`--tls-key`, read and checked)
 * or the self-signed one kept in the state dir (`--tls`: made once, reused across restarts, made
 * again when this machine has an address it does not cover or when it nears its end). Called at
 * start-up and again on SIGHUP, so a renewed certificate is picked up without a restart.
 *
 * @example
 * ```ts
 * const loaded = await loadCertificate({ kind: "self-signed", stateDir }, machineContext());
 * loaded.fingerprint; // "SHA256:…"  (also tagged onto every peer served with it)
 * ```
 */
import { createPrivateKey, type KeyObject, X509Certificate } from "node:crypto";
import { chmodSync, mkdirSync, readFileSync } from "node:fs";
import { hostname, networkInterfaces } from "node:os";
import { join } from "node:path";
import type { TlsCertificate } from "../runtime/types.ts";
import { writeFileAtomically } from "../shared/atomic-write.ts";
import { certificateFingerprint, leafCertificateDer, PemError } from "./fingerprint.ts";
import { certificateNames, type Interfaces, missingNames } from "./names.ts";

export type TlsSource =
  | { kind: "files"; certPath: string; keyPath: string }
  | { kind: "self-signed"; stateDir: string }
  /** `--tls --tls-ca`: a certificate signed by the relay's own name-constrained CA (local-ca.ts). */
  | { kind: "local-ca"; stateDir: string };

/** A certificate or key that cannot be used; the message names the file and what to do. */
export class TlsError extends Error {
  override readonly name = "TlsError";
}

export interface LoadedCertificate extends TlsCertificate {
  notAfter: Date;
  /** Set when the self-signed certificate was made just now: what to tell the user. */
  created?: string;
  /** With `--tls-ca`: the CA's certificate (PEM) devices install (`GET /ca.crt`). */
  ca?: string;
}

/** What the self-signed certificate depends on; injected in tests. */
export interface MachineContext {
  now: Date;
  hostname: string;
  interfaces: Interfaces;
}

/** A self-signed certificate is made again when fewer days than this remain. */
export const RENEW_BEFORE_DAYS = 30;

/**
 * This machine's host name and addresses, now.
 *
 * @example
 * await loadCertificate(source, machineContext())
 */
export function machineContext(): MachineContext {
  return { now: new Date(), hostname: hostname(), interfaces: networkInterfaces() };
}

/**
 * Loads (and for `self-signed`, makes if needed) the certificate to serve.
 *
 * @example
 * await loadCertificate({ kind: "files", certPath: "/etc/relay/fullchain.pem", keyPath: "/etc/relay/privkey.pem" }, machineContext())
 */
export async function loadCertificate(source: TlsSource, machine: MachineContext): Promise<LoadedCertificate> {
  if (source.kind === "files") {
    const cert = readPem(source.certPath, "--tls-cert");
    const key = readPem(source.keyPath, "--tls-key");
    return checkPair(cert, key, `--tls-cert ${source.certPath}`, `--tls-key ${source.keyPath}`);
  }
  if (source.kind === "local-ca") return (await import("./ca-signed.ts")).loadCaSigned(source.stateDir, machine);
  return loadSelfSigned(source.stateDir, machine);
}

async function loadSelfSigned(stateDir: string, machine: MachineContext): Promise<LoadedCertificate> {
  const dir = join(stateDir, "tls");
  const certPath = join(dir, "cert.pem");
  const keyPath = join(dir, "key.pem");
  const { describeCertificate, generateSelfSigned } = await import("./self-signed.ts");
  const wanted = certificateNames(machine);
  let created: string;
  try {
    const existing = checkPair(readFileSync(certPath, "utf8"), readFileSync(keyPath, "utf8"), certPath, keyPath);
    const { names, notAfter } = describeCertificate(existing.cert);
    const missing = missingNames(names, wanted);
    const daysLeft = (notAfter.getTime() - machine.now.getTime()) / 86_400_000;
    if (missing.length === 0 && daysLeft >= RENEW_BEFORE_DAYS) return existing;
    created = renewal(
      missing.length > 0 ? `this machine has names the old one did not cover: ${missing.join(", ")}` : `the old one ends ${notAfter.toISOString()}`,
    );
  } catch (error) {
    created =
      (error as NodeJS.ErrnoException).code === "ENOENT"
        ? `made a self-signed certificate in ${dir}`
        : renewal(`the old one is unusable: ${(error as Error).message}`);
  }
  const made = await generateSelfSigned({ names: wanted, hostname: machine.hostname, now: machine.now });
  try {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    chmodSync(dir, 0o700);
    // The key first: a crash in between leaves a pair that does not match, which is made again.
    writeFileAtomically(keyPath, made.key, 0o600);
    writeFileAtomically(certPath, made.cert, 0o644);
  } catch (error) {
    throw new TlsError(`cannot store the self-signed certificate in ${dir}: ${(error as Error).message}; check --state-dir`);
  }
  return { ...checkPair(made.cert, made.key, certPath, keyPath), created };
}

function renewal(why: string): string {
  return `made a new self-signed certificate (${why}); devices that trusted the old one will warn once more`;
}

/** The certificate and its key, checked to belong together; throws {@link TlsError} naming the files. */
export function checkPair(cert: string, key: string, certName: string, keyName: string): LoadedCertificate {
  let parsed: X509Certificate;
  let fingerprint: string;
  try {
    fingerprint = certificateFingerprint(leafCertificateDer(cert));
    parsed = new X509Certificate(cert);
  } catch (error) {
    const why = error instanceof PemError ? error.message : "not a valid X.509 certificate";
    throw new TlsError(`${certName} is not a PEM certificate (${why})`);
  }
  let privateKey: KeyObject;
  try {
    privateKey = createPrivateKey(key);
  } catch {
    throw new TlsError(`${keyName} is not an unencrypted PEM private key`);
  }
  if (!parsed.checkPrivateKey(privateKey)) throw new TlsError(`${keyName} is not the private key of ${certName}`);
  return { cert, key, fingerprint, notAfter: new Date(parsed.validTo) };
}

function readPem(path: string, flag: string): string {
  try {
    return readFileSync(path, "utf8");
  } catch (error) {
    throw new TlsError(`cannot read ${flag} ${path}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
  }
}
