import { describe, expect, test } from "bun:test";
import type { ClientMessage } from "../../../src/protocol/messages.ts";
import { type AskRelay, FILE_SLICE_BYTES, ReviewState, turnLinkKey } from "../../../src/web/state/changes.ts";

/** The requests the view sent, each answered (or refused) by the test when it says so. */
function relay() {
  const asked: Array<{ message: ClientMessage; reply: string; answer(value: unknown): void; refuse(error: unknown): void }> = [];
  const ask: AskRelay = (message, reply) =>
    new Promise((resolve, reject) => asked.push({ message, reply, answer: (value) => resolve(value as never), refuse: reject }));
  return { asked, ask };
}
const settle = () => new Promise((resolve) => setTimeout(resolve, 0));
const changes = (files: Array<{ path: string; additions?: number }>, extra = {}) => ({
  type: "changes",
  sessionId: "s1",
  git: true,
  branch: "main",
  truncated: false,
  files: files.map((file) => ({ status: "modified", additions: 1, deletions: 0, ...file })),
  ...extra,
});

describe("ReviewState", () => {
  test("the list: changes.get for the session, loading then done; a refusal in the relay's words", async () => {
    const { asked, ask } = relay();
    const review = new ReviewState(ask);
    review.showList("s1");
    expect(review.open.value).toEqual({ sessionId: "s1", screen: { kind: "list" } });
    expect(review.list.value).toMatchObject({ phase: "loading" });
    expect(asked[0]).toMatchObject({ message: { type: "changes.get", sessionId: "s1" }, reply: "changes" });
    asked[0]!.answer(changes([{ path: "a.ts" }]));
    await settle();
    expect(review.list.value).toMatchObject({ phase: "done", changes: { files: [{ path: "a.ts" }] } });
    review.showList("s1");
    expect(review.list.value).toMatchObject({ phase: "loading", changes: { files: [{ path: "a.ts" }] } }); // kept while refreshing
    asked[1]!.refuse({ code: "unknown_session", message: "no session s1" });
    await settle();
    expect(review.list.value).toMatchObject({ phase: "failed", error: "no session s1" });
  });

  test("a diff, then back to the list and back to the conversation; a late answer for a screen left is dropped", async () => {
    const { asked, ask } = relay();
    const review = new ReviewState(ask);
    review.showDiff("a.ts"); // nothing open: nothing asked
    expect(asked).toHaveLength(0);
    review.showList("s1");
    review.showDiff("a.ts");
    review.showDiff("b.ts");
    expect(asked.slice(1).map((entry) => entry.message)).toEqual([
      { type: "changes.diff", sessionId: "s1", path: "a.ts" },
      { type: "changes.diff", sessionId: "s1", path: "b.ts" },
    ]);
    asked[2]!.answer({ type: "diff", path: "b.ts", patch: "+b\n", truncated: true });
    asked[1]!.answer({ type: "diff", path: "a.ts", patch: "+a\n", truncated: false });
    await settle();
    expect(review.diff.value).toMatchObject({ path: "b.ts", phase: "done", patch: "+b\n", truncated: true });
    review.back();
    expect(review.open.value?.screen).toEqual({ kind: "list" });
    review.back();
    expect(review.open.value).toBeUndefined();
  });

  test("a file: text slices joined with Load more from offset + length; binary by its size; a refusal", async () => {
    const { asked, ask } = relay();
    const review = new ReviewState(ask);
    review.showList("s1");
    review.showFile("big.txt");
    expect(asked[1]!.message).toEqual({ type: "file.read", sessionId: "s1", path: "big.txt", offset: 0, length: FILE_SLICE_BYTES });
    asked[1]!.answer({ type: "file", path: "big.txt", size: 10, offset: 0, length: 4, encoding: "utf8", data: "abcd", truncated: true });
    await settle();
    expect(review.file.value).toMatchObject({ phase: "done", text: "abcd", nextOffset: 4, size: 10 });
    review.loadMore();
    review.loadMore(); // already loading: not asked twice
    expect(asked).toHaveLength(3);
    expect(asked[2]!.message).toMatchObject({ offset: 4 });
    asked[2]!.answer({ type: "file", path: "big.txt", size: 10, offset: 4, length: 6, encoding: "utf8", data: "efghij", truncated: false });
    await settle();
    expect(review.file.value).toMatchObject({ text: "abcdefghij" });
    expect(review.file.value?.nextOffset).toBeUndefined();

    review.showFile("logo.png");
    asked[3]!.answer({ type: "file", path: "logo.png", size: 2048, offset: 0, length: 2048, encoding: "base64", data: "AAAA", truncated: false });
    await settle();
    expect(review.file.value).toMatchObject({ binary: true, size: 2048, text: "" });

    review.showFile("../x");
    asked[4]!.refuse({ code: "invalid_path", message: "../x: .. leads out of the session directory" });
    await settle();
    expect(review.file.value).toMatchObject({ phase: "failed", error: "../x: .. leads out of the session directory" });
  });

  test("a turn that used tools: changes.get, linked with the files it touched (and those changed since the last list); none: no link", async () => {
    const { asked, ask } = relay();
    const review = new ReviewState(ask);
    review.turnEnded("s1", "/w", { turnKey: "r1", usedTools: false, touched: [] });
    expect(asked).toHaveLength(0);
    review.turnEnded("s1", "/w", { turnKey: "r2", usedTools: true, touched: ["/w/a.ts", "/elsewhere/b.ts"] });
    asked[0]!.answer(changes([{ path: "a.ts" }, { path: "old.ts" }]));
    await settle();
    expect(review.turnLinks.value.get(turnLinkKey("s1", "r2"))).toEqual({ sessionId: "s1", count: 1 });
    review.turnEnded("s1", "/w", { turnKey: "r3", usedTools: true, touched: [] });
    asked[1]!.answer(changes([{ path: "a.ts" }, { path: "old.ts", additions: 5 }, { path: "bash-made.ts" }]));
    await settle();
    expect(review.turnLinks.value.get(turnLinkKey("s1", "r3"))).toEqual({ sessionId: "s1", count: 2 });
    review.turnEnded("s1", "/w", { turnKey: "r4", usedTools: true, touched: [] });
    asked[2]!.answer(changes([{ path: "a.ts" }, { path: "old.ts", additions: 5 }, { path: "bash-made.ts" }]));
    review.turnEnded("s1", "/w", { turnKey: "r5", usedTools: true, touched: ["/w/x"] });
    asked[3]!.answer({ type: "changes", sessionId: "s1", git: false, files: [], truncated: false });
    await settle();
    expect(review.turnLinks.value.has(turnLinkKey("s1", "r4"))).toBe(false);
    expect(review.turnLinks.value.has(turnLinkKey("s1", "r5"))).toBe(false);
  });
});
