/**
 * The files of `serve --tls --tls-ca` in the state dir (`tls-ca/`): the CA (`ca.pem`, its key
 * `ca-key.pem` 0600) and the serving certificate it signed (`cert.pem`, `key.pem` 0600). Made the
 * first time; the serving certificate is made again when this machine has a name it lacks, when
 * fewer than 30 days remain, or when the CA changed. The CA itself is made again only when this
 * machine has a name its constraint does not permit (or it nears its end): then devices must
 * install the new one, and the log says so.
 *
 * @example
 * ```ts
 * const loaded = await loadCaSigned(stateDir, machineContext());
 * loaded.ca; // PEM of the CA, for GET /ca.crt
 * ```
 */
import { X509Certificate } from "node:crypto";
import { chmodSync, mkdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { writeFileAtomically } from "../shared/atomic-write.ts";
import { checkPair, type LoadedCertificate, type MachineContext, RENEW_BEFORE_DAYS, TlsError } from "./certificate.ts";
import { generateCa, permittedNames, signServerCertificate } from "./local-ca.ts";
import { certificateNames, missingNames } from "./names.ts";
import { describeCertificate } from "./self-signed.ts";

/** Loads (making what is missing or outdated) the CA and the serving certificate it signed. */
export async function loadCaSigned(stateDir: string, machine: MachineContext): Promise<LoadedCertificate> {
  const dir = join(stateDir, "tls-ca");
  const paths = { ca: join(dir, "ca.pem"), caKey: join(dir, "ca-key.pem"), cert: join(dir, "cert.pem"), key: join(dir, "key.pem") };
  const wanted = certificateNames(machine);
  const notes: string[] = [];
  const daysLeft = (notAfter: Date) => (notAfter.getTime() - machine.now.getTime()) / 86_400_000;

  let ca = readPair(paths.ca, paths.caKey);
  const caMissing = ca ? missingNames(permittedNames(ca.cert), wanted) : [];
  if (!ca || caMissing.length > 0 || daysLeft(ca.notAfter) < RENEW_BEFORE_DAYS) {
    const why = !ca
      ? ""
      : caMissing.length > 0
        ? ` (this machine has names the old one did not permit: ${caMissing.join(", ")})`
        : " (the old one nears its end)";
    const made = await generateCa({ names: wanted, hostname: machine.hostname, now: machine.now });
    store(dir, () => {
      writeFileAtomically(paths.caKey, made.key, 0o600);
      writeFileAtomically(paths.ca, made.cert, 0o644);
    });
    ca = checkPair(made.cert, made.key, paths.ca, paths.caKey);
    notes.push(
      `made a local certificate authority in ${dir}${why}: install it once on each device from /ca.crt (iOS: /ca.mobileconfig), see docs/remote-access.md`,
    );
  }

  let served = readPair(paths.cert, paths.key);
  const stale =
    !served ||
    !new X509Certificate(served.cert).checkIssued(new X509Certificate(ca.cert)) ||
    missingNames(describeCertificate(served.cert).names, wanted).length > 0 ||
    daysLeft(served.notAfter) < RENEW_BEFORE_DAYS;
  if (stale) {
    const made = await signServerCertificate({ ca, names: wanted, now: machine.now });
    store(dir, () => {
      writeFileAtomically(paths.key, made.key, 0o600);
      writeFileAtomically(paths.cert, made.cert, 0o644);
    });
    served = checkPair(made.cert, made.key, paths.cert, paths.key);
    notes.push("the local CA signed a new serving certificate");
  }
  return { ...served!, ca: ca.cert, ...(notes.length > 0 && { created: notes.join("; ") }) };
}

/** The pair, or undefined when it is missing or unusable (it is made again). */
function readPair(certPath: string, keyPath: string): LoadedCertificate | undefined {
  try {
    return checkPair(readFileSync(certPath, "utf8"), readFileSync(keyPath, "utf8"), certPath, keyPath);
  } catch {
    return undefined;
  }
}

function store(dir: string, write: () => void): void {
  try {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    chmodSync(dir, 0o700);
    write();
  } catch (error) {
    throw new TlsError(`cannot store the local CA's files in ${dir}: ${(error as Error).message}; check --state-dir`);
  }
}
