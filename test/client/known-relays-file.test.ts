/**
 * The known-relays file on disk: where it lives, and that adding a pin keeps what is there byte
 * for byte (creating the file 0600 in a 0700 directory when missing).
 */
import { afterAll, describe, expect, test } from "bun:test";
import { chmodSync, mkdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { KNOWN_RELAYS_HEADER } from "../../src/client/known-relays.ts";
import { appendKnownRelay, defaultKnownRelaysPath, readKnownRelays } from "../../src/client/known-relays-file.ts";
import { makeTempDir, removeTempDir } from "../support/ssh.ts";

const dir = makeTempDir("known-relays-");
afterAll(() => removeTempDir(dir));
const A = `SHA256:${"A".repeat(43)}`;
const B = `SHA256:${"B".repeat(43)}`;

test("defaultKnownRelaysPath: under $XDG_CONFIG_HOME when it is absolute, else ~/.config", () => {
  expect(defaultKnownRelaysPath({}, "/home/me")).toBe("/home/me/.config/claude-relay/known_relays");
  expect(defaultKnownRelaysPath({ XDG_CONFIG_HOME: "/cfg" }, "/home/me")).toBe("/cfg/claude-relay/known_relays");
  expect(defaultKnownRelaysPath({ XDG_CONFIG_HOME: "relative" }, "/home/me")).toBe("/home/me/.config/claude-relay/known_relays");
});

describe("appendKnownRelay", () => {
  test("a missing file is created 0600 (its directory 0700) with a header; the line number is returned", () => {
    const file = join(dir, "new", "claude-relay", "known_relays");
    expect(readKnownRelays(file)).toEqual([]);
    expect(appendKnownRelay(file, "laptop:7717", A)).toBe(2);
    expect(readFileSync(file, "utf8")).toBe(`${KNOWN_RELAYS_HEADER}\nlaptop:7717 ${A}\n`);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(statSync(join(dir, "new", "claude-relay")).mode & 0o777).toBe(0o700);
    expect(appendKnownRelay(file, "other:1", B)).toBe(3);
    expect(readKnownRelays(file)).toEqual([
      { address: "laptop:7717", fingerprint: A, line: 2 },
      { address: "other:1", fingerprint: B, line: 3 },
    ]);
  });

  test("an existing file keeps its bytes and its mode; one without a final line break gets one first", () => {
    mkdirSync(join(dir, "existing"));
    const file = join(dir, "existing", "known_relays");
    const text = `# my notes\r\nold:1 ${B}`;
    writeFileSync(file, text);
    chmodSync(file, 0o644);
    expect(appendKnownRelay(file, "laptop:7717", A)).toBe(3);
    expect(readFileSync(file, "utf8")).toBe(`${text}\nlaptop:7717 ${A}\n`);
    expect(statSync(file).mode & 0o777).toBe(0o644);
  });
});
