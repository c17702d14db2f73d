/** Claude's AskUserQuestion as both clients read it and answer it. */
import { expect, test } from "bun:test";
import { answersFor, answerText, readQuestions } from "../../src/client/questions.ts";

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
    { question: "Which sizes?", header: "Sizes", options: [{ label: "S" }, { label: "L" }], multiSelect: true },
  ],
};

test("reads the questions, their options and whether several may be chosen", () => {
  expect(readQuestions(input)).toEqual([
    {
      question: "Which color?",
      header: "Color",
      options: [
        { label: "Red", description: "warm" },
        { label: "Blue", description: "cool" },
      ],
      multiSelect: false,
    },
    { question: "Which sizes?", header: "Sizes", options: [{ label: "S" }, { label: "L" }], multiSelect: true },
  ]);
});

test("malformed input: questions without text and options without a label are left out; no list is no question", () => {
  expect(readQuestions({})).toEqual([]);
  expect(readQuestions(null)).toEqual([]);
  expect(readQuestions({ questions: "what?" })).toEqual([]);
  expect(
    readQuestions({
      questions: [null, 3, { question: "" }, { question: "Ok?", options: [{ label: "" }, { description: "x" }, "y", { label: "Yes" }], multiSelect: "yes" }],
    }),
  ).toEqual([{ question: "Ok?", options: [{ label: "Yes" }], multiSelect: false }]);
});

test("answers: the label chosen; several of a multi-select joined with ', '; a typed answer as it is; unanswered left out", () => {
  const questions = readQuestions(input);
  expect(
    answersFor(questions, [
      { picked: ["Blue"], other: "" },
      { picked: ["S", "L"], other: "" },
    ]),
  ).toEqual({ "Which color?": "Blue", "Which sizes?": "S, L" });
  expect(
    answersFor(questions, [
      { picked: [], other: "  green  " },
      { picked: ["L"], other: "XL" },
    ]),
  ).toEqual({ "Which color?": "green", "Which sizes?": "L, XL" });
  expect(
    answersFor(questions, [
      { picked: [], other: " " },
      { picked: [], other: "" },
    ]),
  ).toEqual({});
  expect(answersFor(questions, [])).toEqual({});
});

test("one answer: a typed text wins over a label for a single choice, and only the first label counts", () => {
  const [color] = readQuestions(input);
  expect(answerText(color!, { picked: ["Red"], other: "pink" })).toBe("pink");
  expect(answerText(color!, { picked: ["Red", "Blue"], other: "" })).toBe("Red");
  expect(answerText(color!, { picked: [], other: "" })).toBeUndefined();
});
