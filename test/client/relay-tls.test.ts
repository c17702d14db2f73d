/**
 * `relayTls` against real relays on loopback: a pinned fingerprint, the known-relays file (first
 * use, match, change), a certificate from a CA the client trusts (accepted, never pinned), and men
 * in the middle — a TLS one relaying the relay's challenge, a plaintext one in front of a TLS
 * relay, a TLS proxy in front of a plaintext relay. Every refusal happens before signing: the
 * signer is never called and the relay logs no authentication attempt.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { RelayClient, type RelayClientError } from "../../src/client/client.ts";
import type { RelayIdentityError } from "../../src/client/relay-identity.ts";
import { type PinnedRelay, type RelayTls, relayTls } from "../../src/client/relay-tls.ts";
import { type ChallengeSigner, keyFileSigner } from "../../src/client/signer.ts";
import { hexOfFingerprint } from "../../src/tls/fingerprint.ts";
import { type MitmRelay, startMitmRelay } from "../support/mitm-relay.ts";
import { freePort } from "../support/net.ts";
import { authenticationLog, startTestRelay, type TestRelay } from "../support/relay.ts";
import { makeTempDir, removeTempDir } from "../support/ssh.ts";
import { makeCaSignedCertificate, makeCertificate, servedCertificate } from "../support/tls.ts";

let dir: string;
beforeAll(() => {
  dir = makeTempDir("relay-tls-");
});
afterAll(() => removeTempDir(dir));

/** A signer over `relay`'s key that counts its signatures. */
function countingSigner(relay: TestRelay): ChallengeSigner & { signatures: number } {
  const signer = keyFileSigner(relay.key.privatePath);
  const counting = { ...signer, signatures: 0, sign: (message: string | Uint8Array) => (counting.signatures++, signer.sign(message)) };
  return counting;
}

/** Connects with `tls`; the error when refused (the client is then closed). */
async function refusal(relay: TestRelay, url: string, tls: RelayTls): Promise<{ error: RelayClientError; cause: RelayIdentityError; signatures: number }> {
  const signer = countingSigner(relay);
  const client = new RelayClient({ signer, tls, reconnect: { initialDelayMs: 10 } });
  const error = (await client.connect(url).catch((e: unknown) => e)) as RelayClientError;
  expect(error.code).toBe("challenge_refused");
  expect(error.cause).toBeInstanceOf(Error); // a RelayIdentityError, unless the known-relays file failed
  expect(client.state).toBe("closed");
  return { error, cause: error.cause as RelayIdentityError, signatures: signer.signatures };
}

async function logsIn(relay: TestRelay, url: string, tls: RelayTls): Promise<string> {
  const client = new RelayClient({ signer: keyFileSigner(relay.key.privatePath), tls });
  const ok = await client.connect(url);
  await client.ping();
  await client.close();
  return ok.key.fingerprint;
}

