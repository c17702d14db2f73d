/**
 * The git runner with real git: output bounded (git killed past it), time bounded (git and what it
 * started killed), a missing binary reported, the event loop free while git runs, git started by
 * a worker thread rather than the caller's, and no more than MAX_CONCURRENT_GIT processes at once.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { GitUnavailableError, gitWorkerUrl, MAX_CONCURRENT_GIT, runGit } from "../../src/changes/git-runner.ts";
import { type GitRepo, makeGitRepo } from "../support/git-repo.ts";
import { waitFor } from "../support/wait.ts";

/** This process's children by the thread that started them (Linux: /proc/self/task/<tid>/children). */
function childrenByThread(): Map<number, number[]> {
  const byThread = new Map<number, number[]>();
  for (const tid of readdirSync("/proc/self/task")) {
    const children = readFileSync(`/proc/self/task/${tid}/children`, "utf8").trim().split(" ").filter(Boolean).map(Number);
    if (children.length > 0) byThread.set(Number(tid), children);
  }
  return byThread;
}

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

  test.if(existsSync("/proc/self/task"))("git is started by a worker thread: the event loop's thread never waits for a fork", async () => {
    const run = runGit(["-c", "alias.hold=!sleep 1", "hold"], { cwd: repo.dir });
    await waitFor(() => childrenByThread().size > 0, 5000, "git started");
    const starters = [...childrenByThread().keys()];
    expect(starters).not.toContain(process.pid); // the main thread's id is the process id
    expect(starters).toHaveLength(1);
    expect(await run).toMatchObject({ code: 0 });
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

describe("gitWorkerUrl", () => {
  test("beside the runner in the source; at its src/ path in a bundle (the compiled binary: test/build/binary.test.ts)", () => {
    expect(gitWorkerUrl("file:///app/src/changes/git-runner.ts")).toBe("file:///app/src/changes/git-worker.ts");
    expect(gitWorkerUrl("file:///$bunfs/root/claude-relay")).toBe("file:///$bunfs/root/changes/git-worker.ts");
  });
});
