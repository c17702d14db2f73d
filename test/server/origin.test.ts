import { expect, test } from "bun:test";
import { originAllowed } from "../../src/server/origin.ts";

test.each([
  // same origin: scheme from whether the relay serves TLS, host and port from the Host header
  [{ origin: "http://127.0.0.1:7717", host: "127.0.0.1:7717", secure: false }, true],
  [{ origin: "https://laptop.local:7717", host: "LAPTOP.local:7717", secure: true }, true],
  [{ origin: "https://[::1]:7717", host: "[::1]:7717", secure: true }, true],
  [{ origin: "https://laptop", host: "laptop:443", secure: true }, true], // default ports are the same origin
  // another origin
  [{ origin: "https://evil.example", host: "127.0.0.1:7717", secure: true }, false],
  [{ origin: "http://127.0.0.1:7717", host: "127.0.0.1:7717", secure: true }, false],
  [{ origin: "https://127.0.0.1:7718", host: "127.0.0.1:7717", secure: true }, false],
  [{ origin: "null", host: "127.0.0.1:7717", secure: false }, false],
  [{ origin: "file:///home/me/page.html", host: "127.0.0.1:7717", secure: false }, false],
  [{ origin: "http://127.0.0.1:7717", host: "", secure: false }, false],
  // behind a proxy: --public-url's origin
  [{ origin: "https://laptop.tail1234.ts.net", host: "laptop.tail1234.ts.net", secure: false, publicOrigin: "https://laptop.tail1234.ts.net" }, true],
  [{ origin: "https://laptop.tail1234.ts.net", host: "127.0.0.1:7717", secure: false, publicOrigin: "https://laptop.tail1234.ts.net" }, true],
  [{ origin: "https://other.ts.net", host: "127.0.0.1:7717", secure: false, publicOrigin: "https://laptop.tail1234.ts.net" }, false],
])("%p → %p", (check, allowed) => {
  expect(originAllowed(check)).toBe(allowed);
});
