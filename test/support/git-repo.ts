/**
 * A real git repository in a temp directory for tests of the review features: files written,
 * committed, renamed and left untracked with real `git`, under a fixed identity and without the
 * user's global config.
 *
 * @example
 * ```ts
 * const repo = makeGitRepo();
 * repo.write("a b.txt", "one\n");
 * repo.commit("first");
 * repo.write("a b.txt", "one\ntwo\n");
 * repo.git("status", "--porcelain=v2", "-z"); // "1 .M N... … a b.txt\0"
 * repo.remove();
 * ```
 */
import { spawnSync } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { makeTempDir, removeTempDir } from "./ssh.ts";

export interface GitRepo {
  dir: string;
  /** Runs git in the repository; throws with git's stderr when it fails. */
  git(...args: string[]): string;
  /** Writes a file (parents created). */
  write(path: string, content: string | Uint8Array): string;
  /** `git add -A` and a commit. */
  commit(message?: string): void;
  remove(): void;
}

/** Environment that keeps the user's config and identity out of test repositories. */
export const GIT_TEST_ENV = {
  ...process.env,
  GIT_CONFIG_GLOBAL: "/dev/null",
  GIT_CONFIG_NOSYSTEM: "1",
  GIT_AUTHOR_NAME: "Test",
  GIT_AUTHOR_EMAIL: "test@example.com",
  GIT_COMMITTER_NAME: "Test",
  GIT_COMMITTER_EMAIL: "test@example.com",
};

export function runGitSync(cwd: string, args: string[]): string {
  const result = spawnSync("git", args, { cwd, encoding: "utf8", env: GIT_TEST_ENV });
  if (result.status !== 0) throw new Error(`git ${args.join(" ")} failed (${result.status}): ${result.stderr}`);
  return result.stdout;
}

/** A new repository (branch `main`, no commit yet) in a fresh temp directory, or in `dir`. */
export function makeGitRepo(dir = makeTempDir("relay-git-")): GitRepo {
  mkdirSync(dir, { recursive: true });
  runGitSync(dir, ["init", "-q", "-b", "main"]);
  return {
    dir,
    git: (...args) => runGitSync(dir, args),
    write(path, content) {
      const file = join(dir, path);
      mkdirSync(dirname(file), { recursive: true });
      writeFileSync(file, content);
      return file;
    },
    commit(message = "commit") {
      runGitSync(dir, ["add", "-A"]);
      runGitSync(dir, ["commit", "-q", "--allow-empty", "-m", message]);
    },
    remove: () => removeTempDir(dir),
  };
}