describe("a relay with serve --tls (self-signed)", () => {
  let relay: TestRelay;
  let fingerprint: string;
  beforeAll(async () => {
    relay = await startTestRelay({ flags: { tls: true } });
    fingerprint = (await servedCertificate(relay.url)).fingerprint;
  });
  afterAll(() => relay.stop());

  test("a pinned fingerprint (SHA256:… or a browser's hex) logs in", async () => {
    const before = authenticationLog(relay).length;
    expect(await logsIn(relay, relay.url, relayTls({ fingerprint }))).toBe(relay.key.fingerprint);
    expect(authenticationLog(relay).length).toBe(before + 1); // what the refusals below count
    expect(await logsIn(relay, relay.url, relayTls({ fingerprint: hexOfFingerprint(fingerprint) }))).toBe(relay.key.fingerprint);
  });

  test("a wrong fingerprint is refused before signing, with the warning; the relay sees no auth.response", async () => {
    const before = authenticationLog(relay).length;
    const wrong = `SHA256:${"A".repeat(43)}`;
    const { error, cause, signatures } = await refusal(relay, relay.url, relayTls({ fingerprint: wrong, fingerprintSource: "--fingerprint" }));
    expect(signatures).toBe(0);
    expect(cause).toMatchObject({ problem: "pin_mismatch", details: { fingerprint, expected: wrong } });
    expect(error.message).toStartWith(`refused to sign the relay's challenge: the certificate of ${new URL(relay.url).host} is not the one pinned for it\n`);
    expect(error.message).toContain("@    WARNING: RELAY IDENTIFICATION HAS CHANGED!");
    expect(error.message).toContain(`has the fingerprint\n    ${fingerprint}\nThe certificate pinned for it (given with --fingerprint) is\n    ${wrong}\n`);
    expect(authenticationLog(relay).length).toBe(before);
  });

  test("known relays: the first connection pins the certificate (one line, onPinned told), later ones match it", async () => {
    const file = join(dir, "first-use", "known_relays");
    const pinned: PinnedRelay[] = [];
    const tls = relayTls({ knownRelays: file, onPinned: (pin) => pinned.push(pin) });
    await logsIn(relay, relay.url, tls);
    await logsIn(relay, relay.url, tls);
    const address = new URL(relay.url).host;
    expect(pinned).toEqual([{ address, fingerprint, file, line: 2 }]);
    expect(readFileSync(file, "utf8").split("\n").slice(1)).toEqual([`${address} ${fingerprint}`, ""]);
  });

  test("known relays: another certificate pinned for the address is refused, naming the file and line; the file is unchanged", async () => {
    const file = join(dir, "changed-known_relays");
    const address = new URL(relay.url).host;
    const old = `SHA256:${"B".repeat(43)}`;
    const text = `# mine\nother.example:7717 ${fingerprint}\n${address} ${old}\n`;
    writeFileSync(file, text);
    const before = authenticationLog(relay).length;
    const pinned: PinnedRelay[] = [];
    const { error, cause, signatures } = await refusal(relay, relay.url, relayTls({ knownRelays: file, onPinned: (pin) => pinned.push(pin) }));
    expect(signatures).toBe(0);
    expect(cause).toMatchObject({ problem: "certificate_changed", details: { address, fingerprint, expected: old, file, lines: [3] } });
    expect(error.message).toContain("@    WARNING: RELAY IDENTIFICATION HAS CHANGED!");
    expect(error.message).toContain(`The certificate pinned for it (in ${file}:3) is\n    ${old}\n`);
    expect(error.message).toContain(`    sed -i.bak '3d' ${file}\n`);
    expect(readFileSync(file, "utf8")).toBe(text);
    expect(pinned).toEqual([]);
    expect(authenticationLog(relay).length).toBe(before);
  });

  test("a known-relays file that cannot be written: refused before signing, naming the file and why", async () => {
    writeFileSync(join(dir, "not-a-directory"), "");
    const file = join(dir, "not-a-directory", "known_relays");
    const { error, signatures } = await refusal(relay, relay.url, relayTls({ knownRelays: file }));
    expect(signatures).toBe(0);
    expect(error.message).toStartWith(`refused to sign the relay's challenge: cannot pin the certificate of ${new URL(relay.url).host} in ${file}: `);
  });

  test("with neither a pin nor known relays, a self-signed certificate is refused", async () => {
    const { cause, signatures } = await refusal(relay, relay.url, relayTls());
    expect(signatures).toBe(0);
    expect(cause.problem).toBe("untrusted_certificate");
    expect(cause.message).toContain("is not one this system trusts");
  });

  describe("a man in the middle with its own certificate, forwarding the relay's frames", () => {
    let mitm: MitmRelay;
    let mitmFingerprint: string;
    beforeAll(async () => {
      mitm = await startMitmRelay({ url: relay.url, ca: relay.ca! }, makeCertificate(dir, "mitm"));
      mitmFingerprint = (await servedCertificate(mitm.url)).fingerprint;
    });
    afterAll(() => mitm.stop());

    test("its challenge names the relay's certificate, not the MITM's: refused even with the MITM's certificate pinned; nothing signed", async () => {
      const before = authenticationLog(relay).length;
      const { error, cause, signatures } = await refusal(relay, mitm.url, relayTls({ fingerprint: mitmFingerprint }));
      expect(signatures).toBe(0);
      expect(cause).toMatchObject({ problem: "relayed_challenge", details: { fingerprint: mitmFingerprint, expected: fingerprint } });
      expect(error.message).toContain(
        `it names the certificate ${fingerprint}, but the certificate of this connection to ${new URL(mitm.url).host} is ${mitmFingerprint}`,
      );
      expect(mitm.fromRelay.filter((frame) => frame.type === "auth.challenge").length).toBeGreaterThan(0);
      expect(mitm.fromClients.filter((frame) => frame.type === "auth.response")).toEqual([]);
      expect(authenticationLog(relay).length).toBe(before);
    });

    test("on first use it is refused before anything is pinned", async () => {
      const file = join(dir, "mitm-known_relays");
      const { cause, signatures } = await refusal(relay, mitm.url, relayTls({ knownRelays: file }));
      expect([cause.problem, signatures]).toEqual(["relayed_challenge", 0]);
      expect(existsSync(file)).toBe(false);
    });
  });

  test("a plaintext ws:// forwarder in front of it: a challenge with a tls: line over ws:// is refused", async () => {
    const mitm = await startMitmRelay({ url: relay.url, ca: relay.ca! });
    const { cause, signatures } = await refusal(relay, mitm.url, relayTls({ knownRelays: join(dir, "plain-mitm") }));
    expect([cause.problem, signatures]).toEqual(["tls_line_on_plaintext", 0]);
    expect(cause.message).toContain(`names a TLS certificate (${fingerprint}) but this connection is plain ws://`);
    expect(mitm.fromClients).toEqual([]);
    await mitm.stop();
  });
});

