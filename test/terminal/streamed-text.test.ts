import { expect, test } from "bun:test";
import { StreamedText } from "../../src/terminal/streamed-text.ts";
import { makeStyle } from "../../src/terminal/style.ts";

const style = makeStyle({ color: false, unicode: true });
const stream = (event: Record<string, unknown>, parent: string | null = null) => ({ type: "stream_event", event, parent_tool_use_id: parent });
const delta = (text: string, parent: string | null = null) => stream({ type: "content_block_delta", index: 1, delta: { type: "text_delta", text } }, parent);
const assistant = (text: string) => ({ type: "assistant", parent_tool_use_id: null, message: { content: [{ type: "text", text }] } });

test("words show live as they come; a finished line is printed once; the complete message prints the rest and is superseded", () => {
  const streamed = new StreamedText(style);
  expect(streamed.take(stream({ type: "content_block_start", index: 1, content_block: { type: "text", text: "" } }), 80)).toEqual({
    print: [],
    live: undefined,
    superseded: false,
  });
  expect(streamed.take(delta("The "), 80)).toEqual({ print: [], live: "● The ", superseded: false });
  expect(streamed.take(delta("plan:\n1. one"), 80)).toEqual({ print: ["● The plan:"], live: "  1. one", superseded: false });
  expect(streamed.streaming).toBe(true);
  expect(streamed.take(delta(" two\n"), 80)).toEqual({ print: ["  1. one two"], live: undefined, superseded: false });
  expect(streamed.take(delta("end"), 80)).toEqual({ print: [], live: "  end", superseded: false });
  expect(streamed.take(assistant("The plan:\n1. one two\nend"), 80)).toEqual({ print: ["  end"], live: undefined, superseded: true });
  expect(streamed.streaming).toBe(false);
  // Its content_block_stop, and a complete message nothing streamed for, print nothing and supersede nothing.
  expect(streamed.take(stream({ type: "content_block_stop", index: 1 }), 80)).toEqual({ print: [], live: undefined, superseded: false });
  expect(streamed.take(assistant("not streamed"), 80)).toEqual({ print: [], live: undefined, superseded: false });
});

test("a line longer than the terminal is wrapped at a space and printed; a word longer than a row is cut", () => {
  const streamed = new StreamedText(style);
  const step = streamed.take(delta("alpha beta gamma delta epsilon zeta eta"), 23);
  expect(step.print).toEqual(["● alpha beta gamma", "  delta epsilon zeta"]);
  expect(step.live).toBe("  eta");
  const long = new StreamedText(style);
  expect(long.take(delta("x".repeat(45)), 23).print).toEqual([`● ${"x".repeat(20)}`, `  ${"x".repeat(20)}`]);
  // Not a terminal, or a very narrow one: no wrapping.
  expect(new StreamedText(style).take(delta("x".repeat(45)), Number.POSITIVE_INFINITY).print).toEqual([]);
  expect(new StreamedText(style).take(delta("x".repeat(45)), 10).print).toEqual([]);
});

test("a sub-agent's text and a turn's end: the one is not shown, the other ends the block; reset forgets it", () => {
  const streamed = new StreamedText(style);
  expect(streamed.take(delta("from a sub-agent", "toolu_task"), 80).live).toBeUndefined();
  streamed.take(delta("half a "), 80);
  expect(streamed.take({ type: "result", subtype: "error_during_execution" }, 80)).toEqual({ print: ["● half a "], live: undefined, superseded: false });
  streamed.take(delta("again"), 80);
  streamed.reset();
  expect(streamed.streaming).toBe(false);
  expect(streamed.take(delta("new"), 80).live).toBe("● new");
});
