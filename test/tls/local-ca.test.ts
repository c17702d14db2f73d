/**
 * `serve --tls --tls-ca`: a relay in this process whose serving certificate is signed by its own
 * name-constrained CA. Checked with the real openssl (verify, and a certificate the CA signs for
 * another name failing on the name constraint), the served certificate as node:tls sees it, the
 * challenge's tls: line, and the two routes that offer the CA.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { spawnSync } from "node:child_process";
import { X509Certificate } from "node:crypto";
import { readFileSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { resolveServeOptions } from "../../src/cli/serve-options.ts";
import { UsageError } from "../../src/cli/usage-error.ts";
import { startTestRelay, type TestRelay } from "../support/relay.ts";
import { servedCertificate } from "../support/tls.ts";

let relay: TestRelay;
let caPem: string;
let caDir: string;
beforeAll(async () => {
  relay = await startTestRelay({ flags: { tls: true, tlsCa: true } });
  caDir = join(relay.options.stateDir, "tls-ca");
  caPem = readFileSync(join(caDir, "ca.pem"), "utf8");
}, 30_000);
afterAll(() => relay.stop());

function openssl(args: string[]) {
  return spawnSync("openssl", args, { encoding: "utf8", timeout: 30_000 });
}

function pemOf(der: Buffer): string {
  return `-----BEGIN CERTIFICATE-----\n${der
    .toString("base64")
    .match(/.{1,64}/g)!
    .join("\n")}\n-----END CERTIFICATE-----\n`;
}

describe("the local CA", () => {
  test("its key is 0600; the CA carries a critical name constraint with this machine's names only", () => {
    expect(statSync(join(caDir, "ca-key.pem")).mode & 0o777).toBe(0o600);
    expect(statSync(join(caDir, "key.pem")).mode & 0o777).toBe(0o600);
    const text = openssl(["x509", "-in", join(caDir, "ca.pem"), "-noout", "-text"]).stdout;
    expect(text).toContain("X509v3 Name Constraints: critical");
    expect(text).toContain("DNS:localhost");
    expect(text).toContain("IP:127.0.0.1/255.255.255.255");
    expect(text).toContain("CA:TRUE");
  });

  test("openssl verify -CAfile ca.pem accepts the certificate the relay serves", async () => {
    const served = await servedCertificate(relay.url);
    const servedPath = join(relay.dir, "served.pem");
    writeFileSync(servedPath, pemOf(served.der));
    const result = openssl(["verify", "-CAfile", join(caDir, "ca.pem"), servedPath]);
    expect(result.stdout.trim()).toBe(`${servedPath}: OK`);
  });

  test("a certificate the CA signs for another name fails openssl verify on the name constraint", () => {
    const dir = relay.dir;
    const key = join(dir, "other.key");
    const csr = join(dir, "other.csr");
    const cert = join(dir, "other.crt");
    const ext = join(dir, "other.ext");
    writeFileSync(ext, "subjectAltName=DNS:bank.example.com\n");
    expect(
      openssl(["req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-keyout", key, "-out", csr, "-subj", "/CN=bank.example.com"]).status,
    ).toBe(0);
    const signed = openssl([
      "x509",
      "-req",
      "-in",
      csr,
      "-CA",
      join(caDir, "ca.pem"),
      "-CAkey",
      join(caDir, "ca-key.pem"),
      "-CAcreateserial",
      "-out",
      cert,
      "-days",
      "2",
      "-extfile",
      ext,
    ]);
    expect(signed.status).toBe(0);
    const result = openssl(["verify", "-CAfile", join(caDir, "ca.pem"), cert]);
    expect(result.status).not.toBe(0);
    expect(`${result.stdout}${result.stderr}`).toContain("permitted subtree violation");
  });

  test("the challenge's tls: line names the serving certificate (pinning keeps working)", async () => {
    const served = await servedCertificate(relay.url);
    // Bun's TLS refuses IP-address name constraints ("unsupported name constraint type"), so this
    // Bun-side client checks by pin, as the terminal client does; openssl verified the chain above.
    const socket = new WebSocket(relay.url, { tls: { rejectUnauthorized: false } } as unknown as string[]);
    const first = await new Promise<Record<string, any>>((resolve, reject) => {
      socket.addEventListener("message", (event) => resolve(JSON.parse(String(event.data))), { once: true });
      socket.addEventListener("error", () => reject(new Error("connect failed")), { once: true });
    });
    socket.close();
    expect(first.type).toBe("auth.challenge");
    expect(first.challenge).toContain(`\ntls: ${served.fingerprint}\n`);
    expect(served.fingerprint).toBe(relay.relay.tls!.current.fingerprint);
  });

  test("GET /ca.crt serves the CA in DER with the usual security headers", async () => {
    // a device fetches the CA before it trusts it (and Bun's TLS refuses IP name constraints: see above)
    const response = await fetch(`${relay.httpUrl}/ca.crt`, { tls: { rejectUnauthorized: false } });
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toBe("application/x-x509-ca-cert");
    expect(response.headers.get("content-security-policy")).toContain("default-src 'self'");
    const der = Buffer.from(await response.arrayBuffer());
    expect(new X509Certificate(der).fingerprint256).toBe(new X509Certificate(caPem).fingerprint256);
  });

  test("GET /ca.mobileconfig is an iOS profile with the CA as a com.apple.security.root payload", async () => {
    const response = await fetch(`${relay.httpUrl}/ca.mobileconfig`, { tls: { rejectUnauthorized: false } });
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toBe("application/x-apple-aspen-config");
    const path = join(relay.dir, "ca.mobileconfig");
    writeFileSync(path, await response.text());
    const parsed = spawnSync(
      "python3",
      [
        "-c",
        "import plistlib,sys,json,base64; p=plistlib.load(open(sys.argv[1],'rb')); c=p['PayloadContent'][0]; print(json.dumps({'type':p['PayloadType'],'inner':c['PayloadType'],'der':base64.b64encode(c['PayloadContent']).decode()}))",
        path,
      ],
      { encoding: "utf8" },
    );
    expect(parsed.status).toBe(0);
    const profile = JSON.parse(parsed.stdout);
    expect(profile).toMatchObject({ type: "Configuration", inner: "com.apple.security.root" });
    expect(new X509Certificate(Buffer.from(profile.der, "base64")).fingerprint256).toBe(new X509Certificate(caPem).fingerprint256);
  });

  test("a relay without --tls-ca offers no CA", async () => {
    const plain = await startTestRelay({ api: relay.api });
    expect((await fetch(`${plain.httpUrl}/ca.crt`)).status).toBe(404);
    expect((await fetch(`${plain.httpUrl}/ca.mobileconfig`)).status).toBe(404);
    await plain.stop();
  });

  test("--tls-ca without --tls is a usage error", () => {
    expect(() => resolveServeOptions({ tlsCa: true }, { env: {}, platform: "linux", cwd: "/tmp", home: "/tmp" })).toThrow(UsageError);
  });

  test("a restart keeps the CA and the serving certificate", async () => {
    const before = relay.relay.tls!.current.fingerprint;
    await relay.stop({ keepDir: true }); // one relay per state dir: the first must go before it comes back
    relay = await startTestRelay({ api: relay.api, dir: relay.dir, flags: { tls: true, tlsCa: true } });
    expect(readFileSync(join(caDir, "ca.pem"), "utf8")).toBe(caPem);
    expect(relay.relay.tls!.current.fingerprint).toBe(before);
  });
});