describe("a plaintext relay (ws://)", () => {
  let relay: TestRelay;
  beforeAll(async () => {
    relay = await startTestRelay();
  });
  afterAll(() => relay.stop());

  test("relayTls changes nothing over ws:// (no certificate, no tls: line; the file is not even read); a pinned fingerprint is refused there", async () => {
    const file = join(dir, "plain-known_relays");
    expect(await logsIn(relay, relay.url, relayTls({ knownRelays: file }))).toBe(relay.key.fingerprint);
    expect(existsSync(file)).toBe(false);
    expect(await logsIn(relay, relay.url, relayTls({ knownRelays: dir }))).toBe(relay.key.fingerprint); // a directory: unreadable as a file
    const { cause, signatures } = await refusal(relay, relay.url, relayTls({ fingerprint: `SHA256:${"C".repeat(43)}` }));
    expect([cause.problem, signatures]).toEqual(["not_tls", 0]);
  });

  test("a TLS forwarder with an untrusted certificate in front of it (no tls: line): refused", async () => {
    const mitm = await startMitmRelay({ url: relay.url }, makeCertificate(dir, "proxy-self-signed"));
    const { cause, signatures } = await refusal(relay, mitm.url, relayTls({ knownRelays: join(dir, "proxy-known_relays") }));
    expect([cause.problem, signatures]).toEqual(["no_tls_line", 0]);
    expect(mitm.fromClients).toEqual([]);
    await mitm.stop();
  });

  test("a TLS proxy with a trusted certificate in front of it (tailscale serve, Caddy): accepted, not pinned", async () => {
    const proxyCertificate = makeCaSignedCertificate(dir, "proxy-trusted");
    const proxy = await startMitmRelay({ url: relay.url }, proxyCertificate);
    const file = join(dir, "trusted-proxy-known_relays");
    expect(await logsIn(relay, proxy.url, relayTls({ knownRelays: file, ca: proxyCertificate.ca }))).toBe(relay.key.fingerprint);
    expect(existsSync(file)).toBe(false);
    await proxy.stop();
  });
});

describe("a relay with a certificate from a CA the client trusts (--tls-cert/--tls-key)", () => {
  let relay: TestRelay;
  let certificate: ReturnType<typeof makeCaSignedCertificate>;
  beforeAll(async () => {
    certificate = makeCaSignedCertificate(dir, "relay-trusted");
    relay = await startTestRelay({ flags: { tlsCert: certificate.certPath, tlsKey: certificate.keyPath } });
  });
  afterAll(() => relay.stop());

  test("accepted as usual and not pinned: known relays is neither written nor consulted", async () => {
    const file = join(dir, "trusted-known_relays");
    const address = new URL(relay.url).host;
    expect(await logsIn(relay, relay.url, relayTls({ knownRelays: file, ca: certificate.ca }))).toBe(relay.key.fingerprint);
    expect(existsSync(file)).toBe(false);
    // A renewed certificate must not warn: an old pin for the address does not matter.
    writeFileSync(file, `${address} SHA256:${"D".repeat(43)}\n`);
    expect(await logsIn(relay, relay.url, relayTls({ knownRelays: file, ca: certificate.ca }))).toBe(relay.key.fingerprint);
    expect(await logsIn(relay, relay.url, relayTls({ ca: certificate.ca }))).toBe(relay.key.fingerprint);
  });

  test("without trusting its CA it is an untrusted certificate like any other: pinned on first use", async () => {
    const file = join(dir, "untrusted-ca-known_relays");
    const pinned: PinnedRelay[] = [];
    await logsIn(relay, relay.url, relayTls({ knownRelays: file, onPinned: (pin) => pinned.push(pin) }));
    expect(pinned.map((pin) => pin.fingerprint)).toEqual([(await servedCertificate(relay.url)).fingerprint]);
  });
});

test("reconnecting to a relay that came back with another certificate: refused, not retried", async () => {
  const port = await freePort();
  let relay = await startTestRelay({ flags: { tls: true, port } });
  const file = join(dir, "reconnect-known_relays");
  const signer = keyFileSigner(relay.key.privatePath);
  const client = new RelayClient({ signer, tls: relayTls({ knownRelays: file }), reconnect: { initialDelayMs: 50, maxDelayMs: 200 } });
  await client.connect(relay.url);
  const disconnects: boolean[] = [];
  client.on("disconnect", (lost) => disconnects.push(lost.willReconnect));
  const relayDir = relay.dir;
  await relay.stop({ keepDir: true });
  // The same key, a new state dir (so a new certificate), on the same port.
  relay = await startTestRelay({ flags: { tls: true, port, stateDir: join(relayDir, "new-state") }, dir: relayDir });
  const closed = await client.closed;
  expect(closed.error).toMatchObject({ code: "challenge_refused" });
  expect((closed.error!.cause as RelayIdentityError).problem).toBe("certificate_changed");
  expect(disconnects[0]).toBe(true);
  expect(authenticationLog(relay)).toEqual([]);
  await relay.stop();
  removeTempDir(relayDir);
});

test("relayTls refuses a fingerprint that is not one", () => {
  expect(() => relayTls({ fingerprint: "SHA256:short" })).toThrow('not a certificate fingerprint: "SHA256:short" (expected SHA256:<base64>, or 32 hex bytes)');
});
