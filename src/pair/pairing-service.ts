/**
 * Pairing a device: the person at the laptop runs `claude-relay pair` (an *operator*, reached
 * through the control socket), gets a one-time code, and the device that opens the pairing link
 * sends `pair.request` with that code and its public key. The operator confirms (or `--yes`
 * did beforehand); the key is then appended to authorized_keys and works at the device's next
 * login, because the key store re-reads the file.
 *
 * @example
 * ```ts
 * const pairing = new PairingService({ authorizedKeysPath, pairingUrl: (code) => `https://laptop:7717/#pair=${code}`, log });
 * const { url } = pairing.open(operator, { name: "phone" });     // for `claude-relay pair`
 * const verdict = await pairing.request({ code, publicKey, peer }); // from the gateway
 * ```
 */
import type { Logger } from "../log/logger.ts";
import { formatHostPort, type PeerInfo } from "../runtime/types.ts";
import type { PairingPort, PairVerdict } from "../server/gateway.ts";
import { AuthorizedKeysFile } from "./authorized-keys-file.ts";
import { PairingCodes } from "./codes.ts";
import { parseDeviceKey } from "./device-key.ts";

/** What the person at the laptop is shown before a key is added. */
export interface PairingProposal {
  fingerprint: string;
  keyType: string;
  name: string;
  /** host:port the device connected from. */
  from: string;
}

/** One waiting `claude-relay pair`. */
export interface PairingOperator {
  /** Asks whether to add the key; true adds it. */
  confirm(proposal: PairingProposal): Promise<boolean>;
  /** The key is in authorized_keys (`added` false: it already was). */
  paired(result: { fingerprint: string; name: string; added: boolean; path: string }): void;
  /** The pairing ended without a key added (the message says why). */
  ended(message: string): void;
}

export interface PairingServiceOptions {
  authorizedKeysPath: string;
  /** The link a device opens for `code`. */
  pairingUrl: (code: string) => string;
  log: Logger;
  /** The clock for code expiry and the date in the key's comment; injected in tests. */
  now?: () => number;
  random?: (size: number) => Uint8Array;
}

interface Waiting {
  operator: PairingOperator;
  name: string | undefined;
  timer: ReturnType<typeof setTimeout>;
}

const NAME_MAX = 64;

/** See the module comment. One per relay; the gateway calls {@link PairingService.request}. */
export class PairingService implements PairingPort {
  readonly #codes: PairingCodes<Waiting>;
  readonly #file: AuthorizedKeysFile;
  readonly #options: PairingServiceOptions;
  readonly #open = new Map<string, Waiting>();
  readonly #now: () => number;

  constructor(options: PairingServiceOptions) {
    this.#options = options;
    this.#now = options.now ?? Date.now;
    this.#codes = new PairingCodes({ now: this.#now, ...(options.random && { random: options.random }) });
    this.#file = new AuthorizedKeysFile(options.authorizedKeysPath);
  }

  /**
   * A code for `operator`, who is told through `ended` when it expires unused.
   *
   * @example
   * pairing.open(operator, { name: "phone" }) // { code, url, expiresAt }
   */
  open(operator: PairingOperator, options: { name?: string } = {}): { code: string; url: string; expiresAt: Date } {
    const waiting: Waiting = { operator, name: options.name === undefined ? undefined : deviceName(options.name), timer: undefined! };
    const { code, expiresAt } = this.#codes.issue(waiting);
    waiting.timer = setTimeout(() => {
      if (this.#open.delete(code)) operator.ended("the pairing code expired unused; run `claude-relay pair` again");
    }, expiresAt - this.#now());
    waiting.timer.unref?.();
    this.#open.set(code, waiting);
    this.#options.log.info("pairing code issued", { expiresAt: new Date(expiresAt).toISOString(), name: waiting.name });
    return { code, url: this.#options.pairingUrl(code), expiresAt: new Date(expiresAt) };
  }

  /** The operator went away: its code can no longer be used. */
  close(code: string): void {
    const waiting = this.#open.get(code);
    if (!waiting) return;
    clearTimeout(waiting.timer);
    this.#open.delete(code);
    this.#codes.revoke(code);
  }

  /** Stops every waiting pairing (the relay is stopping). */
  closeAll(): void {
    for (const [code, waiting] of this.#open) {
      this.close(code);
      waiting.operator.ended("the relay is stopping");
    }
  }

  /**
   * Handles a device's `pair.request`. The key is checked before the code, so a client that sends
   * an unusable key does not use up the person's code.
   */
  async request(input: { code: string; publicKey: string; name?: string; peer: PeerInfo }): Promise<PairVerdict> {
    const parsed = parseDeviceKey(input.publicKey);
    if (!parsed.ok) return { ok: false, kind: "bad_key", reason: parsed.reason };
    const claim = this.#codes.claim(input.code);
    if (!claim.ok) return { ok: false, kind: "bad_code", reason: `pairing code ${claim.reason}` };
    const waiting = claim.owner;
    clearTimeout(waiting.timer);
    this.#open.delete(input.code);
    const { key } = parsed;
    const name = waiting.name ?? deviceName(input.name ?? "device");
    const proposal = { fingerprint: key.fingerprint, keyType: key.type, name, from: formatHostPort(input.peer.address, input.peer.port) };
    let accepted: boolean;
    try {
      accepted = await withDeadline(waiting.operator.confirm(proposal), claim.expiresAt - this.#now());
    } catch (error) {
      waiting.operator.ended(`no answer: ${(error as Error).message}`);
      return { ok: false, kind: "declined", reason: `no confirmation: ${(error as Error).message}` };
    }
    if (!accepted) {
      waiting.operator.ended("not added");
      return { ok: false, kind: "declined", reason: "the person at the relay declined" };
    }
    const date = new Date(this.#now()).toISOString().slice(0, 10);
    try {
      const result = this.#file.add(key.blob, `${key.type} ${key.base64} claude-relay:${name} ${date}`);
      this.#options.log.info(result.added ? "paired a device: key added to authorized_keys" : "paired a device whose key was already authorized", {
        fingerprint: key.fingerprint,
        name,
        path: result.path,
      });
      waiting.operator.paired({ fingerprint: key.fingerprint, name, ...result });
      return { ok: true, fingerprint: key.fingerprint };
    } catch (error) {
      const reason = `cannot write ${this.#options.authorizedKeysPath}: ${(error as Error).message}`;
      this.#options.log.error("pairing failed", { reason });
      waiting.operator.ended(reason);
      return { ok: false, kind: "internal", reason };
    }
  }
}

/** A name that is one word in the key's comment: letters, digits and `._@-`, others as `-`. */
function deviceName(raw: string): string {
  const name = raw
    .trim()
    .replace(/[^A-Za-z0-9._@-]+/g, "-")
    .replace(/^-+|-+$/g, "")
    .slice(0, NAME_MAX);
  return name || "device";
}

function withDeadline<T>(promise: Promise<T>, ms: number): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error("the pairing code expired while waiting")), Math.max(0, ms));
    timer.unref?.();
    promise.then(
      (value) => {
        clearTimeout(timer);
        resolve(value);
      },
      (error: unknown) => {
        clearTimeout(timer);
        reject(error);
      },
    );
  });
}
