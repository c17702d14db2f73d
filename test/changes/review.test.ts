/**
 * changes.get, changes.diff and file.read's work, against real repositories: what changed (odd
 * names, renames, untracked files counted, .gitignore), a directory outside git, a repository
 * without a commit, a session in a subdirectory, the file-count bound; diffs of tracked and
 * untracked files (the latter byte for byte as `git diff --no-index` prints them), a 1 MB file's
 * diff truncated, path refusals; file slices as UTF-8 or base64, with offset and length.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { spawnSync } from "node:child_process";
import { chmodSync, mkdirSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { listChanges } from "../../src/changes/changes-list.ts";
import { MAX_FILE_READ_BYTES, readFileSlice, utf8Text } from "../../src/changes/file-read.ts";
import { diffPath, MAX_DIFF_BYTES } from "../../src/changes/path-diff.ts";
import { GIT_TEST_ENV, type GitRepo, makeGitRepo } from "../support/git-repo.ts";
import { makeTempDir, removeTempDir } from "../support/ssh.ts";

let repo: GitRepo;
beforeAll(() => {
  repo = makeGitRepo();
  repo.write("src/app.ts", "const a = 1;\nconst b = 2;\n");
  repo.write("old name.md", "# title\nline\nline\nline\nline\n");
  repo.write("big.txt", "x\n");
  repo.commit("first");
  repo.write("src/app.ts", "const a = 1;\nconst b = 3;\nconst c = 4;\n");
  repo.git("mv", "old name.md", "new name.md");
  repo.write('new\nline "q".txt', "one\ntwo\nthree");
  repo.write("notes/ü.md", "hello\n");
  repo.write(".gitignore", "*.log\n");
  repo.write("debug.log", "ignored\n");
  repo.write("logo.bin", new Uint8Array([0x89, 0x50, 0, 0, 1]));
  // a 1 MB file: its diff must be cut
  repo.write("big.txt", `${"0123456789abcdefghijklmnopqrstuvwxyz".repeat(28).concat("\n").repeat(1024)}`);
});
afterAll(() => repo.remove());

describe("listChanges", () => {
  test("the working tree against HEAD: statuses, counts, the rename's old path, untracked files counted, ignored ones left out", async () => {
    const changes = await listChanges(repo.dir);
    expect(changes).toMatchObject({ git: true, branch: "main", truncated: false });
    const byPath = Object.fromEntries(changes.files.map((file) => [file.path, file]));
    expect(byPath["src/app.ts"]).toEqual({ path: "src/app.ts", status: "modified", additions: 2, deletions: 1 });
    expect(byPath["new name.md"]).toEqual({ path: "new name.md", status: "renamed", from: "old name.md", additions: 0, deletions: 0 });
    expect(byPath['new\nline "q".txt']).toEqual({ path: 'new\nline "q".txt', status: "untracked", additions: 3, deletions: 0 });
    expect(byPath["notes/ü.md"]).toEqual({ path: "notes/ü.md", status: "untracked", additions: 1, deletions: 0 });
    expect(byPath["logo.bin"]).toEqual({ path: "logo.bin", status: "untracked", additions: 0, deletions: 0, binary: true });
    expect(byPath["big.txt"]).toMatchObject({ status: "modified", additions: 1024, deletions: 1 });
    expect(byPath["debug.log"]).toBeUndefined();
    expect(changes.files).toHaveLength(7);
  });

  test("past maxFiles the list is cut and marked truncated", async () => {
    const changes = await listChanges(repo.dir, { maxFiles: 2 });
    expect(changes.files).toHaveLength(2);
    expect(changes.truncated).toBe(true);
  });

  test("a directory outside any repository: git false, no files", async () => {
    const dir = makeTempDir("relay-nogit-");
    try {
      writeFileSync(join(dir, "a.txt"), "a\n");
      expect(await listChanges(dir)).toEqual({ git: false, files: [], truncated: false });
    } finally {
      removeTempDir(dir);
    }
  });

  test("a repository with no commit yet: everything is added or untracked", async () => {
    const fresh = makeGitRepo();
    try {
      fresh.write("staged.txt", "a\nb\n");
      fresh.git("add", "staged.txt");
      fresh.write("loose.txt", "c\n");
      expect(await listChanges(fresh.dir)).toEqual({
        git: true,
        branch: "main",
        truncated: false,
        files: [
          { path: "staged.txt", status: "added", additions: 2, deletions: 0 },
          { path: "loose.txt", status: "untracked", additions: 1, deletions: 0 },
        ],
      });
    } finally {
      fresh.remove();
    }
  });

  test("a session in a subdirectory sees only it, with paths relative to it", async () => {
    const changes = await listChanges(join(repo.dir, "src"));
    expect(changes.files).toEqual([{ path: "app.ts", status: "modified", additions: 2, deletions: 1 }]);
  });

  test("an untracked symlink out and an untracked FIFO are listed without reading them", async () => {
    const dir = makeGitRepo();
    try {
      dir.write("a.txt", "a\n");
      dir.commit();
      symlinkSync("/etc/passwd", join(dir.dir, "passwd-link"));
      expect(spawnSync("mkfifo", [join(dir.dir, "pipe")]).status).toBe(0);
      const files = (await listChanges(dir.dir)).files;
      expect(files).toContainEqual({ path: "passwd-link", status: "untracked", additions: 0, deletions: 0 });
    } finally {
      dir.remove();
    }
  });
});

describe("diffPath", () => {
  test("a tracked file: git's own unified diff", async () => {
    const diff = await diffPath(repo.dir, "src/app.ts");
    expect(diff).toEqual({ ok: true, path: "src/app.ts", truncated: false, patch: repo.git("diff", "HEAD", "--", "src/app.ts") });
    expect(diff.ok && diff.patch).toContain("+const c = 4;");
  });

  test("untracked files against /dev/null, byte for byte as git diff --no-index prints them", async () => {
    chmodSync(join(repo.dir, "notes/ü.md"), 0o755);
    for (const path of ['new\nline "q".txt', "notes/ü.md", "logo.bin"]) {
      const git = spawnSync("git", ["-c", "core.quotepath=false", "diff", "--no-index", "--", "/dev/null", path], {
        cwd: repo.dir,
        encoding: "utf8",
        env: GIT_TEST_ENV,
      });
      const expected = git.stdout.replace(/^index [0-9a-f.]+\n/m, "");
      expect(await diffPath(repo.dir, path)).toEqual({ ok: true, path, truncated: false, patch: expected });
    }
  });

  test("a 1 MB file's diff is cut at a line end below the bound and marked truncated", async () => {
    const diff = await diffPath(repo.dir, "big.txt");
    if (!diff.ok) throw new Error(diff.reason);
    expect(diff.truncated).toBe(true);
    expect(Buffer.byteLength(diff.patch)).toBeLessThanOrEqual(MAX_DIFF_BYTES);
    expect(Buffer.byteLength(diff.patch)).toBeGreaterThan(MAX_DIFF_BYTES - 2000);
    expect(diff.patch.endsWith("\n")).toBe(true);
  });

  test("an unchanged file has an empty patch; a deleted one a deletion", async () => {
    const fresh = makeGitRepo();
    try {
      fresh.write("same.txt", "s\n");
      fresh.write("gone.txt", "g\n");
      fresh.commit();
      fresh.git("rm", "-q", "gone.txt");
      expect(await diffPath(fresh.dir, "same.txt")).toEqual({ ok: true, path: "same.txt", patch: "", truncated: false });
      const gone = await diffPath(fresh.dir, "gone.txt");
      expect(gone.ok && gone.patch).toContain("deleted file mode 100644");
    } finally {
      fresh.remove();
    }
  });

  test("refusals: outside, .git, a symlink out, a directory", async () => {
    symlinkSync("/etc/hostname", join(repo.dir, "host-link"));
    for (const path of ["../x", "/etc/passwd", ".git/config", "host-link", "src"]) {
      expect((await diffPath(repo.dir, path)).ok).toBe(false);
    }
  });

  test("not a repository: refused with a reason", async () => {
    const dir = makeTempDir("relay-nogit-");
    try {
      writeFileSync(join(dir, "a.txt"), "a\n");
      expect(await diffPath(dir, "a.txt")).toEqual({ ok: false, reason: "the session directory is not in a git repository" });
    } finally {
      removeTempDir(dir);
    }
  });
});

describe("readFileSlice", () => {
  test("text as utf8, with size, offset and length", async () => {
    expect(await readFileSlice(repo.dir, "notes/ü.md")).toEqual({
      ok: true,
      path: "notes/ü.md",
      size: 6,
      offset: 0,
      length: 6,
      encoding: "utf8",
      data: "hello\n",
      truncated: false,
    });
    expect(await readFileSlice(repo.dir, "src/app.ts", { offset: 6, length: 1 })).toMatchObject({ data: "a", offset: 6, length: 1, truncated: true });
  });

  test("binary as base64", async () => {
    expect(await readFileSlice(repo.dir, "logo.bin")).toMatchObject({
      encoding: "base64",
      data: Buffer.from([0x89, 0x50, 0, 0, 1]).toString("base64"),
      size: 5,
    });
  });

  test("at most 1 MiB a reply; a UTF-8 character cut at the end is left for the next slice", async () => {
    const dir = makeTempDir("relay-read-");
    try {
      mkdirSync(join(dir, "d"));
      writeFileSync(join(dir, "d", "huge.txt"), `${"a".repeat(MAX_FILE_READ_BYTES - 1)}ü and more`);
      const first = await readFileSlice(dir, "d/huge.txt");
      expect(first).toMatchObject({ encoding: "utf8", offset: 0, length: MAX_FILE_READ_BYTES - 1, truncated: true });
      const second = await readFileSlice(dir, "d/huge.txt", { offset: MAX_FILE_READ_BYTES - 1 });
      expect(second).toMatchObject({ encoding: "utf8", data: "ü and more", truncated: false });
      expect(await readFileSlice(dir, "d/huge.txt", { length: 5 * MAX_FILE_READ_BYTES })).toMatchObject({ length: MAX_FILE_READ_BYTES - 1 });
    } finally {
      removeTempDir(dir);
    }
  });

  test("past the end: empty, not truncated", async () => {
    expect(await readFileSlice(repo.dir, "notes/ü.md", { offset: 100 })).toMatchObject({ offset: 6, length: 0, data: "", truncated: false });
  });

  test("utf8Text: invalid UTF-8 and NUL are not text", () => {
    expect(utf8Text(new Uint8Array([0xff, 0x41]), true)).toBeUndefined();
    expect(utf8Text(new Uint8Array([0x41, 0]), true)).toBeUndefined();
    expect(utf8Text(new Uint8Array([0x41, 0xc3]), true)).toBeUndefined();
    expect(utf8Text(new Uint8Array([0x41, 0xc3]), false)).toEqual({ text: "A", bytes: 1 });
  });
});
