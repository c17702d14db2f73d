/**
 * The git runner with real git: output bounded (git killed past it), time bounded (git and what it
 * started killed), a missing binary reported, the event loop free while git runs, and no more
 * than MAX_CONCURRENT_GIT processes at once.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { GitUnavailableError, MAX_CONCURRENT_GIT, runGit } from "../../src/changes/git-runner.ts";
import { type GitRepo, makeGitRepo } from "../support/git-repo.ts";

let repo: GitRepo;
beforeAll(() => {
  repo = makeGitRepo();
});
afterAll(() => repo.remove());

describe("runGit", () => {
  test("a normal run: exit code and output", async () => {
    const run = await runGit(["rev-parse", "--show-prefix"], { cwd: repo.dir });
    expect(run).toMatchObject({ code: 0, truncated: false, timedOut: false });
    expect(new TextDecoder().decode(run.stdout)).toBe("\n");
  });

  test("a failure keeps git's words", async () => {
    const run = await runGit(["no-such-command"], { cwd: repo.dir });
    expect(run.code).not.toBe(0);
    expect(run.stderr).toContain("no-such-command");
  });

  test("output past maxBytes: exactly maxBytes kept, git killed, marked truncated", async () => {
    const run = await runGit(["-c", "alias.flood=!yes", "flood"], { cwd: repo.dir, maxBytes: 100_000 });
    expect(run.truncated).toBe(true);
    expect(run.code).toBeNull();
    expect(run.stdout.length).toBe(100_000);
  });

  test("past timeoutMs: git and what it started are killed; the event loop stayed free meanwhile", async () => {
    let ticks = 0;
    const ticker = setInterval(() => ticks++, 10);
    const started = performance.now();
    const run = await runGit(["-c", "alias.slow=!sleep 30", "slow"], { cwd: repo.dir, timeoutMs: 300 });
    clearInterval(ticker);
    expect(run).toMatchObject({ timedOut: true, code: null });
    expect(performance.now() - started).toBeLessThan(5000);
    expect(ticks).toBeGreaterThan(5);
  });

  test("a git that cannot be started is GitUnavailableError", async () => {
    await expect(runGit(["status"], { cwd: repo.dir, bin: "/nonexistent/git" })).rejects.toBeInstanceOf(GitUnavailableError);
  });

  test(`at most ${MAX_CONCURRENT_GIT} git processes at once; the others wait their turn`, async () => {
    const marker = `${repo.dir}/running`;
    // each run notes itself, waits, and counts how many others are running
    const script = `!n=$(ls ${marker}* 2>/dev/null | wc -l); touch ${marker}.$$; sleep 0.2; echo $n; rm ${marker}.$$`;
    const runs = await Promise.all(Array.from({ length: MAX_CONCURRENT_GIT * 2 }, () => runGit(["-c", `alias.probe=${script}`, "probe"], { cwd: repo.dir })));
    const seen = runs.map((run) => Number(new TextDecoder().decode(run.stdout).trim()));
    expect(Math.max(...seen)).toBeLessThan(MAX_CONCURRENT_GIT);
  });
});
