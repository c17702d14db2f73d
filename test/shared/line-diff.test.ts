/** The one line diff, as the web app's tool view and the terminal's transcript show it. */
import { describe, expect, test } from "bun:test";
import { excerpt, lineDiff } from "../../src/shared/line-diff.ts";

const lines = (diff: { op: string; text: string }[]) => diff.map((line) => `${line.op}${line.text}`);
const show = (before: string, after: string, maxCells?: number) => lines(lineDiff(before, after, maxCells));

describe("lineDiff", () => {
  test("a changed line between kept ones", () => {
    expect(show("a\nb\nc", "a\nB\nc")).toEqual([" a", "-b", "+B", " c"]);
  });

  test("changed lines between kept ones, removals before additions; a final line break starts no line", () => {
    expect(show("a\nb\nc\n", "a\nB\nc\nd\n")).toEqual([" a", "-b", "+B", " c", "+d"]);
  });

  test("insertions and deletions are aligned around common lines", () => {
    expect(show("one\ntwo\nthree\nfour", "zero\none\nthree\nfour\nfive")).toEqual(["+zero", " one", "-two", " three", " four", "+five"]);
  });

  test("a new file is all additions; an emptied one all deletions (\\r\\n ends a line too)", () => {
    expect(show("", "x\ny")).toEqual(["+x", "+y"]);
    expect(show("x\ny", "")).toEqual(["-x", "-y"]);
    expect(show("x\r\ny", "")).toEqual(["-x", "-y"]);
  });

  test("past the size limit: everything old removed, everything new added, in order", () => {
    expect(show("h\na\nb\nt", "h\nc\nd\nt", 3)).toEqual([" h", "-a", "-b", "+c", "+d", " t"]);
  });

  test("very large inputs are not diffed line by line (old out, new in); a common head and tail stay context", () => {
    const big = (prefix: string) => Array.from({ length: 600 }, (_, i) => `${prefix} ${i}`).join("\n");
    const replaced = lineDiff(big("old"), big("new"));
    expect(replaced.filter((line) => line.op === "-")).toHaveLength(600);
    expect(replaced.filter((line) => line.op === "+")).toHaveLength(600);
    const appended = lineDiff(big("line"), `${big("line")}\nmore`);
    expect(lines(appended.filter((line) => line.op !== " "))).toEqual(["+more"]);
  });
});

describe("excerpt", () => {
  test("changes with their context, cut to a maximum, counting what was left out", () => {
    const before = Array.from({ length: 20 }, (_, i) => `l${i}`).join("\n");
    const after = before.replace("l5", "L5").replace("l15", "L15");
    const { lines: shown, omitted } = excerpt(lineDiff(before, after), { context: 1, maxLines: 100 });
    expect(lines(shown)).toEqual([" l4", "-l5", "+L5", " l6", " l14", "-l15", "+L15", " l16"]);
    expect(omitted).toBe(0);
    const cut = excerpt(lineDiff("", "1\n2\n3\n4\n5"), { context: 1, maxLines: 2 });
    expect(lines(cut.lines)).toEqual(["+1", "+2"]);
    expect(cut.omitted).toBe(3);
  });
});
