import { describe, expect, test } from "bun:test";
import { changesLines, patchLines, visible } from "../../src/terminal/changes-lines.ts";
import { makeStyle } from "../../src/terminal/style.ts";

const plain = makeStyle({ color: false, unicode: true });
const colour = makeStyle({ color: true, unicode: true });

describe("changesLines", () => {
  test("a heading with the branch and the count, then each file with its status and +/− (binary, renames)", () => {
    const lines = changesLines(
      {
        git: true,
        branch: "main",
        truncated: false,
        files: [
          { path: "src/login.ts", status: "modified", additions: 12, deletions: 3 },
          { path: "docs/new name.md", status: "renamed", from: "docs/old name.md", additions: 0, deletions: 0 },
          { path: "logo.png", status: "untracked", additions: 0, deletions: 0, binary: true },
        ],
      },
      plain,
    );
    expect(lines).toEqual([
      "branch main · 3 files changed against HEAD (/diff PATH shows one):",
      "  modified    src/login.ts  +12 −3",
      "  renamed     docs/new name.md ← docs/old name.md  +0 −0",
      "  untracked   logo.png  binary",
    ]);
  });

  test("not a repository, no change, a detached HEAD and a cut list are said in words", () => {
    expect(changesLines({ git: false, files: [], truncated: false }, plain)).toEqual(["not a git repository: there is nothing to compare with"]);
    expect(changesLines({ git: true, branch: "main", files: [], truncated: false }, plain)).toEqual(["branch main · no changes against HEAD"]);
    const cut = changesLines({ git: true, files: [{ path: "a", status: "added", additions: 1, deletions: 0 }], truncated: true }, plain);
    expect(cut[0]).toBe("HEAD detached · 1+ file changed against HEAD (/diff PATH shows one):");
    expect(cut.at(-1)).toBe("… more files changed: only the first 1 are listed");
  });

  test("statuses are coloured; a hostile file name cannot send escape sequences to the terminal", () => {
    const [, line] = changesLines(
      { git: true, branch: "main", truncated: false, files: [{ path: "x\x1b]0;owned\x07\n.md", status: "deleted", additions: 0, deletions: 4 }] },
      colour,
    );
    expect(line).toContain("\x1b[31mdeleted");
    expect(line).toContain("x\\x1b]0;owned\\x07\\x0a.md");
    expect(line!.replace(/\x1b\[\d+m/g, "")).not.toContain("\x1b");
  });
});

describe("patchLines", () => {
  const patch = "diff --git a/a.ts b/a.ts\nindex 1..2 100644\n--- a/a.ts\n+++ b/a.ts\n@@ -1,2 +1,2 @@\n same\n-old\n+new\n";

  test("git's patch line by line: additions green, removals red, hunks cyan, headers bold, context plain", () => {
    expect(patchLines({ patch, truncated: false }, plain)).toEqual(patch.slice(0, -1).split("\n"));
    const lines = patchLines({ patch, truncated: false }, colour);
    expect(lines[0]).toBe("\x1b[1mdiff --git a/a.ts b/a.ts\x1b[22m");
    expect(lines[1]).toBe("\x1b[2mindex 1..2 100644\x1b[22m");
    expect(lines[4]).toBe("\x1b[36m@@ -1,2 +1,2 @@\x1b[39m");
    expect(lines[5]).toBe(" same");
    expect(lines[6]).toBe("\x1b[31m-old\x1b[39m");
    expect(lines[7]).toBe("\x1b[32m+new\x1b[39m");
  });

  test("an empty patch and a cut one are said; control characters in the text are shown, not sent", () => {
    expect(patchLines({ patch: "", truncated: false }, plain)).toEqual(["no differences against HEAD"]);
    const cut = patchLines({ patch: "+a\x1b[2J\tb\n+c", truncated: true }, plain);
    expect(cut).toEqual(["+a\\x1b[2J\tb", "+c", "… the diff is cut here: it is too long to send whole (git diff on that machine shows all of it)"]);
  });

  test("visible leaves text, tabs and non-ASCII alone", () => {
    expect(visible("ü\tß → ok")).toBe("ü\tß → ok");
    expect(visible("\x00\x7f\x9b")).toBe("\\x00\\x7f\\x9b");
  });
});
