import { describe, expect, test } from "bun:test";
import { diffLines, excerpt } from "../../src/terminal/diff.ts";

const show = (lines: { kind: string; text: string }[]) => lines.map((line) => `${line.kind}${line.text}`);

describe("diffLines", () => {
  test("changed lines between kept ones, removals before additions", () => {
    expect(show(diffLines("a\nb\nc\n", "a\nB\nc\nd\n"))).toEqual([" a", "-b", "+B", " c", "+d"]);
  });
  test("a new file is all additions; an emptied one all removals", () => {
    expect(show(diffLines("", "x\ny"))).toEqual(["+x", "+y"]);
    expect(show(diffLines("x\r\ny", ""))).toEqual(["-x", "-y"]);
  });
  test("very large inputs are not diffed line by line (old out, new in)", () => {
    const big = Array.from({ length: 600 }, (_, i) => `line ${i}`).join("\n");
    const lines = diffLines(big, `${big}\nmore`);
    expect(lines.filter((line) => line.kind === "-")).toHaveLength(600);
    expect(lines.filter((line) => line.kind === "+")).toHaveLength(601);
  });
});

describe("excerpt", () => {
  test("changes with their context, cut to a maximum, counting what was left out", () => {
    const before = Array.from({ length: 20 }, (_, i) => `l${i}`).join("\n");
    const after = before.replace("l5", "L5").replace("l15", "L15");
    const { lines, omitted } = excerpt(diffLines(before, after), { context: 1, maxLines: 100 });
    expect(show(lines)).toEqual([" l4", "-l5", "+L5", " l6", " l14", "-l15", "+L15", " l16"]);
    expect(omitted).toBe(0);
    const cut = excerpt(diffLines("", "1\n2\n3\n4\n5"), { context: 1, maxLines: 2 });
    expect(show(cut.lines)).toEqual(["+1", "+2"]);
    expect(cut.omitted).toBe(3);
  });
});
