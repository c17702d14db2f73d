/**
 * The web app over HTTP on a real relay: `/` and its assets with the right caching and gzip, the
 * manifest and icon, and the security headers on every response (also /healthz, 404s and the
 * plain GET /ws).
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { gunzipSync } from "node:zlib";
import { CONTENT_SECURITY_POLICY, SECURITY_HEADERS } from "../../src/server/web-routes.ts";
import { startTestRelay, type TestRelay } from "../support/relay.ts";

let relay: TestRelay;
beforeAll(async () => {
  relay = await startTestRelay();
});
afterAll(() => relay.stop());

const get = (path: string, headers: Record<string, string> = {}) => fetch(relay.httpUrl + path, { headers, decompress: false } as RequestInit);

function expectSecurityHeaders(response: Response): void {
  for (const [name, value] of Object.entries(SECURITY_HEADERS)) expect(response.headers.get(name)).toBe(value);
}

async function index(): Promise<{ html: string; script: string; style: string }> {
  const html = await (await get("/")).text();
  const script = /<script type="module" src="(\/assets\/[a-z0-9]+\.js)"><\/script>/.exec(html)?.[1];
  const style = /<link rel="stylesheet" href="(\/assets\/[a-z0-9]+\.css)" \/>/.exec(html)?.[1];
  if (!script || !style) throw new Error(`index.html names no hashed assets:\n${html}`);
  return { html, script, style };
}

describe("the web app", () => {
  test("GET / is the HTML, revalidated on every load, with no inline script or style", async () => {
    const response = await get("/");
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toBe("text/html; charset=utf-8");
    expect(response.headers.get("cache-control")).toBe("no-cache");
    const { html } = await index();
    expect(html).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/); // every script has a src
    expect(html).not.toMatch(/\son[a-z]+=|<style|style=/i);
    expect(html).not.toMatch(/https?:\/\/(?!www\.w3\.org)/); // nothing from another origin
  });

  test("a second load with the ETag gets 304", async () => {
    const etag = (await get("/")).headers.get("etag")!;
    const again = await get("/", { "if-none-match": etag });
    expect(again.status).toBe(304);
    expectSecurityHeaders(again);
  });

  test("hashed assets are immutable, typed, and gzipped when asked", async () => {
    const { script, style } = await index();
    const js = await get(script, { "accept-encoding": "gzip" });
    expect(js.status).toBe(200);
    expect(js.headers.get("content-type")).toBe("text/javascript; charset=utf-8");
    expect(js.headers.get("cache-control")).toBe("public, max-age=31536000, immutable");
    expect(js.headers.get("content-encoding")).toBe("gzip");
    const source = gunzipSync(new Uint8Array(await js.arrayBuffer())).toString("utf8");
    expect(source.length).toBeGreaterThan(1000);
    const plain = await get(script);
    expect(plain.headers.get("content-encoding")).toBeNull();
    expect(await plain.text()).toBe(source);
    const css = await get(style);
    expect(css.headers.get("content-type")).toBe("text/css; charset=utf-8");
    expectSecurityHeaders(js);
  });

  test("the manifest and the icon", async () => {
    const manifest = await get("/manifest.webmanifest");
    expect(manifest.headers.get("content-type")).toBe("application/manifest+json; charset=utf-8");
    expect(await manifest.json()).toMatchObject({ name: "claude-relay", start_url: "/", display: "standalone", icons: [{ src: "/icon.svg" }] });
    const icon = await get("/icon.svg");
    expect(icon.headers.get("content-type")).toBe("image/svg+xml; charset=utf-8");
    expect(await icon.text()).toStartWith("<svg");
  });

  test("HEAD / answers like GET, without a body", async () => {
    const response = await fetch(`${relay.httpUrl}/`, { method: "HEAD" });
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toBe("text/html; charset=utf-8");
    expect(await response.text()).toBe("");
  });

  test("an unknown asset is a JSON 404", async () => {
    const response = await get("/assets/nope.js");
    expect(response.status).toBe(404);
    expect(await response.json()).toMatchObject({ error: "not_found" });
  });
});

describe("security headers on every response", () => {
  test.each(["/", "/healthz", "/metrics", "/nope", "/ws"])("%s", async (path) => {
    expectSecurityHeaders(await get(path));
  });

  test("the policy: self only, no inline or eval script, no framing, no base, no forms, Trusted Types", () => {
    const directives = Object.fromEntries(
      CONTENT_SECURITY_POLICY.split("; ").map((directive) => [directive.split(" ")[0], directive.split(" ").slice(1).join(" ")]),
    );
    expect(directives).toMatchObject({
      "default-src": "'self'",
      "script-src": "'self'",
      "connect-src": "'self'",
      "frame-ancestors": "'none'",
      "base-uri": "'none'",
      "form-action": "'none'",
      "object-src": "'none'",
    });
    expect(CONTENT_SECURITY_POLICY).not.toContain("unsafe");
  });
});
