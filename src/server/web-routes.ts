/**
 * The web app's routes and the security headers of every HTTP response.
 *
 * The app is built ahead (scripts/build-web.ts) into src/generated/web-assets.ts, so it is part of
 * the source, the compiled binary and the Deno run alike. `/` (HTML) and the manifest and icon are
 * revalidated on every load (ETag); `/assets/<hash>.js|css` are immutable. Bodies are sent gzipped
 * when the client accepts it (compressed once, on first request).
 *
 * Every response carries a strict Content-Security-Policy: scripts and styles only from this
 * origin (no inline script, no eval), connections only to this origin (CSP3 'self' also matches
 * ws:/wss: on the same host and port, which Chromium, Firefox and Safari ≥ 15.4 implement), no
 * framing, no <base>, no form submission, workers (the service worker `/sw.js`) only from this
 * origin, and Trusted Types: the only HTML the page may inject is what DOMPurify's policy returns,
 * the only script URL the page may register is `/sw.js` (policy `sw-url`).
 *
 * @example
 * ```ts
 * const app = new Hono();
 * app.use(securityHeaders);
 * mountWebApp(app);
 * ```
 */

import { createHash } from "node:crypto";
import { gzipSync } from "node:zlib";
import type { Hono, MiddlewareHandler } from "hono";
import { WEB_ASSETS } from "../generated/web-assets.ts";

/** One file the relay serves; text only, so it embeds as a string literal everywhere. */
export interface WebAsset {
  path: string;
  contentType: string;
  body: string;
  /** Content-addressed (hashed name): cached for a year. Otherwise revalidated on every load. */
  immutable: boolean;
}

export const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self'",
  "connect-src 'self'",
  "worker-src 'self'",
  "manifest-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
  "require-trusted-types-for 'script'",
  "trusted-types dompurify sw-url",
].join("; ");

export const SECURITY_HEADERS: Readonly<Record<string, string>> = {
  "content-security-policy": CONTENT_SECURITY_POLICY,
  "x-content-type-options": "nosniff",
  "referrer-policy": "no-referrer",
  "x-frame-options": "DENY",
  "cross-origin-opener-policy": "same-origin",
  "cross-origin-resource-policy": "same-origin",
};

/**
 * Adds {@link SECURITY_HEADERS} to every response of the app (WebSocket upgrades excepted: their
 * handshake response belongs to the runtime).
 */
export const securityHeaders: MiddlewareHandler = async (c, next) => {
  // Read before next(): on Deno the request is closed once upgraded.
  const upgrade = c.req.header("upgrade")?.toLowerCase() === "websocket";
  await next();
  if (upgrade) return;
  for (const [name, value] of Object.entries(SECURITY_HEADERS)) c.res.headers.set(name, value);
};

/** Below this, gzip's header costs more than it saves. */
const GZIP_MIN_BYTES = 1024;

interface Prepared {
  asset: WebAsset;
  bytes: Uint8Array;
  etag: string;
  gzipped?: Uint8Array;
}

/**
 * Serves `assets` (default: the embedded build) at their paths, for GET and HEAD.
 *
 * @example
 * mountWebApp(app, [{ path: "/", contentType: "text/html; charset=utf-8", body: "<!doctype html>…", immutable: false }]);
 */
export function mountWebApp(app: Hono, assets: readonly WebAsset[] = WEB_ASSETS): void {
  const encoder = new TextEncoder();
  for (const asset of assets) {
    const bytes = encoder.encode(asset.body);
    const prepared: Prepared = { asset, bytes, etag: `"${createHash("sha256").update(bytes).digest("base64url").slice(0, 27)}"` };
    app.get(asset.path, (c) => {
      const headers: Record<string, string> = {
        "content-type": asset.contentType,
        "cache-control": asset.immutable ? "public, max-age=31536000, immutable" : "no-cache",
        etag: prepared.etag,
        vary: "accept-encoding",
      };
      if (!asset.immutable && c.req.header("if-none-match") === prepared.etag) return c.body(null, 304, headers);
      if (bytes.length >= GZIP_MIN_BYTES && /\bgzip\b/.test(c.req.header("accept-encoding") ?? "")) {
        prepared.gzipped ??= new Uint8Array(gzipSync(bytes));
        return c.body(prepared.gzipped as Uint8Array<ArrayBuffer>, 200, { ...headers, "content-encoding": "gzip" });
      }
      return c.body(bytes as Uint8Array<ArrayBuffer>, 200, headers);
    });
  }
}
