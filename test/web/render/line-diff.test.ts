import { describe, expect, test } from "bun:test";
import { lineDiff } from "../../../src/web/render/line-diff.ts";

const show = (before: string, after: string, maxCells?: number) => lineDiff(before, after, maxCells).map((line) => `${line.op}${line.text}`);

describe("lineDiff", () => {
  test("a changed line between kept ones", () => {
    expect(show("a\nb\nc", "a\nB\nc")).toEqual([" a", "-b", "+B", " c"]);
  });

  test("insertions and deletions are aligned around common lines", () => {
    expect(show("one\ntwo\nthree\nfour", "zero\none\nthree\nfour\nfive")).toEqual(["+zero", " one", "-two", " three", " four", "+five"]);
  });

  test("a new file is all additions; an emptied one all deletions", () => {
    expect(show("", "x\ny")).toEqual(["+x", "+y"]);
    expect(show("x\ny", "")).toEqual(["-x", "-y"]);
  });

  test("past the size limit: everything old removed, everything new added, in order", () => {
    expect(show("h\na\nb\nt", "h\nc\nd\nt", 3)).toEqual([" h", "-a", "-b", "+c", "+d", " t"]);
  });
});
