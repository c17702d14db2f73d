/**
 * Claude's AskUserQuestion, read from a permission request's input (pure), and the answers the
 * relay passes on: `updatedInput` is the input plus `answers`, from each question's text to the
 * chosen option's label — several of a multi-select question joined with ", ", and a text typed
 * under "Other" as it is (docs/protocol.md, "Claude's questions").
 *
 * @example
 * ```ts
 * const questions = readQuestions(request.input); // [{ question: "Which color?", header: "Color", options: [...], multiSelect: false }]
 * answersFor(questions, [{ picked: ["Blue"], other: "" }]); // { "Which color?": "Blue" }
 * ```
 */

export interface QuestionOption {
  label: string;
  description?: string;
}

export interface Question {
  question: string;
  header?: string;
  options: QuestionOption[];
  multiSelect: boolean;
}

/** What the user chose for one question: option labels, and text typed as another answer. */
export interface QuestionChoice {
  picked: readonly string[];
  other: string;
}

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === "object" && value !== null && !Array.isArray(value);
const optionalString = (value: unknown) => (typeof value === "string" && value ? value : undefined);

/** The questions of an AskUserQuestion input; those without a question text are left out. */
export function readQuestions(input: Record<string, unknown>): Question[] {
  const questions = Array.isArray(input.questions) ? input.questions.filter(isObject) : [];
  return questions
    .filter((question) => typeof question.question === "string" && question.question !== "")
    .map((question) => {
      const options = (Array.isArray(question.options) ? question.options.filter(isObject) : [])
        .filter((option) => typeof option.label === "string" && option.label !== "")
        .map((option) => ({ label: option.label as string, ...(optionalString(option.description) && { description: option.description as string }) }));
      const header = optionalString(question.header);
      return { question: question.question as string, ...(header && { header }), options, multiSelect: question.multiSelect === true };
    });
}

/** The `answers` object; questions left without an answer are not in it. */
export function answersFor(questions: readonly Question[], choices: readonly QuestionChoice[]): Record<string, string> {
  const answers: Record<string, string> = {};
  questions.forEach((question, index) => {
    const choice = choices[index];
    if (!choice) return;
    const other = choice.other.trim();
    const parts = question.multiSelect ? [...choice.picked, ...(other ? [other] : [])] : other ? [other] : choice.picked.slice(0, 1);
    if (parts.length > 0) answers[question.question] = parts.join(", ");
  });
  return answers;
}

/** A choice after tapping `label`: a multi-select question toggles it; otherwise it becomes the answer (and "Other" is cleared). */
export function pick(question: Question, choice: QuestionChoice, label: string): QuestionChoice {
  if (question.multiSelect)
    return { ...choice, picked: choice.picked.includes(label) ? choice.picked.filter((picked) => picked !== label) : [...choice.picked, label] };
  return { picked: [label], other: "" };
}
