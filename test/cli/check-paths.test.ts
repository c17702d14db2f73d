/** --cwd and --state-dir checks against real directories: what is refused, with which words, and that nothing is created. */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { existsSync, mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { checkStateDir, checkWorkingDirectory } from "../../src/cli/check-paths.ts";
import { UsageError } from "../../src/cli/usage-error.ts";
import { makeTempDir, removeTempDir } from "../support/ssh.ts";
import { thrown } from "../support/thrown.ts";
import { unwritableDir } from "../support/unwritable.ts";

let dir: string;
let file: string;
beforeAll(() => {
  dir = makeTempDir("relay-paths-");
  file = join(dir, "a-file");
  writeFileSync(file, "x");
});
afterAll(() => removeTempDir(dir));

describe("checkWorkingDirectory", () => {
  test("an existing directory passes", () => {
    expect(() => checkWorkingDirectory(dir, true)).not.toThrow();
  });

  test("a missing directory or a file given with --cwd is a usage error naming --cwd and the path", () => {
    const missing = thrown(() => checkWorkingDirectory(join(dir, "no-such-dir"), true));
    expect(missing).toBeInstanceOf(UsageError);
    expect(missing.message).toBe(`--cwd ${join(dir, "no-such-dir")} does not exist; Claude needs an existing directory to work in`);
    const notDir = thrown(() => checkWorkingDirectory(file, true));
    expect(notDir).toBeInstanceOf(UsageError);
    expect(notDir.message).toBe(`--cwd ${file} is not a directory; Claude needs a directory to work in`);
  });

  test("the default (current directory) failing is a start-up failure, not a usage error", () => {
    const error = thrown(() => checkWorkingDirectory(join(dir, "gone"), false));
    expect(error).not.toBeInstanceOf(UsageError);
    expect(error.message).toContain("(the current directory; choose one with --cwd DIR)");
  });
});

describe("checkStateDir", () => {
  test("an existing directory, or a path that can be created, passes and nothing is created", () => {
    expect(() => checkStateDir(dir, true)).not.toThrow();
    const deep = join(dir, "new", "deeper", "state");
    expect(() => checkStateDir(deep, true)).not.toThrow();
    expect(existsSync(join(dir, "new"))).toBe(false);
  });

  test("a file, or a path under a file, names --state-dir, the path and the problem", () => {
    const isFile = thrown(() => checkStateDir(file, true));
    expect(isFile).toBeInstanceOf(UsageError);
    expect(isFile.message).toBe(`--state-dir ${file} is not a directory`);
    const under = thrown(() => checkStateDir(join(file, "state"), true));
    expect(under.message).toBe(`--state-dir ${join(file, "state")} cannot be created: ${file} is not a directory`);
  });

  test("a directory that cannot be written, or created in one, is refused", () => {
    const locked = unwritableDir(dir);
    const existing = thrown(() => checkStateDir(locked, true));
    expect(existing).toBeInstanceOf(UsageError);
    expect(existing.message).toMatch(new RegExp(`^--state-dir ${locked} is not writable \\((permission denied|read-only file system)\\)$`));
    const inside = thrown(() => checkStateDir(join(locked, "relay", "state"), true));
    expect(inside.message).toMatch(new RegExp(`^--state-dir ${locked}/relay/state cannot be created: ${locked} is not writable`));
  });

  test("the default failing says which flag chooses another, and is a start-up failure", () => {
    const error = thrown(() => checkStateDir(file, false));
    expect(error).not.toBeInstanceOf(UsageError);
    expect(error.message).toBe(`the state directory ${file} (the default; choose another with --state-dir DIR) is not a directory`);
  });
});

test("a directory made for the test really is unwritable (the check above is real)", () => {
  const locked = unwritableDir(dir);
  expect(() => mkdirSync(join(locked, "probe"))).toThrow();
});
