/**
 * Reviewing changes over a real WebSocket with a real relay, against real git repositories:
 * changes.get / changes.diff / file.read answered to the asking client only, with its id; every
 * path refusal as invalid_path; unknown sessions; a directory outside git; the real Claude Code
 * CLI writing a file (the fake API's Write tool_use, allowed from a client) and changes.get then
 * listing it; and a worktree per session: created on a new branch, listed with its branch,
 * refused removal while dirty (the session goes on), removed once clean with the branch kept.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { existsSync, linkSync, mkdirSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { text, toolUse } from "../support/fake-anthropic.ts";
import { type GitRepo, makeGitRepo } from "../support/git-repo.ts";
import { startTestRelay, type TestRelay } from "../support/relay.ts";
import { makeTempDir, removeTempDir } from "../support/ssh.ts";
import type { Frame, TestClient } from "../support/ws-client.ts";

let dir: string;
let repo: GitRepo;
let relay: TestRelay;
let sessionId: string;
beforeAll(async () => {
  dir = makeTempDir("relay-changes-");
  // the default session's directory is a repository with one commit and some changes
  repo = makeGitRepo(join(dir, "work"));
  repo.write("src/app.ts", "export const a = 1;\n");
  repo.write("README.md", "# app\n");
  repo.commit("first");
  repo.write("src/app.ts", "export const a = 2;\nexport const b = 3;\n");
  repo.write("notes/todo me.md", "- one\n- two\n");
  repo.write("big.txt", "y".repeat(999).concat("\n").repeat(1000));
  relay = await startTestRelay({ dir, flags: { allowDir: [join(dir, "home"), join(dir, "work")] } });
  sessionId = relay.relay.sessionId;
});
afterAll(async () => {
  await relay.stop();
  removeTempDir(dir);
});

let counter = 0;
/** Sends `message` with a fresh id and returns the frame that answers it (reply or error). */
async function request(client: TestClient, message: Record<string, unknown>, timeoutMs = 10_000): Promise<Frame> {
  const id = `r${++counter}`;
  client.send({ ...message, id });
  return client.next((frame) => frame.id === id, timeoutMs);
}

/** Every frame the relay sent `client` before it answered a ping has arrived: a barrier, not a pause. */
async function roundTrip(client: TestClient): Promise<void> {
  const id = `barrier-${++counter}`;
  client.send({ type: "ping", id });
  await client.next((frame) => frame.type === "pong" && frame.id === id);
}

