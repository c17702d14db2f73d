import { expect, test } from "bun:test";
import { readQuestions } from "../../../src/client/questions.ts";
import { pick } from "../../../src/web/state/questions.ts";

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

test("tapping: one answer replaces the other (and clears the typed one) for a single choice; toggles for a multi-select", () => {
  const [color, sizes] = readQuestions(input);
  expect(pick(color!, { picked: ["Red"], other: "pink" }, "Blue")).toEqual({ picked: ["Blue"], other: "" });
  expect(pick(sizes!, { picked: ["S"], other: "XL" }, "L")).toEqual({ picked: ["S", "L"], other: "XL" });
  expect(pick(sizes!, { picked: ["S", "L"], other: "" }, "S")).toEqual({ picked: ["L"], other: "" });
});
