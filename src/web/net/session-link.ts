/**
 * A link that opens the app at a session: `/#session=<id>`, what the relay's Web Push carries as
 * `url` and what the service worker opens when a notification is tapped. The id is only looked up
 * among the relay's sessions, never trusted further.
 *
 * @example
 * ```ts
 * sessionLink("#session=7f0c3d0e-5b1a-4c2e-9d3f-0a1b2c3d4e5f"); // "7f0c3d0e-5b1a-4c2e-9d3f-0a1b2c3d4e5f"
 * sessionLink("#pair=q3Vt0e6x");                                // undefined
 * ```
 */

/** The session id of a `#session=<id>` fragment; anything else (a pairing link, nothing) is no session link. */
export function sessionLink(hash: string): string | undefined {
  return /^#session=([A-Za-z0-9_-]{1,128})$/.exec(hash)?.[1];
}
