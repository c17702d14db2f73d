import { describe, expect, test } from "bun:test";
import { completions, helpText, parseInput, pickRequest } from "../../../src/cli/connect/commands.ts";
import type { PermissionRequestMessage } from "../../../src/client/messages.ts";

describe("parseInput", () => {
  test("text is a prompt (trimmed, line breaks kept); // escapes a leading slash; blank is nothing", () => {
    expect(parseInput("  fix the test \n and then run it ")).toEqual({ kind: "prompt", text: "fix the test \n and then run it" });
    expect(parseInput("//compact now")).toEqual({ kind: "prompt", text: "/compact now" });
    expect(parseInput("  \n ")).toEqual({ kind: "empty" });
  });

  test("slash commands, aliases, and a suggestion for a typo", () => {
    expect(parseInput("/allow")).toEqual({ kind: "allow", args: [] });
    expect(parseInput("/deny 3f2a too risky")).toEqual({ kind: "deny", args: ["3f2a", "too", "risky"] });
    expect(parseInput("/interrupt")).toEqual({ kind: "interrupt" });
    expect(parseInput("/exit")).toEqual({ kind: "quit" });
    expect(parseInput("/?")).toEqual({ kind: "help" });
    expect(parseInput("/interupt")).toEqual({ kind: "unknown", command: "/interupt", suggestion: "/interrupt" });
    expect(parseInput("/frobnicate")).toEqual({ kind: "unknown", command: "/frobnicate" });
  });

  test("the session commands: /sessions, /switch ID, /new DIR (the rest of the line, spaces kept)", () => {
    expect(parseInput("/sessions")).toEqual({ kind: "sessions" });
    expect(parseInput("/switch a2c4")).toEqual({ kind: "switch", args: ["a2c4"] });
    expect(parseInput("/switch")).toEqual({ kind: "switch", args: [] });
    expect(parseInput("/new  /home/me/My  Projects/api ")).toEqual({ kind: "new", dir: "/home/me/My  Projects/api" });
    expect(parseInput("/new")).toEqual({ kind: "new", dir: "" });
    expect(parseInput("/sesions")).toEqual({ kind: "unknown", command: "/sesions", suggestion: "/sessions" });
  });

  test("/new DIR --worktree BRANCH (or --worktree=BRANCH) at the end of the line; /changes; /diff PATH (the rest of the line)", () => {
    expect(parseInput("/new ~/My Code/api --worktree fix-login")).toEqual({ kind: "new", dir: "~/My Code/api", worktree: "fix-login" });
    expect(parseInput("/new /srv/api --worktree=feat/x")).toEqual({ kind: "new", dir: "/srv/api", worktree: "feat/x" });
    expect(parseInput("/new /srv/api --worktree")).toEqual({ kind: "new", dir: "/srv/api", worktree: "" });
    expect(parseInput("/new --worktree b")).toEqual({ kind: "new", dir: "", worktree: "b" });
    expect(parseInput("/new /srv/--worktree-notes")).toEqual({ kind: "new", dir: "/srv/--worktree-notes" });
    expect(parseInput("/changes")).toEqual({ kind: "changes" });
    expect(parseInput("/diff docs/new name.md ")).toEqual({ kind: "diff", path: "docs/new name.md" });
    expect(parseInput("/diff")).toEqual({ kind: "diff", path: "" });
    expect(parseInput("/chnages")).toEqual({ kind: "unknown", command: "/chnages", suggestion: "/changes" });
  });

  test("/mode and /model take their argument; /image the rest of the line", () => {
    expect(parseInput("/mode")).toEqual({ kind: "mode", args: [] });
    expect(parseInput("/mode plan")).toEqual({ kind: "mode", args: ["plan"] });
    expect(parseInput("/model opus[1m]")).toEqual({ kind: "model", args: ["opus[1m]"] });
    expect(parseInput("/image ~/My Pictures/shot 1.png")).toEqual({ kind: "image", path: "~/My Pictures/shot 1.png" });
    expect(parseInput("/image")).toEqual({ kind: "image", path: "" });
  });

  test("/tasks and /stop-task ID", () => {
    expect(parseInput("/tasks")).toEqual({ kind: "tasks" });
    expect(parseInput("/stop-task a4e2")).toEqual({ kind: "stop-task", args: ["a4e2"] });
    expect(parseInput("/stop-task")).toEqual({ kind: "stop-task", args: [] });
    expect(parseInput("/stoptask 1")).toMatchObject({ kind: "unknown", suggestion: "/stop-task" });
  });

  test("Tab completes our commands, and Claude's after //", () => {
    expect(completions("/mo", ["compact"])).toEqual(["/mode", "/model"]);
    expect(completions("/s", [])).toEqual(["/sessions", "/switch", "/stop-task"]);
    expect(completions("//c", ["compact", "cost", "review"])).toEqual(["//compact", "//cost"]);
    expect(completions("hello", ["compact"])).toEqual([]);
    expect(completions("/mode pl", [])).toEqual([]);
    expect(completions("/d", [])).toEqual(["/diff", "/deny"]);
  });

  test("Tab after /diff completes the paths the last /changes listed", () => {
    const paths = ["src/login.ts", "src/logout.ts", "docs/new name.md"];
    expect(completions("/diff src/log", [], paths)).toEqual(["/diff src/login.ts", "/diff src/logout.ts"]);
    expect(completions("/diff docs", [], paths)).toEqual(["/diff docs/new name.md"]);
    expect(completions("/diff ", [], paths)).toEqual(paths.map((path) => `/diff ${path}`));
    expect(completions("/diff nothing", [], paths)).toEqual([]);
    expect(completions("/diff src", [])).toEqual([]);
  });

  test("help lists every command, and the keys on a terminal", () => {
    const help = helpText(true);
    for (const command of [
      "/sessions",
      "/switch ID",
      "/new DIR [--worktree BRANCH]",
      "/changes",
      "/diff PATH",
      "/mode [MODE]",
      "/model [MODEL]",
      "/image PATH",
      "/allow [id]",
      "/deny [id] [reason]",
      "/interrupt",
      "/quit",
      "/help",
    ])
      expect(help).toContain(command);
    expect(help).toContain("Alt-Enter");
    expect(helpText(false)).not.toContain("Alt-Enter");
  });
});

describe("pickRequest", () => {
  const request = (requestId: string, seq: number) =>
    ({ type: "permission.request", sessionId: "s", seq, requestId, toolName: "Write", input: {}, toolUseId: "t" }) as PermissionRequestMessage;
  const pending = [request("aaaa1111", 3), request("aabb2222", 5)];

  test("no argument: the oldest pending request", () => {
    expect(pickRequest(pending, []).request?.requestId).toBe("aaaa1111");
  });
  test("an id prefix picks that request; the rest is the reason", () => {
    expect(pickRequest(pending, ["aabb", "not", "that"])).toMatchObject({ request: { requestId: "aabb2222" }, rest: ["not", "that"] });
  });
  test("an ambiguous prefix is refused", () => {
    expect(pickRequest(pending, ["aa"]).problem).toBe("aa matches 2 requests; give more of the id");
  });
  test("words that name no request are the reason for the oldest", () => {
    expect(pickRequest(pending, ["too", "risky"])).toMatchObject({ request: { requestId: "aaaa1111" }, rest: ["too", "risky"] });
  });
  test("nothing pending", () => {
    expect(pickRequest([], ["x"]).problem).toBe("no permission request is pending");
  });
});