describe("changes.get, changes.diff, file.read", () => {
  test("changes.get lists the working tree against HEAD, to the asking client only", async () => {
    const [asker, other] = await Promise.all([relay.connectAuthenticated(), relay.connectAuthenticated()]);
    const reply = await request(asker, { type: "changes.get", sessionId });
    expect(reply).toMatchObject({ type: "changes", sessionId, git: true, branch: "main", truncated: false });
    expect(reply.files).toEqual([
      { path: "src/app.ts", status: "modified", additions: 2, deletions: 1 },
      { path: "big.txt", status: "untracked", additions: 1000, deletions: 0 },
      { path: "notes/todo me.md", status: "untracked", additions: 2, deletions: 0 },
    ]);
    await roundTrip(other);
    expect(other.frames.filter((frame) => ["changes", "diff", "file"].includes(frame.type))).toEqual([]);
    await Promise.all([asker.close(), other.close()]);
  });

  test("changes.diff: a tracked file's git diff; an untracked one against /dev/null; a 1 MB one cut", async () => {
    const client = await relay.connectAuthenticated();
    const tracked = await request(client, { type: "changes.diff", sessionId, path: "src/app.ts" });
    expect(tracked).toMatchObject({ type: "diff", path: "src/app.ts", truncated: false, patch: repo.git("diff", "HEAD", "--", "src/app.ts") });
    const untracked = await request(client, { type: "changes.diff", sessionId, path: "notes/todo me.md" });
    expect(untracked.patch).toBe(
      "diff --git a/notes/todo me.md b/notes/todo me.md\nnew file mode 100644\n--- /dev/null\n+++ b/notes/todo me.md\t\n@@ -0,0 +1,2 @@\n+- one\n+- two\n",
    );
    const big = await request(client, { type: "changes.diff", sessionId, path: "big.txt" });
    expect(big.truncated).toBe(true);
    expect(Buffer.byteLength(big.patch)).toBeLessThanOrEqual(512 * 1024);
    await client.close();
  });

  test("file.read: utf8 with size, offset and length", async () => {
    const client = await relay.connectAuthenticated();
    expect(await request(client, { type: "file.read", sessionId, path: "README.md" })).toMatchObject({
      type: "file",
      path: "README.md",
      size: 6,
      offset: 0,
      length: 6,
      encoding: "utf8",
      data: "# app\n",
      truncated: false,
    });
    expect(await request(client, { type: "file.read", sessionId, path: "big.txt", offset: 1000, length: 3 })).toMatchObject({ data: "yyy", truncated: true });
    await client.close();
  });

  test("every hostile path is invalid_path, nothing read; the connection stays usable", async () => {
    const outside = join(dir, "outside.txt");
    writeFileSync(outside, "secret\n");
    symlinkSync(outside, join(repo.dir, "link-out"));
    symlinkSync("/dev/zero", join(repo.dir, "zero"));
    linkSync(outside, join(repo.dir, "hard-out"));
    mkdirSync(join(repo.dir, "dir"));
    const client = await relay.connectAuthenticated();
    for (const path of [
      "/etc/passwd",
      "../outside.txt",
      "src/../../outside.txt",
      "a\0b",
      ".git/config",
      ".GIT/HEAD",
      "link-out",
      "zero",
      "hard-out",
      "dir",
      "missing.txt",
    ]) {
      for (const type of ["file.read", "changes.diff"]) {
        const reply = await request(client, { type, sessionId, path });
        expect(reply).toMatchObject({ type: "error", code: "invalid_path" });
        expect(reply.message).not.toContain("secret");
      }
    }
    expect(await request(client, { type: "changes.get", sessionId })).toMatchObject({ type: "changes" });
    await client.close();
  });

  test("unknown sessions and malformed requests", async () => {
    const client = await relay.connectAuthenticated();
    expect(await request(client, { type: "changes.get", sessionId: "nope" })).toMatchObject({ type: "error", code: "unknown_session" });
    expect(await request(client, { type: "file.read", sessionId: "nope", path: "README.md" })).toMatchObject({ code: "unknown_session" });
    expect(await request(client, { type: "changes.diff", sessionId })).toMatchObject({ code: "invalid_message" });
    expect(await request(client, { type: "file.read", sessionId, path: "README.md", offset: -1 })).toMatchObject({ code: "invalid_message" });
    expect(await request(client, { type: "changes.get" })).toMatchObject({ code: "invalid_message" });
    await client.close();
  });

  test("a session outside any repository: git false, no files", async () => {
    const client = await relay.connectAuthenticated();
    const plain = join(dir, "home", "plain");
    mkdirSync(plain);
    writeFileSync(join(plain, "a.txt"), "a\n");
    const created = await request(client, { type: "session.create", cwd: plain });
    expect(created.type).toBe("session.created");
    expect(await request(client, { type: "changes.get", sessionId: created.sessionId })).toEqual({
      type: "changes",
      id: expect.any(String),
      sessionId: created.sessionId,
      git: false,
      files: [],
      truncated: false,
    });
    expect(await request(client, { type: "session.stop", sessionId: created.sessionId }, 30_000)).toMatchObject({ type: "session.stopped" });
    await client.close();
  });
});

