/**
 * Choosing answers to Claude's questions by tapping (pure). Reading the questions and encoding the
 * answers are the rules both clients share (src/client/questions.ts); this is how a tap changes a
 * choice on the card.
 *
 * @example
 * ```ts
 * pick(question, { picked: ["Red"], other: "pink" }, "Blue"); // { picked: ["Blue"], other: "" } (one answer)
 * pick(sizes, { picked: ["S"], other: "" }, "L");            // { picked: ["S", "L"], other: "" } (multi-select)
 * ```
 */
import type { Question, QuestionChoice } from "../../client/questions.ts";

/** A choice after tapping `label`: a multi-select question toggles it; otherwise it becomes the answer (and "Other" is cleared). */
export function pick(question: Question, choice: QuestionChoice, label: string): QuestionChoice {
  if (question.multiSelect)
    return { ...choice, picked: choice.picked.includes(label) ? choice.picked.filter((picked) => picked !== label) : [...choice.picked, label] };
  return { picked: [label], other: "" };
}
