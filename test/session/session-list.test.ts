/** The open sessions on disk: what is saved loads back; a missing, broken or hostile file never stops the relay. */
import { afterAll, describe, expect, test } from "bun:test";
import { readdirSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { loadSessionList, type SessionRecord, saveSessionList, sessionListFile } from "../../src/session/session-list.ts";
import { makeTempDir, removeTempDir } from "../support/ssh.ts";

const dir = makeTempDir("relay-list-");
afterAll(() => removeTempDir(dir));

const A: SessionRecord = {
  sessionId: "5e55104e-0000-4000-8000-00000000000a",
  cwd: "/home/me/a",
  title: "Fix the login",
  createdAt: "2026-01-01T10:00:00.000Z",
  lastActivity: "2026-01-01T11:00:00.000Z",
  default: true,
};
const B: SessionRecord = {
  sessionId: "5e55104e-0000-4000-8000-00000000000b",
  cwd: "/home/me/b",
  createdAt: "2026-01-02T10:00:00.000Z",
  lastActivity: "2026-01-02T10:00:00.000Z",
};
const C: SessionRecord = { ...B, sessionId: "5e55104e-0000-4000-8000-00000000000c", settings: { permissionMode: "plan", model: "haiku" } };

describe("session list", () => {
  test("saved records load back in order; the file is private and no temporary file is left", () => {
    const file = sessionListFile(join(dir, "state"));
    saveSessionList(file, [A, B, C]);
    expect(loadSessionList(file)).toEqual([A, B, C]);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(readdirSync(join(dir, "state"))).toEqual(["open-sessions.json"]);
    saveSessionList(file, [B]);
    expect(loadSessionList(file)).toEqual([B]);
  });

  test("a missing or unparsable file is an empty list", () => {
    expect(loadSessionList(join(dir, "nothing-here.json"))).toEqual([]);
    const broken = join(dir, "broken.json");
    writeFileSync(broken, '{"version":1,"sessions":[');
    expect(loadSessionList(broken)).toEqual([]);
    writeFileSync(broken, "null");
    expect(loadSessionList(broken)).toEqual([]);
  });

  test("malformed records are skipped, unknown fields dropped, the rest kept", () => {
    const file = join(dir, "mixed.json");
    const sessions = [
      A,
      { ...B, sessionId: "not-a-uuid" },
      { ...B, cwd: 42 },
      { ...B, lastActivity: undefined },
      null,
      "text",
      { ...B, title: 7, default: "yes", extra: "dropped", __proto__: { polluted: true } },
      { ...C, settings: { permissionMode: 5, model: "haiku", extra: true } },
      { ...C, sessionId: B.sessionId.replace("b", "d"), settings: "plan" },
    ];
    writeFileSync(file, JSON.stringify({ version: 1, sessions }));
    expect(loadSessionList(file)).toEqual([A, B, { ...C, settings: { model: "haiku" } }, { ...B, sessionId: B.sessionId.replace("b", "d") }]);
  });

  test("a worktree session's branch is kept; a malformed worktree field is dropped", () => {
    const file = join(dir, "worktrees.json");
    const D: SessionRecord = { ...B, sessionId: B.sessionId.replace("b", "e"), worktree: { branch: "feat/x" } };
    saveSessionList(file, [D]);
    expect(loadSessionList(file)).toEqual([D]);
    writeFileSync(
      file,
      JSON.stringify({
        version: 1,
        sessions: [
          { ...D, worktree: { branch: 3 } },
          { ...B, worktree: "feat/x" },
        ],
      }),
    );
    const { worktree: _, ...withoutWorktree } = D;
    expect(loadSessionList(file)).toEqual([withoutWorktree, B]);
  });
});
