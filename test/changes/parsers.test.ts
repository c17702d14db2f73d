/**
 * The porcelain v2 and numstat parsers against real git output of awkward names: spaces, a
 * newline, quotes, a backslash, a tab, unicode, a leading dash, a rename (into a name with
 * spaces), a copy-free deletion, a staged add, an unborn repository; and a few fixed strings.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { rmSync } from "node:fs";
import { join } from "node:path";
import { parseNumstat } from "../../src/changes/numstat-parser.ts";
import { parseStatus } from "../../src/changes/status-parser.ts";
import { type GitRepo, makeGitRepo } from "../support/git-repo.ts";

const ODD = ["with space.txt", "new\nline.txt", 'quo"te.txt', "back\\slash.txt", "tab\there.txt", "ünï cödé ✓.txt", "-dash.txt"];

let repo: GitRepo;
beforeAll(() => {
  repo = makeGitRepo();
  for (const name of ODD) repo.write(name, "one\ntwo\n");
  repo.write("old name.txt", "a\nb\nc\nd\ne\nf\ng\n");
  repo.write("gone.txt", "x\n");
  repo.write("dir/keep.txt", "k\n");
  repo.commit("first");
  for (const name of ODD) repo.write(name, "one\nTWO\nthree\n");
  repo.git("mv", "old name.txt", "moved → here.txt");
  rmSync(join(repo.dir, "gone.txt"));
  repo.write("staged new.txt", "s\n");
  repo.git("add", "staged new.txt");
  repo.write("untracked dir/ü new.txt", "u\n");
  repo.write(".gitignore", "*.log\n");
  repo.write("ignored.log", "ignored\n");
});
afterAll(() => repo.remove());

const status = () => parseStatus(repo.git("status", "--porcelain=v2", "-z", "--branch", "--untracked-files=all", "--renames"));
const numstat = () => parseNumstat(repo.git("diff", "--numstat", "-z", "-M", "HEAD"));

describe("parseStatus on real git output", () => {
  test("every odd name comes back verbatim as modified", () => {
    const entries = status().entries;
    for (const name of ODD) expect(entries).toContainEqual({ path: name, status: "modified" });
  });

  test("the branch, a rename with its old path, a deletion, a staged add, untracked files; ignored ones skipped", () => {
    const parsed = status();
    expect(parsed.branch).toBe("main");
    expect(parsed.unborn).toBe(false);
    expect(parsed.entries).toContainEqual({ path: "moved → here.txt", status: "renamed", from: "old name.txt" });
    expect(parsed.entries).toContainEqual({ path: "gone.txt", status: "deleted" });
    expect(parsed.entries).toContainEqual({ path: "staged new.txt", status: "added" });
    expect(parsed.entries).toContainEqual({ path: "untracked dir/ü new.txt", status: "untracked" });
    expect(parsed.entries).toContainEqual({ path: ".gitignore", status: "untracked" });
    expect(parsed.entries.map((entry) => entry.path)).not.toContain("ignored.log");
    expect(parsed.entries).toHaveLength(ODD.length + 5);
  });

  test("an unborn repository: no commit yet, everything untracked or added", () => {
    const fresh = makeGitRepo();
    try {
      fresh.write("a.txt", "a\n");
      fresh.write("b c.txt", "b\n");
      fresh.git("add", "a.txt");
      const parsed = parseStatus(fresh.git("status", "--porcelain=v2", "-z", "--branch", "--untracked-files=all"));
      expect(parsed).toEqual({
        branch: "main",
        unborn: true,
        entries: [
          { path: "a.txt", status: "added" },
          { path: "b c.txt", status: "untracked" },
        ],
      });
    } finally {
      fresh.remove();
    }
  });

  test("a detached HEAD has no branch; a worktree-deleted staged add is no change", () => {
    expect(parseStatus("# branch.oid abc\0# branch.head (detached)\0").branch).toBeUndefined();
    expect(parseStatus("1 AD N... 000000 100644 000000 0 0 x.txt\0").entries).toEqual([]);
    expect(parseStatus("1 .A N... 000000 000000 100644 0 0 ita.txt\0").entries).toEqual([{ path: "ita.txt", status: "added" }]);
    expect(parseStatus("u UU N... 100644 100644 100644 100644 a b c conflict me.txt\0").entries).toEqual([{ path: "conflict me.txt", status: "modified" }]);
  });

  test("a copy (C score) is an added file; a malformed record is skipped", () => {
    expect(parseStatus("2 C. N... 100644 100644 100644 a b C100 copy.txt\0orig.txt\0").entries).toEqual([{ path: "copy.txt", status: "added" }]);
    expect(parseStatus("1 .M broken\0").entries).toEqual([]);
  });
});

describe("parseNumstat on real git output", () => {
  test("odd names, the rename under its new name, the deletion and the staged add", () => {
    const counts = numstat();
    for (const name of ODD) expect(counts.get(name)).toEqual({ additions: 2, deletions: 1 });
    expect(counts.get("moved → here.txt")).toEqual({ additions: 0, deletions: 0 });
    expect(counts.get("gone.txt")).toEqual({ additions: 0, deletions: 1 });
    expect(counts.get("staged new.txt")).toEqual({ additions: 1, deletions: 0 });
    expect(counts.has("old name.txt")).toBe(false);
  });

  test("a binary file has no counts", () => {
    repo.write("bin.dat", new Uint8Array([0, 1, 2, 0, 3]));
    repo.git("add", "bin.dat");
    try {
      expect(numstat().get("bin.dat")).toEqual({ additions: 0, deletions: 0, binary: true });
    } finally {
      repo.git("rm", "-q", "--cached", "bin.dat");
      rmSync(join(repo.dir, "bin.dat"));
    }
  });

  test("fixed strings: a rename record and garbage", () => {
    expect([...parseNumstat("1\t2\t\0a\0b c\0-\t-\tx\0junk\0").entries()]).toEqual([
      ["b c", { additions: 1, deletions: 2 }],
      ["x", { additions: 0, deletions: 0, binary: true }],
    ]);
  });
});
