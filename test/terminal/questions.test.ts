import { describe, expect, test } from "bun:test";
import { answerFor, answerHint, questionLines, questionsOf } from "../../src/terminal/questions.ts";
import { makeStyle } from "../../src/terminal/style.ts";

const style = makeStyle({ color: false, unicode: true });
const input = {
  questions: [
    {
      question: "Which color?",
      header: "Color",
      options: [
        { label: "Red", description: "warm" },
        { label: "Blue", description: "cool" },
      ],
      multiSelect: false,
    },
    { question: "Which sizes?", header: "Sizes", options: [{ label: "S" }, { label: "M" }, { label: "L" }], multiSelect: true },
  ],
};

describe("questionsOf", () => {
  test("the questions of an AskUserQuestion input; anything else is none", () => {
    expect(questionsOf(input)).toEqual([
      {
        question: "Which color?",
        header: "Color",
        options: [
          { label: "Red", description: "warm" },
          { label: "Blue", description: "cool" },
        ],
        multiSelect: false,
      },
      { question: "Which sizes?", header: "Sizes", options: [{ label: "S" }, { label: "M" }, { label: "L" }], multiSelect: true },
    ]);
    expect(questionsOf({ questions: [] })).toBeUndefined();
    expect(questionsOf({ command: "ls" })).toBeUndefined();
    expect(questionsOf({ questions: [{ options: [] }] })).toBeUndefined();
  });
});

describe("showing and answering", () => {
  const [color, sizes] = questionsOf(input)!;
  test("lines: the question with its header, the options numbered", () => {
    expect(questionLines(color!, 0, 2, style)).toEqual(["? Claude asks (1 of 2) · Color: Which color?", "  1 Red — warm", "  2 Blue — cool"]);
    expect(questionLines(sizes!, 1, 2, style)[0]).toBe("? Claude asks (2 of 2) · Sizes: Which sizes? (one or more)");
    expect(answerHint(color!)).toBe("press 1–2 · or type an answer and Enter · n declines");
    expect(answerHint(sizes!)).toBe("type numbers (e.g. 1,2) and Enter · or type an answer and Enter · n declines");
  });

  test('numbers are options (several joined with ", " for a multi-select question); other text is a free answer', () => {
    expect(answerFor(color!, "2")).toEqual({ answer: "Blue" });
    expect(answerFor(sizes!, "1, 3")).toEqual({ answer: "S, L" });
    expect(answerFor(sizes!, "3 1 3")).toEqual({ answer: "L, S" });
    expect(answerFor(color!, "green, please")).toEqual({ answer: "green, please" });
    expect(answerFor(color!, "1,2")).toEqual({ problem: "this question takes one option: give one number" });
    expect(answerFor(color!, "3")).toEqual({ problem: "there is no option 3: choose 1–2 (or type an answer)" });
    expect(answerFor(color!, " ")).toEqual({ problem: "type an answer, or the number of an option" });
  });
});
