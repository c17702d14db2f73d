/**
 * Worktrees with real git: made for a new branch under `<repo>/.claude/worktrees` (and kept out
 * of the main checkout's status) or under a chosen directory; every refusal (bad or existing
 * branch names, no repository, no commit, a path that exists); the dirty check; removal keeping
 * the branch; the stop-time refusals.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { existsSync, mkdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { listChanges } from "../../src/changes/changes-list.ts";
import { addWorktree, removeWorktree, worktreeIsDirty } from "../../src/changes/worktree.ts";
import { worktreeRemovalRefusal } from "../../src/changes/worktree-sessions.ts";
import { type GitRepo, makeGitRepo } from "../support/git-repo.ts";
import { makeTempDir, removeTempDir } from "../support/ssh.ts";

let repo: GitRepo;
beforeAll(() => {
  repo = makeGitRepo();
  repo.write("README.md", "hello\n");
  repo.commit("first");
});
afterAll(() => repo.remove());

const record = (cwd: string, branch?: string) => ({ sessionId: "s", cwd, createdAt: "", lastActivity: "", ...(branch && { worktree: { branch } }) });

describe("addWorktree", () => {
  test("a new branch in <repo>/.claude/worktrees/<branch>, from a subdirectory too; the main checkout does not list it", async () => {
    mkdirSync(join(repo.dir, "sub"), { recursive: true });
    const made = await addWorktree(join(repo.dir, "sub"), "feat/login", {});
    expect(made).toEqual({ ok: true, path: join(repo.dir, ".claude", "worktrees", "feat", "login") });
    if (!made.ok) return;
    expect(readFileSync(join(made.path, "README.md"), "utf8")).toBe("hello\n");
    expect(repo.git("-C", made.path, "branch", "--show-current").trim()).toBe("feat/login");
    expect((await listChanges(repo.dir)).files).toEqual([]);
    expect(readFileSync(join(repo.dir, ".git", "info", "exclude"), "utf8")).toContain("/.claude/worktrees/\n");
    // a second worktree does not add the line again
    const second = await addWorktree(repo.dir, "second", {});
    expect(second.ok).toBe(true);
    expect(readFileSync(join(repo.dir, ".git", "info", "exclude"), "utf8").split("/.claude/worktrees/").length).toBe(2);
  });

  test("under --worktree-dir", async () => {
    const dir = makeTempDir("relay-worktrees-");
    try {
      expect(await addWorktree(repo.dir, "elsewhere", { worktreeDir: dir })).toEqual({ ok: true, path: join(dir, "elsewhere") });
    } finally {
      repo.git("worktree", "remove", "--force", join(dir, "elsewhere"));
      removeTempDir(dir);
    }
  });

  test.each([["a..b"], ["-x"], ["@{-1}"], ["has space"], ["ends.lock"], ["trailing/"], ["HEAD"]])("branch %j is refused as invalid_message", async (branch) => {
    const made = await addWorktree(repo.dir, branch, {});
    expect(made).toMatchObject({ ok: false, code: "invalid_message" });
  });

  test("an existing branch is refused as invalid_message, nothing made", async () => {
    expect(await addWorktree(repo.dir, "main", {})).toMatchObject({ ok: false, code: "invalid_message", message: expect.stringContaining("exists already") });
  });

  test("no repository, no commit yet, a path that exists: invalid_session_dir", async () => {
    const plain = makeTempDir("relay-nogit-");
    const fresh = makeGitRepo();
    try {
      expect(await addWorktree(plain, "x", {})).toMatchObject({
        ok: false,
        code: "invalid_session_dir",
        message: expect.stringContaining("not in a git repository"),
      });
      expect(await addWorktree(fresh.dir, "x", {})).toMatchObject({ ok: false, code: "invalid_session_dir" });
      mkdirSync(join(repo.dir, ".claude", "worktrees", "taken"), { recursive: true });
      expect(await addWorktree(repo.dir, "taken", {})).toMatchObject({
        ok: false,
        code: "invalid_session_dir",
        message: expect.stringContaining("exists already"),
      });
      expect(repo.git("branch", "--list", "taken")).toBe("");
    } finally {
      removeTempDir(plain);
      fresh.remove();
    }
  });
});

describe("dirty check and removal", () => {
  test("a changed worktree is dirty and refused; once clean it is removed and its branch stays", async () => {
    const made = await addWorktree(repo.dir, "to-remove", {});
    if (!made.ok) throw new Error(made.message);
    expect(await worktreeIsDirty(made.path)).toBe(false);
    repo.write(".claude/worktrees/to-remove/new.txt", "work\n");
    expect(await worktreeIsDirty(made.path)).toBe(true);
    expect(await worktreeRemovalRefusal(record(made.path, "to-remove"))).toMatchObject({ code: "worktree_dirty" });
    repo.git("-C", made.path, "add", "-A");
    repo.git("-C", made.path, "commit", "-qm", "work");
    expect(await worktreeRemovalRefusal(record(made.path, "to-remove"))).toBeUndefined();
    expect(await removeWorktree(made.path)).toEqual({ ok: true });
    expect(existsSync(made.path)).toBe(false);
    expect(repo.git("branch", "--list", "to-remove").trim()).toBe("to-remove");
  });

  test("a session not made with a worktree: invalid_message", async () => {
    expect(await worktreeRemovalRefusal(record(repo.dir))).toMatchObject({ code: "invalid_message" });
  });
});
