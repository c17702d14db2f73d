import { afterAll, describe, expect, test } from "bun:test";
import { mkdirSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { isRunningFromSource, selfCommand, selfCommandFor } from "../../src/shared/self-command.ts";
import { REPO_ROOT } from "../support/cli-process.ts";
import { makeTempDir, removeTempDir } from "../support/ssh.ts";

const dir = makeTempDir("self-command-");
afterAll(() => removeTempDir(dir));

/** An executable file at `path`. */
function executable(path: string): string {
  mkdirSync(join(path, ".."), { recursive: true });
  writeFileSync(path, "#!/bin/sh\n", { mode: 0o755 });
  return path;
}

describe("selfCommandFor", () => {
  const launcher = executable(join(dir, "checkout", "bin", "claude-relay"));
  const binary = executable(join(dir, "opt", "claude-relay"));
  const fromSource = { execPath: "/usr/bin/bun", argv1: join(dir, "checkout", "src", "cli.ts"), launcher };
  const compiled = { execPath: binary, argv1: "/$bunfs/root/claude-relay", launcher };

  test("the compiled binary: `claude-relay` when that name on PATH is this file (also through a symlink), else its absolute path", () => {
    expect(selfCommandFor({ ...compiled, path: "/usr/bin:/bin" })).toBe(binary);
    expect(selfCommandFor({ ...compiled, path: `/usr/bin:${join(dir, "opt")}` })).toBe("claude-relay");
    const linked = join(dir, "linked-bin");
    mkdirSync(linked);
    symlinkSync(binary, join(linked, "claude-relay"));
    expect(selfCommandFor({ ...compiled, path: linked })).toBe("claude-relay");
  });

  test("another claude-relay earlier on PATH (the unrelated npm package, an old build) is not this one: the absolute path", () => {
    const other = join(dir, "other-bin");
    executable(join(other, "claude-relay"));
    expect(selfCommandFor({ ...compiled, path: `${other}:${join(dir, "opt")}` })).toBe(binary);
  });

  test("from source: the checkout's launcher, as `claude-relay` when npm link put it on PATH, else by its path", () => {
    expect(selfCommandFor({ ...fromSource, path: "/usr/bin" })).toBe(launcher);
    const npmBin = join(dir, "npm-global", "bin");
    mkdirSync(npmBin, { recursive: true });
    symlinkSync(launcher, join(npmBin, "claude-relay"));
    expect(selfCommandFor({ ...fromSource, path: `relative/dir:${npmBin}` })).toBe("claude-relay");
  });

  test("a path with a space is quoted for the shell", () => {
    const spaced = executable(join(dir, "my relay", "bin", "claude-relay"));
    expect(selfCommandFor({ ...fromSource, launcher: spaced, path: undefined })).toBe(`'${spaced}'`);
  });

  test("this process (bun test runs from source): the checkout's bin/claude-relay", () => {
    expect(isRunningFromSource(process.execPath, process.argv[1])).toBe(true);
    expect([join(REPO_ROOT, "bin", "claude-relay"), "claude-relay"]).toContain(selfCommand());
  });
});
