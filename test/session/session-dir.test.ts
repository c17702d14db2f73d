/**
 * Which directories session.create accepts, on real temp directories: real paths (symlinks, `..`)
 * are checked, allowed directories are resolved too, and each refusal names its rule.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mkdirSync, realpathSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { checkSessionDir, isInside } from "../../src/session/session-dir.ts";
import { makeTempDir, removeTempDir } from "../support/ssh.ts";

let root: string;
let home: string;
let outside: string;
beforeAll(() => {
  root = realpathSync(makeTempDir("relay-dirs-"));
  home = join(root, "home");
  outside = join(root, "outside");
  mkdirSync(join(home, "code", "app"), { recursive: true });
  mkdirSync(outside);
  writeFileSync(join(home, "notes.txt"), "a file");
  symlinkSync(outside, join(home, "escape")); // inside by name, outside in fact
  symlinkSync(join(home, "code"), join(root, "into-home")); // outside by name, inside in fact
  symlinkSync(home, join(root, "home-link"));
});
afterAll(() => removeTempDir(root));

describe("checkSessionDir", () => {
  test("an existing directory inside an allowed one is accepted, as its real path", () => {
    expect(checkSessionDir(join(home, "code", "app"), [home])).toEqual({ ok: true, path: join(home, "code", "app") });
    expect(checkSessionDir(home, [home])).toEqual({ ok: true, path: home });
    expect(checkSessionDir(join(root, "into-home"), [home])).toEqual({ ok: true, path: join(home, "code") });
    expect(checkSessionDir(`${home}/code/../code/app`, [home])).toEqual({ ok: true, path: join(home, "code", "app") }); // (join would drop the ..)
  });

  test("allowed directories are resolved too: a symlinked --allow-dir allows its target", () => {
    expect(checkSessionDir(join(home, "code"), [join(root, "home-link")])).toEqual({ ok: true, path: join(home, "code") });
  });

  test("any of several allowed directories will do", () => {
    expect(checkSessionDir(outside, [home, outside])).toEqual({ ok: true, path: outside });
  });

  const refused = (cwd: string, allow: string[] = [home]) => {
    const result = checkSessionDir(cwd, allow);
    if (result.ok) throw new Error(`${cwd} was accepted`);
    return result.message;
  };

  test("a relative path is refused", () => {
    expect(refused("code/app")).toBe('cwd must be an absolute path, got "code/app"');
    expect(refused("~/code")).toContain("absolute path");
    expect(refused(".")).toContain("absolute path");
  });

  test("a missing directory is refused", () => {
    expect(refused(join(home, "nope"))).toBe(`no such directory: ${JSON.stringify(join(home, "nope"))}`);
  });

  test("a file is refused, also as a path component", () => {
    expect(refused(join(home, "notes.txt"))).toBe(`not a directory: ${JSON.stringify(join(home, "notes.txt"))} is a file`);
    expect(refused(join(home, "notes.txt", "sub"))).toContain("not a directory");
  });

  test("a directory outside every allowed one is refused, naming them", () => {
    expect(refused(outside)).toBe(`${JSON.stringify(outside)} is outside every allowed directory (--allow-dir: ${home})`);
  });

  test("`..` escaping an allowed directory is refused", () => {
    const escaping = `${home}/code/../../outside`;
    expect(refused(escaping)).toContain("is outside every allowed directory");
    expect(refused(escaping)).toContain(`real path ${JSON.stringify(outside)}`);
  });

  test("a symlink inside an allowed directory that points out of it is refused", () => {
    expect(refused(join(home, "escape"))).toBe(
      `${JSON.stringify(join(home, "escape"))} (real path ${JSON.stringify(outside)}) is outside every allowed directory (--allow-dir: ${home})`,
    );
  });

  test("the relay's own directory (--cwd) is allowed too, and below it; a refusal names it when --allow-dir does not cover it", () => {
    expect(checkSessionDir(outside, [home], outside)).toEqual({ ok: true, path: outside });
    mkdirSync(join(outside, "sub"), { recursive: true });
    expect(checkSessionDir(join(outside, "sub"), [home], outside)).toEqual({ ok: true, path: join(outside, "sub") });
    const other = checkSessionDir(root, [home], outside);
    expect(other).toEqual({ ok: false, message: `${JSON.stringify(root)} is outside every allowed directory (--allow-dir: ${home}; --cwd: ${outside})` });
    const covered = checkSessionDir(outside, [home], join(home, "code"));
    expect(covered).toEqual({ ok: false, message: `${JSON.stringify(outside)} is outside every allowed directory (--allow-dir: ${home})` });
  });

  test("an allowed directory that does not exist allows nothing", () => {
    expect(refused(home, [join(root, "gone")])).toContain("(--allow-dir: none exists)");
  });
});

describe("isInside", () => {
  test("the directory itself and what lies below it; not a sibling sharing its prefix", () => {
    expect(isInside("/home/me", "/home/me")).toBe(true);
    expect(isInside("/home/me/app", "/home/me")).toBe(true);
    expect(isInside("/home/meow", "/home/me")).toBe(false);
    expect(isInside("/home", "/home/me")).toBe(false);
    expect(isInside("/anything", "/")).toBe(true);
  });
});
