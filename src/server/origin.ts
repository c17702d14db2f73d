/**
 * The WebSocket Origin rule: a browser page may open `/ws` only when it was served from the very
 * origin it connects to (scheme, host and port of the `Host` the request was sent to), or from
 * the `--public-url` origin a proxy in front of the relay serves. A page on another site must
 * never drive a session. Clients that send no `Origin` (the terminal client, scripts) are not
 * browsers and are not affected.
 *
 * @example
 * ```ts
 * originAllowed({ origin: "https://laptop:7717", host: "laptop:7717", secure: true });   // true
 * originAllowed({ origin: "https://evil.example", host: "laptop:7717", secure: true });  // false
 * ```
 */

export interface OriginCheck {
  /** The request's Origin header. */
  origin: string;
  /** The request's Host header. */
  host: string;
  /** The relay itself serves TLS (the page would be https). */
  secure: boolean;
  /** The origin of `--public-url`, when a proxy in front serves the relay under another name. */
  publicOrigin?: string;
}

/**
 * True when a browser page from `origin` may open a WebSocket here.
 *
 * @example
 * originAllowed({ origin: "https://laptop.tail1234.ts.net", host: "laptop.tail1234.ts.net", secure: false, publicOrigin: "https://laptop.tail1234.ts.net" }) // true
 */
export function originAllowed(check: OriginCheck): boolean {
  const origin = normalized(check.origin);
  if (origin === undefined) return false; // "null" (sandboxed frames, file:) and garbage
  if (check.publicOrigin !== undefined && origin === normalized(check.publicOrigin)) return true;
  return check.host !== "" && origin === normalized(`${check.secure ? "https" : "http"}://${check.host}`);
}

function normalized(origin: string): string | undefined {
  try {
    const url = new URL(origin);
    return url.protocol === "https:" || url.protocol === "http:" ? url.origin : undefined;
  } catch {
    return undefined;
  }
}
