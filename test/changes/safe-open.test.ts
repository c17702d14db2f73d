/**
 * The path rules, each refusal proven on a real file system: lexical ones (absolute, `..` out,
 * NUL, `.git` in any case, a worktree's `.git` file), symlinks out (a file, a directory on the
 * way, /dev/zero, into .git), a hard link to a file outside, a FIFO that would block an ordinary
 * open, a socket, a device, a directory, and swaps made between the checks and the open. Symlinks
 * that stay inside are followed.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { spawnSync } from "node:child_process";
import { linkSync, mkdirSync, renameSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:net";
import { join } from "node:path";
import { checkRelativePath } from "../../src/changes/relative-path.ts";
import { openInside } from "../../src/changes/safe-open.ts";
import { makeTempDir, removeTempDir } from "../support/ssh.ts";

let base: string;
let root: string;
let outside: string;
let socketServer: Server;
beforeAll(async () => {
  base = makeTempDir("relay-paths-");
  root = join(base, "session");
  outside = join(base, "outside");
  mkdirSync(join(root, "src"), { recursive: true });
  mkdirSync(join(root, ".git"), { recursive: true });
  mkdirSync(outside);
  writeFileSync(join(root, "src", "main.ts"), "inside\n");
  writeFileSync(join(root, ".git", "config"), "[core]\n");
  writeFileSync(join(outside, "secret.txt"), "secret\n");
  socketServer = createServer();
  await new Promise<void>((resolve) => socketServer.listen(join(root, "sock"), resolve));
});
afterAll(() => {
  socketServer.close();
  removeTempDir(base);
});

/** What `openInside` says about `path`: "ok: <contents>" or its refusal. */
async function verdict(path: string, beforeOpen?: () => void): Promise<string> {
  const opened = await openInside(root, path, { ...(beforeOpen && { beforeOpen }) });
  if (!opened.ok) return opened.reason;
  try {
    return `ok: ${(await opened.handle.readFile("utf8")).trim()}`;
  } finally {
    await opened.handle.close();
  }
}

describe("lexical rules", () => {
  test.each([
    ["/etc/passwd", "absolute"],
    ["../outside/secret.txt", "leads out"],
    ["src/../../outside/secret.txt", "leads out"],
    ["src/\0main.ts", "NUL"],
    [".git/config", ".git"],
    [".GIT/config", ".git"],
    ["src/.Git/HEAD", ".git"],
    [".git", ".git"],
    [".git./config", ".git"],
    ["", "empty"],
    [".", "session directory itself"],
  ])("%j is refused (%s)", async (path, why) => {
    const check = checkRelativePath(path);
    expect(check.ok).toBe(false);
    expect(check.ok ? "" : check.reason).toContain(why);
    expect(await verdict(path)).toContain(why);
  });

  test("normal paths are normalized, and `..` that stays inside is fine", () => {
    expect(checkRelativePath("src//./main.ts")).toEqual({ ok: true, path: "src/main.ts" });
    expect(checkRelativePath("src/../src/main.ts")).toEqual({ ok: true, path: "src/main.ts" });
    expect(checkRelativePath(".gitignore")).toEqual({ ok: true, path: ".gitignore" });
    expect(checkRelativePath("my.git/x")).toEqual({ ok: true, path: "my.git/x" });
  });
});

describe("what the path really is", () => {
  test("a plain file inside is opened", async () => {
    expect(await verdict("src/main.ts")).toBe("ok: inside");
  });

  test("a symlink whose target lies inside is followed", async () => {
    symlinkSync("src/main.ts", join(root, "link-in"));
    symlinkSync(join(root, "src"), join(root, "src-link"));
    expect(await verdict("link-in")).toBe("ok: inside");
    expect(await verdict("src-link/main.ts")).toBe("ok: inside");
  });

  test("a symlink to a file outside, a directory on the way outside, /dev/zero, into .git: refused", async () => {
    symlinkSync(join(outside, "secret.txt"), join(root, "link-out"));
    symlinkSync(outside, join(root, "dir-out"));
    symlinkSync("/dev/zero", join(root, "zero"));
    symlinkSync(".git/config", join(root, "git-config"));
    expect(await verdict("link-out")).toContain("outside the session directory");
    expect(await verdict("dir-out/secret.txt")).toContain("outside the session directory");
    expect(await verdict("zero")).toContain("outside the session directory");
    expect(await verdict("git-config")).toContain(".git");
  });

  test("a hard link to a file outside is refused (a file with several links)", async () => {
    linkSync(join(outside, "secret.txt"), join(root, "hard"));
    expect(await verdict("hard")).toContain("several hard links");
  });

  test("a FIFO is refused at once, without waiting for a writer", async () => {
    expect(spawnSync("mkfifo", [join(root, "fifo")]).status).toBe(0);
    const started = performance.now();
    expect(await verdict("fifo")).toContain("FIFO");
    expect(performance.now() - started).toBeLessThan(1000);
  });

  test("a socket and a directory are refused", async () => {
    expect(await verdict("sock")).toMatch(/socket/);
    expect(await verdict("src")).toContain("directory");
  });

  const canMknod = spawnSync("mknod", [join(makeTempDir("relay-mknod-"), "probe"), "c", "1", "3"]).status === 0;
  test.skipIf(!canMknod)("a device inside the directory is refused (needs mknod, i.e. root)", async () => {
    expect(spawnSync("mknod", [join(root, "null-device"), "c", "1", "3"]).status).toBe(0);
    expect(await verdict("null-device")).toContain("device");
  });

  test("a missing file says so", async () => {
    const opened = await openInside(root, "src/nope.ts");
    expect(opened).toEqual({ ok: false, reason: "no such file", missing: true });
  });
});

describe("swaps between the checks and the open", () => {
  test("the file swapped for a symlink out: O_NOFOLLOW refuses it", async () => {
    writeFileSync(join(root, "swap.txt"), "inside\n");
    const reason = await verdict("swap.txt", () => {
      rmSync(join(root, "swap.txt"));
      symlinkSync(join(outside, "secret.txt"), join(root, "swap.txt"));
    });
    expect(reason).toContain("symlink");
  });

  test("a directory on the way swapped for a symlink out: the opened descriptor is caught pointing outside", async () => {
    mkdirSync(join(root, "swapdir"));
    writeFileSync(join(root, "swapdir", "secret.txt"), "inside\n");
    const elsewhere = join(base, "elsewhere");
    mkdirSync(elsewhere);
    writeFileSync(join(elsewhere, "secret.txt"), "secret, one link\n");
    const reason = await verdict("swapdir/secret.txt", () => {
      renameSync(join(root, "swapdir"), join(root, "swapdir-old"));
      symlinkSync(elsewhere, join(root, "swapdir"));
    });
    expect(reason).toContain("changed while it was opened");
  });

  test("the file swapped for a FIFO: refused, not blocked", async () => {
    writeFileSync(join(root, "will-be-fifo"), "inside\n");
    const reason = await verdict("will-be-fifo", () => {
      rmSync(join(root, "will-be-fifo"));
      expect(spawnSync("mkfifo", [join(root, "will-be-fifo")]).status).toBe(0);
    });
    expect(reason).toContain("FIFO");
  });
});
