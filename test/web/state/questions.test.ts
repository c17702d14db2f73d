import { expect, test } from "bun:test";
import { answersFor, pick, readQuestions } from "../../../src/web/state/questions.ts";

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
});

test("tapping: one answer replaces the other (and clears the typed one) for a single choice; toggles for a multi-select", () => {
  const [color, sizes] = readQuestions(input);
  expect(pick(color!, { picked: ["Red"], other: "pink" }, "Blue")).toEqual({ picked: ["Blue"], other: "" });
  expect(pick(sizes!, { picked: ["S"], other: "XL" }, "L")).toEqual({ picked: ["S", "L"], other: "XL" });
  expect(pick(sizes!, { picked: ["S", "L"], other: "" }, "S")).toEqual({ picked: ["L"], other: "" });
});
