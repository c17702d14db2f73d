import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { parseAuthorizedKeys } from "../../src/auth/authorized-keys.ts";
import { ALL_KEY_KINDS, generateKey, makeTempDir, removeTempDir, sshKeygenFingerprint, type TestKey } from "../support/ssh.ts";

let dir: string;
let keys: TestKey[];
let ed: TestKey;
/** `type base64` of the ed25519 key, without comment. */
let edKey: string;

beforeAll(() => {
  dir = makeTempDir();
  keys = ALL_KEY_KINDS.map((kind) => generateKey(dir, kind));
  ed = keys[0]!;
  edKey = ed.publicLine.split(" ").slice(0, 2).join(" ");
});
afterAll(() => removeTempDir(dir));

function only(text: string) {
  const parsed = parseAuthorizedKeys(text);
  expect(parsed.entries.length + parsed.diagnostics.length).toBe(1);
  return parsed;
}

describe("authorized_keys parser", () => {
  test("every key type parses; fingerprints equal ssh-keygen -lf on the same file", () => {
    const path = join(dir, "authorized_keys");
    writeFileSync(path, `${keys.map((k) => k.publicLine).join("\n")}\n`);
    const { entries, diagnostics } = parseAuthorizedKeys(keys.map((k) => k.publicLine).join("\n"));
    expect(diagnostics).toEqual([]);
    expect(entries.map((e) => e.type)).toEqual(["ssh-ed25519", "ecdsa-sha2-nistp256", "ecdsa-sha2-nistp384", "ecdsa-sha2-nistp521", "ssh-rsa"]);
    entries.forEach((e, i) => {
      expect(e.fingerprint).toBe(keys[i]!.fingerprint);
      expect(e.fingerprint).toBe(sshKeygenFingerprint(keys[i]!.publicPath));
      expect(e.comment).toBe(`test-${keys[i]!.kind}`);
      expect(e.line).toBe(i + 1);
      expect(e.refused).toBeUndefined();
    });
  });

  test("comments, blank lines, leading whitespace, CRLF and tabs", () => {
    const text = `# a comment\r\n\r\n   \t\r\n\t${edKey.replace(" ", "\t")}\tmy laptop key\r\n  # indented comment\n`;
    const { entries, diagnostics } = parseAuthorizedKeys(text);
    expect(diagnostics).toEqual([]);
    expect(entries).toHaveLength(1);
    expect(entries[0]!.line).toBe(4);
    expect(entries[0]!.comment).toBe("my laptop key");
    expect(entries[0]!.fingerprint).toBe(ed.fingerprint);
  });

  test("a key without a comment has an empty comment", () => {
    expect(only(edKey).entries[0]!.comment).toBe("");
  });

  test("quoted option values may contain commas, spaces and escaped quotes", () => {
    const { entries } = only(`from="10.0.0.0/8,192.168.1.*",environment="GREETING=a \\"quoted\\", spaced, value" ${edKey} c`);
    const e = entries[0]!;
    expect(e.from).toBe("10.0.0.0/8,192.168.1.*");
    expect(e.options).toEqual([
      { name: "from", value: "10.0.0.0/8,192.168.1.*" },
      { name: "environment", value: 'GREETING=a "quoted", spaced, value' },
    ]);
    expect(e.refused).toBeUndefined();
  });

  test("a backslash not followed by a quote stays literal", () => {
    const { entries } = only(`environment="PATH=C:\\bin" ${edKey}`);
    expect(entries[0]!.options[0]!.value).toBe("PATH=C:\\bin");
  });

  test("option names are case-insensitive", () => {
    const { entries } = only(`NO-PTY,From="127.0.0.1" ${edKey}`);
    expect(entries[0]!.options.map((o) => o.name)).toEqual(["no-pty", "from"]);
    expect(entries[0]!.refused).toContain("no-pty");
  });

  test("unterminated quote is a line error", () => {
    const { diagnostics } = only(`command="echo hi ${edKey}`);
    expect(diagnostics[0]).toMatchObject({ line: 1, severity: "error" });
    expect(diagnostics[0]!.message).toContain("unterminated");
  });

  test("options without a key", () => {
    const { diagnostics } = only(`no-agent-forwarding,from="10.0.0.1"`);
    expect(diagnostics[0]!.message).toBe("options without a key");
  });

  test("unknown option skips the line but still names the key", () => {
    const { diagnostics } = only(`frobnicate ${edKey} c`);
    expect(diagnostics[0]!.message).toContain('unknown option "frobnicate"');
    expect(diagnostics[0]!.fingerprint).toBe(ed.fingerprint);
  });

  test("value option without value, flag with value, trailing comma, unquoted value", () => {
    for (const opts of ["from", 'no-pty="x"', "no-user-rc,", "from=10.0.0.1"]) {
      const { diagnostics } = only(`${opts} ${edKey}`);
      expect(diagnostics[0]!.severity).toBe("error");
    }
  });

  test("unknown key type is skipped with a warning", () => {
    const blob = Buffer.concat([Buffer.from([0, 0, 0, 12]), Buffer.from("ssh-frobnic8"), Buffer.from([0, 0, 0, 1, 7])]);
    const { diagnostics } = only(`ssh-frobnic8 ${blob.toString("base64")} other`);
    expect(diagnostics[0]).toMatchObject({ severity: "warning", type: "ssh-frobnic8", comment: "other" });
    expect(diagnostics[0]!.message).toContain("unsupported key type");
  });

  test("DSA keys are skipped with a warning", () => {
    const dsa = `ssh-dss ${Buffer.concat([Buffer.from([0, 0, 0, 7]), Buffer.from("ssh-dss"), Buffer.alloc(8)]).toString("base64")}`;
    expect(only(dsa).diagnostics[0]!.severity).toBe("warning");
  });

  test("key type on the line must match the type inside the blob", () => {
    const rsaBase64 = keys[4]!.publicLine.split(" ")[1];
    const { diagnostics } = only(`ssh-ed25519 ${rsaBase64} liar`);
    expect(diagnostics[0]!.message).toBe("key type mismatch: line says ssh-ed25519, key data is ssh-rsa");
  });

  test("invalid base64 after a key type", () => {
    expect(only("ssh-ed25519 AAAA!!!! x").diagnostics[0]!.message).toContain("invalid base64 key data");
    expect(only("ssh-ed25519").diagnostics[0]!.message).toContain("invalid base64 key data");
  });

  test("truncated key blob is an error, not a crash", () => {
    const b64 = ed.publicLine.split(" ")[1]!;
    const truncated = Buffer.from(b64, "base64").subarray(0, 30).toString("base64");
    expect(only(`ssh-ed25519 ${truncated}`).diagnostics[0]!.severity).toBe("error");
  });

  test.each([
    ['command="/bin/true"', "command="],
    ["restrict", "restrict"],
    ["no-pty", "no-pty"],
    ["cert-authority", "cert-authority"],
    ['principals="alice"', "principals="],
    ['restrict,pty,command="x"', "restrict"],
  ])("%s refuses the key", (opts, why) => {
    const { entries } = only(`${opts} ${edKey} c`);
    expect(entries[0]!.refused).toContain(why);
    expect(entries[0]!.fingerprint).toBe(ed.fingerprint);
  });

  test("harmless options are accepted", () => {
    const { entries } = only(`no-agent-forwarding,no-X11-forwarding,no-port-forwarding,permitopen="localhost:80" ${edKey}`);
    expect(entries[0]!.refused).toBeUndefined();
  });

  test("expiry-time: parsed, earliest wins, invalid refused", () => {
    const { entries } = only(`expiry-time="20300101Z",expiry-time="202501011230Z" ${edKey}`);
    expect(entries[0]!.expiresAt?.toISOString()).toBe("2025-01-01T12:30:00.000Z");
    expect(only(`expiry-time="2025-01-01" ${edKey}`).entries[0]!.refused).toContain("invalid expiry-time");
  });

  test("from= with host bits set or duplicated is refused", () => {
    expect(only(`from="10.0.0.1/8" ${edKey}`).entries[0]!.refused).toContain("inconsistent mask");
    expect(only(`from="10.0.0.1",from="10.0.0.2" ${edKey}`).entries[0]!.refused).toContain("more than one from=");
  });

  test("no-touch-required and verify-required are recorded", () => {
    const { entries } = only(`no-touch-required,verify-required ${edKey}`);
    expect(entries[0]).toMatchObject({ noTouchRequired: true, verifyRequired: true });
  });

  test("a quoted space in options does not split the key field", () => {
    const { entries } = only(`from="10.0.0.0/8",environment="A=b c" ${edKey} trailing comment words`);
    expect(entries[0]!.comment).toBe("trailing comment words");
  });
});