describe("Claude writes, the phone reviews", () => {
  test("the real CLI writes a file through the fake API's Write tool; changes.get lists it, changes.diff shows it", async () => {
    const client = await relay.connectAuthenticated();
    const file = join(repo.dir, "src", "written.ts");
    relay.api.enqueue(toolUse("Write", { file_path: file, content: "export const written = true;\nexport const by = 'claude';\n" }), text("wrote it"));
    client.send({ type: "prompt", text: "write src/written.ts" });
    const permission = await client.next("permission.request", 30_000);
    expect(permission).toMatchObject({ toolName: "Write" });
    client.send({ type: "permission.response", requestId: permission.requestId, behavior: "allow" });
    await client.next((frame) => frame.type === "claude.event" && frame.event.type === "result", 30_000);
    const changes = await request(client, { type: "changes.get", sessionId });
    expect(changes.files).toContainEqual({ path: "src/written.ts", status: "untracked", additions: 2, deletions: 0 });
    const diff = await request(client, { type: "changes.diff", sessionId, path: "src/written.ts" });
    expect(diff.patch).toContain("+export const written = true;\n");
    await client.close();
  });
});

describe("a worktree per session", () => {
  test("created on a new branch, listed with it; removal refused while dirty, done once clean; the branch stays", async () => {
    const client = await relay.connectAuthenticated();
    const created = await request(client, { type: "session.create", cwd: repo.dir, worktree: "fix-login" });
    expect(created.type).toBe("session.created");
    const worktree = join(repo.dir, ".claude", "worktrees", "fix-login");
    const listed = await client.next((frame) => frame.type === "sessions" && frame.sessions.some((info: Frame) => info.sessionId === created.sessionId));
    expect(listed.sessions.find((info: Frame) => info.sessionId === created.sessionId)).toMatchObject({ cwd: worktree, branch: "fix-login", worktree: true });
    // the main checkout does not list the worktree
    expect((await request(client, { type: "changes.get", sessionId })).files.filter((file: Frame) => file.path.startsWith(".claude"))).toEqual([]);

    writeFileSync(join(worktree, "wip.txt"), "work in progress\n");
    expect(await request(client, { type: "changes.get", sessionId: created.sessionId })).toMatchObject({
      git: true,
      branch: "fix-login",
      files: [{ path: "wip.txt", status: "untracked", additions: 1, deletions: 0 }],
    });
    expect(await request(client, { type: "session.stop", sessionId: created.sessionId, removeWorktree: true })).toMatchObject({
      type: "error",
      code: "worktree_dirty",
    });
    expect(await request(client, { type: "changes.get", sessionId: created.sessionId })).toMatchObject({ type: "changes" }); // still open

    repo.git("-C", worktree, "add", "wip.txt");
    repo.git("-C", worktree, "commit", "-qm", "wip");
    expect(await request(client, { type: "session.stop", sessionId: created.sessionId, removeWorktree: true }, 30_000)).toMatchObject({
      type: "session.stopped",
      worktreeRemoved: true,
    });
    expect(existsSync(worktree)).toBe(false);
    expect(repo.git("log", "--format=%s", "-1", "fix-login").trim()).toBe("wip");
    await client.close();
  });

  test("refusals: a bad branch, an existing one, a directory outside git, resume with a worktree, removeWorktree on a plain session", async () => {
    const client = await relay.connectAuthenticated();
    expect(await request(client, { type: "session.create", cwd: repo.dir, worktree: "a..b" })).toMatchObject({ code: "invalid_message" });
    expect(await request(client, { type: "session.create", cwd: repo.dir, worktree: "main" })).toMatchObject({ code: "invalid_message" });
    expect(await request(client, { type: "session.create", cwd: join(dir, "home"), worktree: "x" })).toMatchObject({ code: "invalid_session_dir" });
    expect(await request(client, { type: "session.create", cwd: repo.dir, worktree: "x", resume: sessionId })).toMatchObject({ code: "invalid_message" });
    expect(await request(client, { type: "session.stop", sessionId, removeWorktree: true })).toMatchObject({ code: "invalid_message" });
    expect(repo.git("branch", "--list", "x")).toBe("");
    await client.close();
  });
});
