/**
 * One-time pairing codes: 144 random bits in base64url, valid for ten minutes, good for one
 * `pair.request`. A code is claimed by the first request that names it (concurrent requests:
 * one wins), whatever comes of the request afterwards. Pure apart from the injected clock and
 * randomness.
 *
 * @example
 * ```ts
 * const codes = new PairingCodes<Operator>();
 * const { code } = codes.issue(operator);
 * codes.claim(code);  // { ok: true, owner: operator }
 * codes.claim(code);  // { ok: false, reason: "used" }
 * ```
 */
import { randomBytes } from "node:crypto";

export const PAIRING_CODE_TTL_MS = 10 * 60_000;
/** 144 bits: 24 base64url characters, no padding. */
export const PAIRING_CODE_BYTES = 18;

export type ClaimFailure = "unknown" | "used" | "expired";
export type ClaimResult<T> = { ok: true; owner: T; expiresAt: number } | { ok: false; reason: ClaimFailure };

interface Entry<T> {
  owner: T;
  expiresAt: number;
  used: boolean;
}

export interface PairingCodesOptions {
  now?: () => number;
  random?: (size: number) => Uint8Array;
  ttlMs?: number;
}

/** See the module comment; `T` is whatever waits for the code (the `pair` process). */
export class PairingCodes<T> {
  readonly #entries = new Map<string, Entry<T>>();
  readonly #now: () => number;
  readonly #random: (size: number) => Uint8Array;
  readonly #ttlMs: number;

  constructor(options: PairingCodesOptions = {}) {
    this.#now = options.now ?? Date.now;
    this.#random = options.random ?? ((size) => new Uint8Array(randomBytes(size)));
    this.#ttlMs = options.ttlMs ?? PAIRING_CODE_TTL_MS;
  }

  /** A fresh code for `owner`. */
  issue(owner: T): { code: string; expiresAt: number } {
    this.#sweep();
    const code = Buffer.from(this.#random(PAIRING_CODE_BYTES)).toString("base64url");
    const expiresAt = this.#now() + this.#ttlMs;
    this.#entries.set(code, { owner, expiresAt, used: false });
    return { code, expiresAt };
  }

  /** Uses up `code`: its owner, or why it cannot be used. */
  claim(code: string): ClaimResult<T> {
    this.#sweep();
    const entry = this.#entries.get(code);
    if (!entry) return { ok: false, reason: "unknown" };
    if (entry.used) return { ok: false, reason: "used" };
    if (this.#now() >= entry.expiresAt) return { ok: false, reason: "expired" };
    entry.used = true;
    return { ok: true, owner: entry.owner, expiresAt: entry.expiresAt };
  }

  /** Forgets a code (its `pair` process went away): it is then unknown. */
  revoke(code: string): void {
    this.#entries.delete(code);
  }

  /** Entries are kept for one more lifetime after they end, so a late try is told "expired" or "used", not "unknown". */
  #sweep(): void {
    const now = this.#now();
    for (const [code, entry] of this.#entries) if (now >= entry.expiresAt + this.#ttlMs) this.#entries.delete(code);
  }
}
