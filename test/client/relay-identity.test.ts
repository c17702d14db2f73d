/**
 * Whether a relay proved who it is (pure): the challenge bound to this connection's certificate,
 * then the certificate accepted by the policy — every verdict, what is pinned on first use, and
 * the fingerprint forms a user may paste.
 */
import { describe, expect, test } from "bun:test";
import { parseKnownRelays } from "../../src/client/known-relays.ts";
import { type CertificatePolicy, type ChallengeFacts, parseFingerprint, verifyRelayIdentity } from "../../src/client/relay-identity.ts";
import { formatChallenge } from "../../src/protocol/challenge.ts";
import { hexOfFingerprint } from "../../src/tls/fingerprint.ts";

const MINE = `SHA256:${"M".repeat(43)}`;
const OTHER = `SHA256:${"O".repeat(43)}`;
const URL_WSS = "wss://192.168.1.20:7717/ws";
const ADDRESS = "192.168.1.20:7717";
const challenge = (tls?: string) =>
  formatChallenge({ server: ADDRESS, ...(tls && { tls }), connection: "c1", nonce: "n".repeat(43), expiresAt: new Date("2030-01-01T00:00:00Z") });
const selfSigned = { fingerprint: MINE, trust: { trusted: false as const, reason: "DEPTH_ZERO_SELF_SIGNED_CERT" } };
const trusted = { fingerprint: MINE, trust: { trusted: true as const } };
const facts = (over: Partial<ChallengeFacts> = {}): ChallengeFacts => ({ url: URL_WSS, challenge: challenge(MINE), certificate: selfSigned, ...over });
const knownRelays = (text = ""): CertificatePolicy => ({
  kind: "known-relays",
  file: "/home/me/.config/claude-relay/known_relays",
  entries: parseKnownRelays(text),
});
const pinned = (fingerprint: string): CertificatePolicy => ({ kind: "pinned", fingerprint, source: "--fingerprint" });
const problem = (verdict: ReturnType<typeof verifyRelayIdentity>) => (verdict.ok ? "ok" : verdict.error.problem);

describe("binding: the challenge is for this connection", () => {
  test("wss://: a tls: line naming this connection's certificate passes; another certificate is a relayed challenge", () => {
    expect(verifyRelayIdentity(facts(), pinned(MINE))).toEqual({ ok: true });
    const relayed = verifyRelayIdentity(facts({ challenge: challenge(OTHER) }), pinned(MINE));
    expect(problem(relayed)).toBe("relayed_challenge");
    expect(relayed.ok ? undefined : relayed.error.details).toEqual({ address: ADDRESS, fingerprint: MINE, expected: OTHER });
  });

  test("the binding comes first: a relayed challenge is refused even when its certificate is trusted, and is never pinned", () => {
    expect(problem(verifyRelayIdentity(facts({ challenge: challenge(OTHER), certificate: trusted }), knownRelays()))).toBe("relayed_challenge");
    expect(problem(verifyRelayIdentity(facts({ challenge: challenge(OTHER) }), knownRelays()))).toBe("relayed_challenge");
  });

  test("wss:// without a tls: line: refused from an untrusted certificate, accepted from a trusted one (a proxy that terminates TLS)", () => {
    const refused = verifyRelayIdentity(facts({ challenge: challenge() }), pinned(MINE));
    expect(problem(refused)).toBe("no_tls_line");
    expect(refused.ok ? "" : refused.error.message).toContain("(DEPTH_ZERO_SELF_SIGNED_CERT)");
    expect(verifyRelayIdentity(facts({ challenge: challenge(), certificate: trusted }), knownRelays())).toEqual({ ok: true });
  });

  test("ws://: no tls: line is as before; a tls: line means the challenge was made for a TLS connection: refused", () => {
    const plain = { url: "ws://127.0.0.1:7717/ws" };
    expect(verifyRelayIdentity({ ...plain, challenge: challenge() }, knownRelays())).toEqual({ ok: true });
    expect(verifyRelayIdentity({ ...plain, challenge: challenge() }, { kind: "trusted-only" })).toEqual({ ok: true });
    expect(problem(verifyRelayIdentity({ ...plain, challenge: challenge(MINE) }, knownRelays()))).toBe("tls_line_on_plaintext");
    expect(problem(verifyRelayIdentity({ ...plain, challenge: challenge() }, pinned(MINE)))).toBe("not_tls");
  });

  test("two tls: lines, or a wss:// connection whose transport saw no certificate: refused", () => {
    const doubled = challenge(MINE).replace("\nconnection:", `\ntls: ${OTHER}\nconnection:`);
    expect(problem(verifyRelayIdentity(facts({ challenge: doubled }), pinned(MINE)))).toBe("ambiguous_tls_line");
    expect(problem(verifyRelayIdentity({ url: URL_WSS, challenge: challenge(MINE) }, pinned(MINE)))).toBe("no_certificate");
  });
});

