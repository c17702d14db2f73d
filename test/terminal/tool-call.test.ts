import { describe, expect, test } from "bun:test";
import { stripVTControlCharacters } from "node:util";
import { makeStyle } from "../../src/terminal/style.ts";
import { oneLine, summarizeInput, toolLabel, toolLines } from "../../src/terminal/tool-call.ts";

const plain = makeStyle({ color: false, unicode: true });

describe("toolLabel", () => {
  test.each([
    ["Bash", { command: "npm test", description: "run tests" }, "Bash: npm test"],
    ["Read", { file_path: "/w/src/a.ts" }, "Read src/a.ts"],
    ["Write", { file_path: "/elsewhere/a.ts", content: "" }, "Write /elsewhere/a.ts"],
    ["Grep", { pattern: "TODO", path: "/w/src" }, 'Grep "TODO" in src'],
    ["Glob", { pattern: "**/*.ts" }, 'Glob "**/*.ts"'],
    ["WebFetch", { url: "https://example.com" }, "WebFetch https://example.com"],
    ["Task", { description: "find the bug", prompt: "…" }, "Task: find the bug"],
    ["TodoWrite", { todos: [{}, {}] }, "TodoWrite (2 items)"],
    ["mcp__db__query", { sql: "select 1" }, 'mcp__db__query sql: "select 1"'],
  ])("%s", (name, input, expected) => {
    expect(toolLabel(name, input, "/w")).toBe(expected);
  });

  test("long or multi-line commands stay on one short line", () => {
    expect(toolLabel("Bash", { command: `echo ${"x".repeat(200)}\nls` }, undefined, 40)).toHaveLength(40);
    expect(oneLine("a\n  b", 20)).toBe("a ⏎ b");
  });
});

describe("toolLines", () => {
  test("Edit shows a coloured diff of the change", () => {
    const colour = makeStyle({ color: true, unicode: true });
    const lines = toolLines("Edit", { file_path: "/w/a.ts", old_string: "let x = 1;", new_string: "let x = 2;" }, { cwd: "/w", style: colour });
    expect(lines.map(stripVTControlCharacters)).toEqual(["⏺ Edit a.ts", "  - let x = 1;", "  + let x = 2;"]);
    expect(lines[1]).toContain("\x1b[31m");
    expect(lines[2]).toContain("\x1b[32m");
  });

  test("Write shows the new file's lines, cut after the maximum", () => {
    const content = `${Array.from({ length: 30 }, (_, i) => `line ${i}`).join("\n")}\n`;
    const lines = toolLines("Write", { file_path: "/w/n.txt", content }, { cwd: "/w", style: plain, maxDiffLines: 3 });
    expect(lines).toEqual(["⏺ Write n.txt (30 lines)", "  + line 0", "  + line 1", "  + line 2", "  … 27 more changed lines"]);
  });

  test("MultiEdit shows each edit; other tools one line", () => {
    const edits = [
      { old_string: "a", new_string: "b" },
      { old_string: "c", new_string: "d" },
    ];
    expect(toolLines("MultiEdit", { file_path: "/w/m.ts", edits }, { cwd: "/w", style: plain })).toEqual([
      "⏺ MultiEdit m.ts",
      "  - a",
      "  + b",
      "  - c",
      "  + d",
    ]);
    expect(toolLines("Bash", { command: "ls" }, { style: plain })).toEqual(["⏺ Bash: ls"]);
  });
});

describe("summarizeInput", () => {
  test("key: value pairs, long values cut", () => {
    const summary = summarizeInput({ file_path: "/tmp/a.txt", content: "x".repeat(500) });
    expect(summary.startsWith("file_path: /tmp/a.txt, content: xxx")).toBe(true);
    expect(summary.length).toBeLessThanOrEqual(160);
    expect(summary.endsWith("…")).toBe(true);
  });
});
