import { afterAll, describe, expect, test } from "bun:test";
import { spawnSync } from "node:child_process";
import { existsSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { acquirePidLock, isAlive, LockHeldError } from "../../src/shared/pid-lock.ts";
import { makeTempDir, removeTempDir } from "../support/ssh.ts";

const dir = makeTempDir("pid-lock-");
afterAll(() => removeTempDir(dir));

/** The pid of a process that has ended. */
function deadPid(): number {
  const pid = spawnSync("true").pid;
  expect(isAlive(pid)).toBe(false);
  return pid;
}

describe("acquirePidLock", () => {
  test("creates the file with this pid (0600), and release removes it", () => {
    const path = join(dir, "fresh.lock");
    const lock = acquirePidLock(path);
    expect(readFileSync(path, "utf8")).toBe(`${process.pid}\n`);
    lock.release();
    expect(existsSync(path)).toBe(false);
  });

  test("a lock held by a live process is refused, naming that pid; the file is left as it was", () => {
    const path = join(dir, "held.lock");
    const lock = acquirePidLock(path, process.pid);
    const error = (() => {
      try {
        acquirePidLock(path, 12345);
      } catch (caught) {
        return caught;
      }
    })();
    expect(error).toBeInstanceOf(LockHeldError);
    expect(error).toMatchObject({ pid: process.pid, path });
    expect(readFileSync(path, "utf8")).toBe(`${process.pid}\n`);
    lock.release();
  });

  test("a lock left by a dead process, or an empty or garbled one, is taken over", () => {
    for (const [name, content] of [
      ["dead.lock", `${deadPid()}\n`],
      ["empty.lock", ""],
      ["garbled.lock", "not a pid"],
    ] as const) {
      const path = join(dir, name);
      writeFileSync(path, content);
      const lock = acquirePidLock(path);
      expect(readFileSync(path, "utf8")).toBe(`${process.pid}\n`);
      lock.release();
    }
    expect(readdirSync(dir).filter((file) => file.includes(".stale"))).toEqual([]); // nothing left aside
  });

  test("release leaves a lock another process took since alone", () => {
    const path = join(dir, "taken.lock");
    const lock = acquirePidLock(path);
    writeFileSync(path, "1\n"); // as if another process had taken it over
    lock.release();
    expect(readFileSync(path, "utf8")).toBe("1\n");
  });
});
