/**
 * Loopback helpers for tests.
 *
 * @example
 * ```ts
 * const url = `ws://127.0.0.1:${await freePort()}/ws`; // nothing listens there
 * ```
 */
import { createServer } from "node:net";

/** A 127.0.0.1 port nothing listens on (bound, then released). */
export function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer().listen(0, "127.0.0.1", () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}