describe("the certificate, by policy", () => {
  test("pinned: only that fingerprint, trusted or not; the known-relays file plays no part", () => {
    expect(verifyRelayIdentity(facts({ certificate: trusted }), pinned(MINE))).toEqual({ ok: true });
    const wrong = verifyRelayIdentity(facts({ certificate: trusted }), pinned(OTHER));
    expect(problem(wrong)).toBe("pin_mismatch");
    expect(wrong.ok ? "" : wrong.error.message).toContain(`The certificate pinned for it (given with --fingerprint) is\n    ${OTHER}\n`);
  });

  test("known relays: first use pins it; the pinned one matches; a trusted one is accepted without a pin even when another is pinned", () => {
    expect(verifyRelayIdentity(facts(), knownRelays())).toEqual({ ok: true, pin: { address: ADDRESS, fingerprint: MINE } });
    expect(verifyRelayIdentity(facts(), knownRelays(`${ADDRESS} ${MINE}\n`))).toEqual({ ok: true });
    expect(verifyRelayIdentity(facts({ certificate: trusted }), knownRelays())).toEqual({ ok: true });
    expect(verifyRelayIdentity(facts({ certificate: trusted }), knownRelays(`${ADDRESS} ${OTHER}\n`))).toEqual({ ok: true });
  });

  test("known relays: a changed certificate gets ssh's warning, with both fingerprints, the file, the lines and how to remove them", () => {
    const verdict = verifyRelayIdentity(facts(), knownRelays(`# mine\n${ADDRESS} ${OTHER}\nelse:1 ${MINE}\n${ADDRESS} ${OTHER}\n`));
    expect(verdict.ok ? undefined : verdict.error.details).toEqual({
      address: ADDRESS,
      fingerprint: MINE,
      expected: OTHER,
      file: "/home/me/.config/claude-relay/known_relays",
      lines: [2, 4],
    });
    expect(verdict.ok ? "" : verdict.error.message).toBe(
      [
        `the certificate of ${ADDRESS} is not the one pinned for it`,
        "@".repeat(59),
        "@    WARNING: RELAY IDENTIFICATION HAS CHANGED!           @",
        "@".repeat(59),
        "IT IS POSSIBLE THAT SOMEONE IS DOING SOMETHING NASTY!",
        "Someone could be eavesdropping on you right now (man-in-the-middle attack)!",
        "It is also possible that the relay's certificate has just been changed.",
        `The certificate ${ADDRESS} sent has the fingerprint`,
        `    ${MINE}`,
        "The certificate pinned for it (in /home/me/.config/claude-relay/known_relays:2,4) is",
        `    ${OTHER}`,
        `Compare ${MINE} with the fingerprint the relay printed when it started ("TLS certificate SHA256:…").`,
        "Only if they are the same (the relay made a new certificate: a new state dir, a new address), remove the old pin — line 2, 4 of " +
          "/home/me/.config/claude-relay/known_relays — and connect again (the new certificate is then pinned):",
        "    sed -i.bak '2d;4d' /home/me/.config/claude-relay/known_relays",
        "Nothing was signed; the connection was refused.",
      ].join("\n"),
    );
  });

  test("the file name in the sed command is quoted for the shell when it needs to be", () => {
    const verdict = verifyRelayIdentity(facts(), { kind: "known-relays", file: "/home/o'neil/my relays", entries: parseKnownRelays(`${ADDRESS} ${OTHER}`) });
    expect(verdict.ok ? "" : verdict.error.message).toContain(`    sed -i.bak '1d' '/home/o'\\''neil/my relays'\n`);
  });

  test("trusted-only: a trusted certificate, nothing else", () => {
    expect(verifyRelayIdentity(facts({ certificate: trusted }), { kind: "trusted-only" })).toEqual({ ok: true });
    expect(problem(verifyRelayIdentity(facts(), { kind: "trusted-only" }))).toBe("untrusted_certificate");
  });
});

describe("parseFingerprint", () => {
  test("SHA256:<base64> (padding or any case of the prefix), or a browser's colon-separated hex, or bare hex", () => {
    expect(parseFingerprint(MINE)).toBe(MINE);
    expect(parseFingerprint(` sha256:${"M".repeat(43)}= `)).toBe(MINE);
    expect(parseFingerprint(hexOfFingerprint(MINE))).toBe(MINE);
    expect(parseFingerprint(hexOfFingerprint(MINE).toLowerCase().replaceAll(":", ""))).toBe(MINE);
  });

  test("anything else is not a fingerprint", () => {
    for (const text of ["", "SHA256:short", `MD5:${"M".repeat(43)}`, "AB:CD", hexOfFingerprint(MINE).replace(":", "::"), `SHA256:${"M".repeat(42)}!`]) {
      expect(parseFingerprint(text)).toBeUndefined();
    }
  });
});
