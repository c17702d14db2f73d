import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { armorSignature, dearmor, encodeSignatureBlob, parseArmoredSignature, parseSignatureBlob, SshSigError } from "../../src/ssh/sshsig.ts";
import { WireWriter } from "../../src/ssh/wire.ts";
import { generateKey, makeTempDir, removeTempDir, sshKeygenSign } from "../support/ssh.ts";

let dir: string;
let armored: string;
beforeAll(() => {
  dir = makeTempDir();
  armored = sshKeygenSign(generateKey(dir, "ed25519").privatePath, "message");
});
afterAll(() => removeTempDir(dir));

function codeOf(fn: () => unknown): string {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(SshSigError);
    return (error as SshSigError).code;
  }
  throw new Error("expected an SshSigError");
}

describe("SSHSIG parsing", () => {
  test("fields of an ssh-keygen signature", () => {
    const sig = parseArmoredSignature(armored);
    expect(sig.namespace).toBe("claude-relay");
    expect(sig.hashAlgorithm).toBe("sha512");
    expect(sig.reserved.length).toBe(0);
    expect(new TextDecoder().decode(sig.publicKey.subarray(4, 15))).toBe("ssh-ed25519");
  });

  test("armorSignature reproduces ssh-keygen's armor byte for byte", () => {
    expect(armorSignature(encodeSignatureBlob(parseArmoredSignature(armored)))).toBe(armored);
  });

  test("CRLF line endings and surrounding whitespace are tolerated", () => {
    expect(parseArmoredSignature(`\r\n  ${armored.replaceAll("\n", "\r\n")}  `).namespace).toBe("claude-relay");
  });

  test("every truncation fails with a typed error", () => {
    const blob = dearmor(armored);
    for (let cut = 0; cut < blob.length; cut++) {
      expect(["malformed", "bad_magic"]).toContain(codeOf(() => parseSignatureBlob(blob.subarray(0, cut))));
    }
  });

  test("random garbage never escapes as another exception", () => {
    for (let i = 0; i < 500; i++) {
      const bytes = new Uint8Array(1 + Math.floor(Math.random() * 200)).map(() => Math.floor(Math.random() * 256));
      if (i % 2 === 0) bytes.set(new TextEncoder().encode("SSHSIG\0\0\0\x01").subarray(0, bytes.length));
      expect(() => parseSignatureBlob(bytes)).toThrow(SshSigError);
    }
  });

  test("error codes", () => {
    expect(codeOf(() => dearmor("x".repeat(20_000)))).toBe("too_large");
    expect(codeOf(() => dearmor("hello"))).toBe("bad_armor");
    expect(codeOf(() => dearmor("-----BEGIN SSH SIGNATURE-----\n-----END SSH SIGNATURE-----"))).toBe("bad_armor");
    expect(codeOf(() => dearmor("-----BEGIN SSH SIGNATURE-----\nU1N=IU0lH\n-----END SSH SIGNATURE-----"))).toBe("bad_armor");
    expect(codeOf(() => parseSignatureBlob(new TextEncoder().encode("SSHSIH\0\0\0\x01")))).toBe("bad_magic");
    const v2 = encodeSignatureBlob(parseArmoredSignature(armored), 2);
    expect(codeOf(() => parseSignatureBlob(v2))).toBe("unsupported_version");
    const md5 = new WireWriter().raw("SSHSIG").uint32(1).string("k").string("claude-relay").string("").string("md5").string("s").toBytes();
    expect(codeOf(() => parseSignatureBlob(md5))).toBe("unsupported_hash");
    const badUtf8 = new WireWriter()
      .raw("SSHSIG")
      .uint32(1)
      .string("k")
      .string(new Uint8Array([0xff, 0xfe]))
      .toBytes();
    expect(codeOf(() => parseSignatureBlob(badUtf8))).toBe("malformed");
  });
});
