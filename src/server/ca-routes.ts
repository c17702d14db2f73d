/**
 * `GET /ca.crt` and `GET /ca.mobileconfig` with `serve --tls --tls-ca`: the relay's local CA for a
 * phone to install once — the certificate in DER (`application/x-x509-ca-cert`, what Android and
 * desktop browsers offer to install) and an iOS configuration profile holding it. Public on
 * purpose: a CA certificate is no secret, and a device must fetch it before it trusts anything.
 *
 * @example
 * ```ts
 * mountCaRoutes(app, () => ({ pem: tls.current.ca!, hostname: os.hostname() }));
 * ```
 */
import type { Hono } from "hono";
import { certificateDer } from "../tls/local-ca.ts";
import { caMobileconfig } from "../tls/mobileconfig.ts";

/** Mounts the two routes; `ca()` is read on each request, so a CA made again on SIGHUP is served. */
export function mountCaRoutes(app: Hono, ca: () => { pem: string; hostname: string } | undefined): void {
  app.get("/ca.crt", (c) => {
    const current = ca();
    if (!current) return c.notFound();
    return c.body(certificateDer(current.pem) as Uint8Array<ArrayBuffer>, 200, {
      "content-type": "application/x-x509-ca-cert",
      "content-disposition": 'attachment; filename="claude-relay-ca.crt"',
      "cache-control": "no-cache",
    });
  });
  app.get("/ca.mobileconfig", (c) => {
    const current = ca();
    if (!current) return c.notFound();
    return c.body(caMobileconfig(certificateDer(current.pem), current.hostname), 200, {
      "content-type": "application/x-apple-aspen-config",
      "content-disposition": 'attachment; filename="claude-relay-ca.mobileconfig"',
      "cache-control": "no-cache",
    });
  });
}
