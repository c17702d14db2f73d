/**
 * The relay over TLS in this process (Bun): wss end to end, the challenge's `tls:` line, and
 * reloading a renewed certificate without a restart while open connections carry on.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { copyFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { text } from "../support/fake-anthropic.ts";
import { startTestRelay, type TestRelay } from "../support/relay.ts";
import { makeTempDir, removeTempDir } from "../support/ssh.ts";
import { makeCertificate, servedCertificate } from "../support/tls.ts";
import { waitFor } from "../support/wait.ts";
import { TestClient } from "../support/ws-client.ts";

describe("--tls (self-signed)", () => {
  let relay: TestRelay;
  beforeAll(async () => {
    relay = await startTestRelay({ flags: { tls: true } });
  });
  afterAll(() => relay.stop());

  test("listens on wss:// and a client that trusts the certificate logs in and drives Claude", async () => {
    expect(relay.url).toStartWith("wss://127.0.0.1:");
    const client = await relay.connectAuthenticated();
    relay.api.enqueue(text("hello over TLS"));
    client.send({ type: "prompt", text: "hi" });
    const result = await client.next((frame) => frame.type === "claude.event" && frame.event.type === "result", 30_000);
    expect(result.event.result).toContain("hello over TLS");
    await client.close();
  }, 40_000);

  test("the logged fingerprint is the served certificate's, and the challenge carries it after server:", async () => {
    const served = await servedCertificate(relay.url);
    expect(relay.relay.tls?.current.fingerprint).toBe(served.fingerprint);
    expect(relay.logs.some((line) => line.fingerprint === served.fingerprint && String(line.msg).includes(served.fingerprint))).toBe(true);
    const client = await relay.connect();
    const { challenge } = await client.next("auth.challenge");
    expect(challenge.split("\n").slice(1, 3)).toEqual([`server: ${new URL(relay.url).host}`, `tls: ${served.fingerprint}`]);
    await client.close();
  });

  test("the certificate is for this machine's names and addresses and signed with ECDSA P-256", async () => {
    const { X509Certificate } = await import("node:crypto");
    const cert = new X509Certificate(relay.ca!);
    expect(cert.subjectAltName).toContain("DNS:localhost");
    expect(cert.subjectAltName).toContain("IP Address:127.0.0.1");
    expect(cert.publicKey.asymmetricKeyDetails).toMatchObject({ namedCurve: "prime256v1" });
  });

  test("a client that does not trust the certificate cannot connect, and plain ws:// gets no WebSocket", async () => {
    await expect(TestClient.connect(relay.url)).rejects.toThrow();
    await expect(TestClient.connect(relay.url.replace(/^wss:/, "ws:"))).rejects.toThrow();
  });
});

describe("--tls-cert/--tls-key and reloading", () => {
  let relay: TestRelay;
  let dir: string;
  let certPath: string;
  let keyPath: string;
  let first: ReturnType<typeof makeCertificate>;
  let renewed: ReturnType<typeof makeCertificate>;
  beforeAll(async () => {
    dir = makeTempDir("relay-tls-files-");
    first = makeCertificate(dir, "first");
    renewed = makeCertificate(dir, "renewed");
    certPath = join(dir, "served.crt");
    keyPath = join(dir, "served.key");
    copyFileSync(first.certPath, certPath);
    copyFileSync(first.keyPath, keyPath);
    relay = await startTestRelay({ flags: { tlsCert: certPath, tlsKey: keyPath } });
  });
  afterAll(async () => {
    await relay.stop();
    removeTempDir(dir);
  });

  test("serves the given certificate; a renewed one is served after reload, and open connections carry on", async () => {
    expect((await servedCertificate(relay.url)).subject).toBe("first");
    const before = await relay.connectAuthenticated();

    copyFileSync(renewed.keyPath, keyPath);
    copyFileSync(renewed.certPath, certPath);
    await relay.relay.reloadTls();

    const served = await servedCertificate(relay.url);
    expect(served.subject).toBe("renewed");
    const fresh = await TestClient.connect(relay.url, 5000, { ca: renewed.cert });
    expect((await fresh.next("auth.challenge")).challenge).toContain(`\ntls: ${served.fingerprint}\n`);
    await fresh.close();

    // the connection opened before the reload is still served (over the first certificate)
    before.send({ type: "ping", id: "still-here" });
    expect(await before.next("pong")).toEqual({ type: "pong", id: "still-here" });
    expect(before.isOpen).toBe(true);
    await before.close();
    await waitFor(() => relay.logs.some((line) => String(line.msg).includes("open connections are kept")));
  });

  test("a reload that finds an unusable certificate keeps serving the current one and says why", async () => {
    const current = (await servedCertificate(relay.url)).fingerprint;
    writeFileSync(keyPath, "not a key\n");
    await relay.relay.reloadTls();
    expect((await servedCertificate(relay.url)).fingerprint).toBe(current);
    expect(
      relay.logs.some((line) => line.level === "error" && String(line.msg).includes("certificate not reloaded") && String(line.msg).includes(keyPath)),
    ).toBe(true);
    copyFileSync(renewed.keyPath, keyPath);
  });
});
