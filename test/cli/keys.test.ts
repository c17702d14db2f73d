import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { formatKeysReport, keysReport, runKeysCommand } from "../../src/cli/keys.ts";
import { generateKey, makeTempDir, removeTempDir, type TestKey } from "../support/ssh.ts";

let dir: string;
let ed: TestKey;
let ec: TestKey;
beforeAll(() => {
  dir = makeTempDir();
  ed = generateKey(dir, "ed25519");
  ec = generateKey(dir, "ecdsa-256");
});
afterAll(() => removeTempDir(dir));

const now = new Date("2030-06-01T00:00:00Z");

describe("claude-relay keys", () => {
  test("one row per line: accepted, refused with why, skipped with why", () => {
    const path = join(dir, "authorized_keys");
    const dss = `ssh-dss ${Buffer.concat([Buffer.from([0, 0, 0, 7]), Buffer.from("ssh-dss")]).toString("base64")} old`;
    writeFileSync(
      path,
      [
        "# header comment",
        ed.publicLine,
        `from="10.0.0.0/8" ${ec.publicLine}`,
        `command="backup.sh" ${ed.publicLine}`,
        `expiry-time="20300101Z" ${ec.publicLine}`,
        dss,
        'no-pty,command="unterminated',
        "",
      ].join("\n"),
    );
    const report = keysReport({ authorizedKeysPath: path, now });
    expect(report.accepted).toBe(2);
    expect(report.rows.map((r) => [r.line, r.status])).toEqual([
      [2, "accepted"],
      [3, "accepted"],
      [4, "refused"],
      [5, "refused"],
      [6, "skipped"],
      [7, "skipped"],
    ]);
    expect(report.rows[0]).toMatchObject({ type: "ssh-ed25519", fingerprint: ed.fingerprint, comment: "test-ed25519", note: "" });
    expect(report.rows[1]!.note).toBe("only from 10.0.0.0/8");
    expect(report.rows[2]!.note).toContain("command=");
    expect(report.rows[3]!.note).toBe("expired at 2030-01-01T00:00:00.000Z");
    expect(report.rows[4]).toMatchObject({ type: "ssh-dss", note: expect.stringContaining("unsupported key type") });
    expect(report.rows[5]!.note).toContain("unterminated");

    let out = "";
    expect(runKeysCommand({ authorizedKeysPath: path, now, write: (t) => (out += t) })).toBe(0);
    const lines = out.trimEnd().split("\n");
    expect(lines[0]).toMatch(/^LINE\s+TYPE\s+FINGERPRINT\s+COMMENT\s+STATUS\s+NOTE$/);
    expect(lines[1]).toMatch(new RegExp(`^2\\s+ssh-ed25519\\s+${ed.fingerprint.replace(/[+/]/g, "\\$&")}\\s+test-ed25519\\s+accepted$`));
    expect(lines.at(-1)).toBe(`${path}: 2 accepted keys.`);
  });

  test("missing file: says nobody can log in, exit code 1", () => {
    let out = "";
    const code = runKeysCommand({ authorizedKeysPath: join(dir, "missing"), now, write: (t) => (out += t) });
    expect(code).toBe(1);
    expect(out).toContain("Nobody can log in.");
  });

  test("no usable keys: summary says nobody can log in", () => {
    const path = join(dir, "only-comments");
    writeFileSync(path, "# nothing\n");
    expect(formatKeysReport(keysReport({ authorizedKeysPath: path, now }))).toBe(`${path}: no accepted keys. Nobody can log in.\n`);
  });
});
