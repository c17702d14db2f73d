/**
 * The certificate the relay serves over its life: loaded at start-up, re-read on SIGHUP (a
 * renewed certificate, or the self-signed one made again for new addresses) and handed to the
 * listening server without a restart. A certificate that cannot be read on reload is logged and
 * the old one kept.
 *
 * @example
 * ```ts
 * const served = await ServedCertificate.load({ kind: "self-signed", stateDir }, log);
 * const server = await runtime.listen(app, { …, tls: served.current });
 * process.on("SIGHUP", () => void served.reload(server, runtime));
 * ```
 */
import type { Logger } from "../log/logger.ts";
import type { ListeningServer, RuntimeAdapter } from "../runtime/types.ts";
import { type LoadedCertificate, loadCertificate, type MachineContext, machineContext, TlsError, type TlsSource } from "./certificate.ts";
import { hexOfFingerprint } from "./fingerprint.ts";

/** A certificate this close to its end is warned about. */
const WARN_BEFORE_MS = 14 * 86_400_000;

/** See the module comment. */
export class ServedCertificate {
  readonly source: TlsSource;
  #current: LoadedCertificate;
  readonly #log: Logger;
  readonly #machine: () => MachineContext;

  /** Use {@link ServedCertificate.load}. */
  constructor(source: TlsSource, current: LoadedCertificate, log: Logger, machine: () => MachineContext) {
    this.source = source;
    this.#current = current;
    this.#log = log;
    this.#machine = machine;
  }

  /** Loads the certificate to start with; throws {@link TlsError} when it cannot be used. */
  static async load(source: TlsSource, log: Logger, machine: () => MachineContext = machineContext): Promise<ServedCertificate> {
    const served = new ServedCertificate(source, await loadCertificate(source, machine()), log, machine);
    served.#describe();
    return served;
  }

  get current(): LoadedCertificate {
    return this.#current;
  }

  /** Re-reads the certificate and, when it changed, serves new connections with it. */
  async reload(server: ListeningServer, runtime: RuntimeAdapter): Promise<void> {
    let next: LoadedCertificate;
    try {
      next = await loadCertificate(this.source, this.#machine());
    } catch (error) {
      if (!(error instanceof TlsError)) throw error;
      this.#log.error(`certificate not reloaded: ${error.message}; still serving ${this.#current.fingerprint}`);
      return;
    }
    if (next.fingerprint === this.#current.fingerprint) {
      this.#log.info("certificate reloaded: unchanged", { fingerprint: next.fingerprint });
      return;
    }
    await server.replaceCertificate(next);
    this.#current = next;
    this.#describe();
    this.#log.info(
      runtime.certificateSwapKeepsConnections
        ? "serving the new certificate to new connections; open connections are kept"
        : `serving the new certificate; open connections were closed (1001) because ${runtime.name} cannot keep them across a certificate change: clients reconnect and resume`,
    );
  }

  #describe(): void {
    const { fingerprint, notAfter, created } = this.#current;
    if (created) this.#log.info(created);
    this.#log.info(`TLS certificate ${fingerprint} (as a browser shows it, SHA-256: ${hexOfFingerprint(fingerprint)})`, {
      fingerprint,
      notAfter: notAfter.toISOString(),
    });
    const left = notAfter.getTime() - this.#machine().now.getTime();
    if (left <= 0) this.#log.warn(`the TLS certificate expired on ${notAfter.toISOString()}: clients will refuse it; renew it and send SIGHUP`);
    else if (left < WARN_BEFORE_MS) this.#log.warn(`the TLS certificate expires on ${notAfter.toISOString()}; renew it and send SIGHUP`);
  }
}
