import { describe, expect, test } from "bun:test";
import type { Item } from "../../../src/web/state/conversation.ts";
import { changedByTurn, liveTurns, relativeToSession } from "../../../src/web/state/turn-changes.ts";

const tool = (seq: number, name: string, input: Record<string, unknown>): Item => ({ kind: "tool", key: `t${seq}`, seq, toolUseId: `u${seq}`, name, input });
const turn = (seq: number): Item => ({ kind: "turn", key: `r${seq}`, seq, isError: false });
const text = (seq: number): Item => ({ kind: "text", key: `x${seq}`, seq, text: "hi" });
const file = (path: string, additions = 1, deletions = 0) => ({ path, status: "modified" as const, additions, deletions });

describe("liveTurns", () => {
  const items = [
    tool(1, "Write", { file_path: "/w/old.ts" }),
    turn(2),
    text(3),
    turn(4),
    tool(5, "Write", { file_path: "/w/a.ts" }),
    tool(6, "Edit", { file_path: "/w/a.ts" }),
    tool(7, "NotebookEdit", { notebook_path: "/w/n.ipynb" }),
    tool(8, "Bash", { command: "touch b" }),
    turn(9),
  ];

  test("turns after the replay, each with whether it used a tool and the files its edit tools named (each once)", () => {
    expect(liveTurns(items, 2, () => false)).toEqual([
      { turnKey: "r4", usedTools: false, touched: [] },
      { turnKey: "r9", usedTools: true, touched: ["/w/a.ts", "/w/n.ipynb"] },
    ]);
  });

  test("replayed turns and handled ones are not returned; the scan stops at the last handled turn", () => {
    expect(liveTurns(items, 9, () => false)).toEqual([]);
    expect(liveTurns(items, 0, (key) => key === "r4")).toEqual([{ turnKey: "r9", usedTools: true, touched: ["/w/a.ts", "/w/n.ipynb"] }]);
    const seen: string[] = [];
    liveTurns(items, 0, (key) => {
      seen.push(key);
      return key === "r9";
    });
    expect(seen).toEqual(["r9"]);
  });

  test("a turn not ended yet is not returned; a Bash-only turn used tools but named no file", () => {
    expect(liveTurns([tool(1, "Write", { file_path: "/w/a" })], 0, () => false)).toEqual([]);
    expect(liveTurns([tool(1, "Bash", { command: "x" }), turn(2)], 0, () => false)).toEqual([{ turnKey: "r2", usedTools: true, touched: [] }]);
  });
});

describe("relativeToSession", () => {
  test("inside the directory: relative; outside: none; relative stays", () => {
    expect(relativeToSession("/w/app", "/w/app/src/a.ts")).toBe("src/a.ts");
    expect(relativeToSession("/w/app/", "/w/app/a.ts")).toBe("a.ts");
    expect(relativeToSession("/w/app", "/w/application/a.ts")).toBeUndefined();
    expect(relativeToSession("/w/app", "./src/a.ts")).toBe("src/a.ts");
  });
});

describe("changedByTurn", () => {
  test("without an earlier list: the files the turn touched that are changed", () => {
    expect(changedByTurn(undefined, { files: [file("a.ts"), file("b.ts")] }, ["a.ts", "gone.ts"])).toEqual(["a.ts"]);
  });

  test("with one: also the files new or different since (a Bash edit), not the ones unchanged since", () => {
    const before = { files: [file("same.ts"), file("grown.ts", 1)] };
    const after = { files: [file("same.ts"), file("grown.ts", 3), file("new.ts"), file("touched.ts")] };
    expect(changedByTurn(before, after, ["touched.ts"])).toEqual(["grown.ts", "new.ts", "touched.ts"]);
  });
});
