/**
 * Claude's earlier conversations of a directory, read from transcripts in a temporary Claude config
 * directory: order, limit, what counts as a transcript, the head bound, long paths, find().
 */
import { afterAll, describe, expect, test } from "bun:test";
import { mkdirSync, utimesSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { projectFolderName } from "../../src/claude/transcript.ts";
import { conversationHistory } from "../../src/session/history.ts";
import { makeTempDir, removeTempDir } from "../support/ssh.ts";

const config = makeTempDir("relay-history-");
afterAll(() => removeTempDir(config));
const env = { CLAUDE_CONFIG_DIR: config };
const NOW = Date.now();
const uuid = (n: number) => `0000abcd-0000-4000-8000-${String(n).padStart(12, "0")}`;
const promptLine = (text: string) => JSON.stringify({ type: "user", isSidechain: false, message: { role: "user", content: text } });

/** Writes `<folder>/<name>` with `body`, last modified `ageS` seconds ago. */
function put(folder: string, name: string, body: string, ageS = 0): string {
  const dir = join(config, "projects", folder);
  mkdirSync(dir, { recursive: true });
  const file = join(dir, name);
  writeFileSync(file, body);
  const time = new Date(NOW - ageS * 1000);
  utimesSync(file, time, time);
  return file;
}

describe("listing a directory's conversations", () => {
  const cwd = "/home/me/app";
  const folder = projectFolderName(cwd);
  for (let n = 1; n <= 5; n++) put(folder, `${uuid(n)}.jsonl`, `${promptLine(`Question ${n}`)}\n`, 100 - n * 10); // 5 is the newest
  put(folder, "notes.jsonl", `${promptLine("not a conversation")}\n`);
  put(folder, `${uuid(6)}.jsonl`, ""); // Claude created it but wrote nothing: nothing to resume
  put(join(folder, uuid(1), "subagents"), `${uuid(7)}.jsonl`, `${promptLine("a sub-agent")}\n`);
  put(projectFolderName("/home/me/other"), `${uuid(8)}.jsonl`, `${promptLine("another directory")}\n`);

  test("newest first, titled, with the directory and the modification time", async () => {
    const list = await conversationHistory(env).list(cwd);
    expect(list.map((entry) => entry.title)).toEqual(["Question 5", "Question 4", "Question 3", "Question 2", "Question 1"]);
    expect(list[0]).toEqual({ sessionId: uuid(5), cwd, title: "Question 5", updatedAt: new Date(NOW - 50_000).toISOString() });
  });

  test("at most `limit`: the newest", async () => {
    expect((await conversationHistory(env, { limit: 2 }).list(cwd)).map((entry) => entry.sessionId)).toEqual([uuid(5), uuid(4)]);
  });

  test("only the head is read: a first prompt beyond it leaves the title empty", async () => {
    const folder2 = projectFolderName("/home/me/big");
    put(folder2, `${uuid(9)}.jsonl`, `${JSON.stringify({ type: "attachment", padding: "x".repeat(5000) })}\n${promptLine("Late prompt")}\n`);
    expect(await conversationHistory(env, { headBytes: 1024 }).list("/home/me/big")).toEqual([
      { sessionId: uuid(9), cwd: "/home/me/big", title: "", updatedAt: expect.any(String) },
    ]);
    expect((await conversationHistory(env).list("/home/me/big"))[0]!.title).toBe("Late prompt");
  });

  test("a directory without conversations, or no Claude config at all: none", async () => {
    expect(await conversationHistory(env).list("/home/me/nothing")).toEqual([]);
    expect(await conversationHistory({ CLAUDE_CONFIG_DIR: join(config, "missing") }).list(cwd)).toEqual([]);
  });

  test("without CLAUDE_CONFIG_DIR: $HOME/.claude, as Claude's environment has it", async () => {
    const home = join(config, "a-home");
    mkdirSync(join(home, ".claude", "projects", folder), { recursive: true });
    writeFileSync(join(home, ".claude", "projects", folder, `${uuid(10)}.jsonl`), `${promptLine("From HOME")}\n`);
    expect(await conversationHistory({ HOME: home }).list(cwd)).toEqual([{ sessionId: uuid(10), cwd, title: "From HOME", updatedAt: expect.any(String) }]);
  });

  test("many conversations: the newest 100, in order (the others are only looked at, not read)", async () => {
    const many = "/home/me/many";
    for (let n = 0; n < 250; n++) put(projectFolderName(many), `${uuid(1000 + n)}.jsonl`, `${promptLine(`Many ${n}`)}\n`, n);
    const list = await conversationHistory(env).list(many);
    expect(list).toHaveLength(100);
    expect(list.map((entry) => entry.title)).toEqual(Array.from({ length: 100 }, (_, n) => `Many ${n}`));
  });

  test("a long path: its folders under Claude's cut name with any hash", async () => {
    const long = `/home/me/${"deep-directory/".repeat(16)}app`;
    const name = projectFolderName(long);
    expect(name.length).toBeGreaterThan(200);
    put(name, `${uuid(20)}.jsonl`, `${promptLine("Long one")}\n`, 10);
    put(`${name.slice(0, 200)}-otherhash`, `${uuid(21)}.jsonl`, `${promptLine("Long two")}\n`, 5);
    expect((await conversationHistory(env).list(long)).map((entry) => entry.title)).toEqual(["Long two", "Long one"]);
    expect(conversationHistory(env).find(long, uuid(21))).toEqual({ title: "Long two" });
  });
});

describe("finding one conversation", () => {
  const cwd = "/home/me/find";
  put(projectFolderName(cwd), `${uuid(30)}.jsonl`, `${promptLine("Found me")}\n`);
  put(projectFolderName(cwd), `${uuid(31)}.jsonl`, "");
  const history = conversationHistory(env);

  test("its title when Claude has a transcript of it in that directory", () => {
    expect(history.find(cwd, uuid(30))).toEqual({ title: "Found me" });
  });

  test("nothing for an unknown id, an empty transcript, another directory, or an id that is not a UUID", () => {
    expect(history.find(cwd, uuid(39))).toBeUndefined();
    expect(history.find(cwd, uuid(31))).toBeUndefined();
    expect(history.find("/home/me/app", uuid(30))).toBeUndefined();
    expect(history.find(cwd, "../find/0000abcd-0000-4000-8000-000000000030")).toBeUndefined();
  });
});
