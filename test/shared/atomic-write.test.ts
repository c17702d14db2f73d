/** The one atomic file write every caller uses (state files, TLS files, authorized_keys, install), on real files. */
import { afterEach, beforeEach, describe, expect, test } from "bun:test";
import { chmodSync, closeSync, mkdirSync, openSync, readdirSync, readFileSync, readSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { writeFileAtomically } from "../../src/shared/atomic-write.ts";
import { makeTempDir, removeTempDir } from "../support/ssh.ts";

let dir: string;
beforeEach(() => (dir = makeTempDir("relay-atomic-")));
afterEach(() => removeTempDir(dir));

const mode = (path: string) => statSync(path).mode & 0o777;

/** With `mask` as the process umask while `run` runs. */
function withUmask(mask: number, run: () => void): void {
  const previous = process.umask(mask);
  try {
    run();
  } finally {
    process.umask(previous);
  }
}

describe("writeFileAtomically", () => {
  test("writes text and bytes exactly, leaving no temporary file", () => {
    const text = join(dir, "state.json");
    writeFileAtomically(text, '{"version":1}\n', 0o600);
    expect(readFileSync(text, "utf8")).toBe('{"version":1}\n');
    const bytes = join(dir, "blob");
    writeFileAtomically(bytes, new Uint8Array([0, 255, 10, 13]), 0o600);
    expect([...readFileSync(bytes)]).toEqual([0, 255, 10, 13]);
    writeFileAtomically(join(dir, "empty"), "", 0o600);
    expect(readFileSync(join(dir, "empty"), "utf8")).toBe("");
    expect(readdirSync(dir).sort()).toEqual(["blob", "empty", "state.json"]);
  });

  test("the file gets exactly the mode asked for, whatever the umask and the old file's mode", () => {
    const path = join(dir, "cert.pem");
    withUmask(0o077, () => writeFileAtomically(path, "public", 0o644));
    expect(mode(path)).toBe(0o644);
    chmodSync(path, 0o666);
    withUmask(0o000, () => writeFileAtomically(path, "secret", 0o600));
    expect(mode(path)).toBe(0o600);
    expect(readFileSync(path, "utf8")).toBe("secret");
  });

  test("replaces the file by a rename: a reader that had the old file open still reads the old bytes whole", () => {
    const path = join(dir, "authorized_keys");
    writeFileAtomically(path, "old line\n", 0o600);
    const fd = openSync(path, "r");
    try {
      writeFileAtomically(path, "old line\nnew line\n", 0o600);
      const buffer = Buffer.alloc(64);
      expect(buffer.subarray(0, readSync(fd, buffer, 0, 64, 0)).toString()).toBe("old line\n");
    } finally {
      closeSync(fd);
    }
    expect(readFileSync(path, "utf8")).toBe("old line\nnew line\n");
  });

  test("a missing parent directory is created 0700; an existing one keeps its mode", () => {
    const nested = join(dir, "state", "claude-relay", "open-sessions.json");
    withUmask(0o000, () => writeFileAtomically(nested, "[]", 0o600));
    expect(readFileSync(nested, "utf8")).toBe("[]");
    expect(mode(join(dir, "state"))).toBe(0o700);
    expect(mode(join(dir, "state", "claude-relay"))).toBe(0o700);
    const shared = join(dir, "shared");
    mkdirSync(shared, { mode: 0o755 });
    chmodSync(shared, 0o755);
    writeFileAtomically(join(shared, "file"), "x", 0o600);
    expect(mode(shared)).toBe(0o755);
  });

  test("a write that cannot finish throws and leaves what was there, and no temporary file", () => {
    const taken = join(dir, "a-directory");
    mkdirSync(taken);
    writeFileSync(join(taken, "inside"), "kept");
    expect(() => writeFileAtomically(taken, "text", 0o600)).toThrow();
    expect(readFileSync(join(taken, "inside"), "utf8")).toBe("kept");
    expect(readdirSync(dir)).toEqual(["a-directory"]);

    const notADirectory = join(dir, "plain-file");
    writeFileSync(notADirectory, "kept too");
    expect(() => writeFileAtomically(join(notADirectory, "child"), "text", 0o600)).toThrow();
    expect(readFileSync(notADirectory, "utf8")).toBe("kept too");
    expect(readdirSync(dir).sort()).toEqual(["a-directory", "plain-file"]);
  });
});
