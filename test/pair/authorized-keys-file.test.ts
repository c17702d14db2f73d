import { afterAll, describe, expect, test } from "bun:test";
import { chmodSync, lstatSync, mkdirSync, readdirSync, readFileSync, statSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { AuthorizedKeysFile } from "../../src/pair/authorized-keys-file.ts";
import { parseDeviceKey } from "../../src/pair/device-key.ts";
import { generateKey, makeTempDir, removeTempDir } from "../support/ssh.ts";

const dir = makeTempDir("relay-keys-file-");
afterAll(() => removeTempDir(dir));

const key = (name: string) => {
  const generated = generateKey(dir, "ed25519", name);
  const parsed = parseDeviceKey(generated.publicLine);
  if (!parsed.ok) throw new Error(parsed.reason);
  return { blob: parsed.key.blob, line: `${parsed.key.type} ${parsed.key.base64} claude-relay:${name} 2030-01-01` };
};
const phone = key("phone");
const tablet = key("tablet");

describe("AuthorizedKeysFile.add", () => {
  test("keeps every existing byte (CRLF, comments, no final newline) and adds a newline before the line", () => {
    const path = join(dir, "keep", "authorized_keys");
    mkdirSync(join(dir, "keep"));
    const old = "# my keys\r\nssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIMSgIj7K2lVNd3A6tIxeqQ6KzCMl0q9n5r0sVw5Kc9tN  laptop\r\n\r\nssh-rsa AAAA old";
    writeFileSync(path, old);
    expect(new AuthorizedKeysFile(path).add(phone.blob, phone.line)).toEqual({ added: true, path });
    expect(readFileSync(path, "utf8")).toBe(`${old}\n${phone.line}\n`);
  });

  test("a file ending in a newline gets just the line", () => {
    const path = join(dir, "plain_keys");
    writeFileSync(path, "ssh-ed25519 AAAA x\n");
    new AuthorizedKeysFile(path).add(phone.blob, phone.line);
    expect(readFileSync(path, "utf8")).toBe(`ssh-ed25519 AAAA x\n${phone.line}\n`);
  });

  test("keeps the file's mode, leaves no temp file, and is not added twice", () => {
    const path = join(dir, "mode_keys");
    writeFileSync(path, "");
    chmodSync(path, 0o640);
    const file = new AuthorizedKeysFile(path);
    file.add(phone.blob, phone.line);
    expect(statSync(path).mode & 0o777).toBe(0o640);
    expect(file.add(phone.blob, phone.line)).toEqual({ added: false, path });
    expect(readFileSync(path, "utf8")).toBe(`${phone.line}\n`);
    expect(readdirSync(dir).filter((name) => name.endsWith(".tmp"))).toEqual([]);
  });

  test("a key present only with a restriction (from=) is added as a plain line", () => {
    const path = join(dir, "restricted_keys");
    writeFileSync(path, `from="10.0.0.0/8" ${phone.line}\n`);
    expect(new AuthorizedKeysFile(path).add(phone.blob, phone.line).added).toBe(true);
  });

  test("a missing file is created 0600 in a new 0700 .ssh", () => {
    const path = join(dir, "home", ".ssh", "authorized_keys");
    mkdirSync(join(dir, "home"));
    new AuthorizedKeysFile(path).add(phone.blob, phone.line);
    expect(readFileSync(path, "utf8")).toBe(`${phone.line}\n`);
    expect(statSync(path).mode & 0o777).toBe(0o600);
    expect(statSync(join(dir, "home", ".ssh")).mode & 0o777).toBe(0o700);
  });

  test("a symlinked file is written at its target; the link stays a link", () => {
    const target = join(dir, "dotfiles_keys");
    const link = join(dir, "linked_keys");
    writeFileSync(target, "");
    symlinkSync(target, link);
    expect(new AuthorizedKeysFile(link).add(phone.blob, phone.line)).toEqual({ added: true, path: target });
    expect(lstatSync(link).isSymbolicLink()).toBe(true);
    expect(readFileSync(target, "utf8")).toBe(`${phone.line}\n`);
  });

  test("a second device's line follows the first", () => {
    const path = join(dir, "second_keys");
    writeFileSync(path, "# start\n");
    const file = new AuthorizedKeysFile(path);
    file.add(phone.blob, phone.line);
    file.add(tablet.blob, tablet.line);
    expect(readFileSync(path, "utf8")).toBe(`# start\n${phone.line}\n${tablet.line}\n`);
  });
});
