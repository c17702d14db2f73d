/**
 * Claude's AskUserQuestion, the protocol rule both clients follow (pure): the questions read from a
 * permission request's input, and the `answers` the relay passes on — from each question's text to
 * the chosen option's label, several of a multi-select question joined with ", ", a text typed as
 * another answer as it is (docs/protocol.md, "Claude's questions"). The web app taps options, the
 * terminal types numbers or text; both end in a {@link QuestionChoice} and encode it here.
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

/**
 * The questions of an AskUserQuestion input. Malformed parts are left out, not fatal: a question
 * without text, an option without a label; no list is no question.
 *
 * @example
 * readQuestions({ questions: [{ question: "Ok?", options: [{ label: "" }, { label: "Yes" }] }] }); // [{ question: "Ok?", options: [{ label: "Yes" }], multiSelect: false }]
 */
export function readQuestions(input: unknown): Question[] {
  const list = isObject(input) && Array.isArray(input.questions) ? input.questions.filter(isObject) : [];
  return list
    .filter((question) => typeof question.question === "string" && question.question !== "")
    .map((question) => {
      const options = (Array.isArray(question.options) ? question.options.filter(isObject) : [])
        .filter((option) => typeof option.label === "string" && option.label !== "")
        .map((option) => ({ label: option.label as string, ...(optionalString(option.description) && { description: option.description as string }) }));
      const header = optionalString(question.header);
      return { question: question.question as string, ...(header && { header }), options, multiSelect: question.multiSelect === true };
    });
}

/**
 * One question's answer as Claude gets it, or undefined when nothing was chosen: a multi-select
 * question takes the labels picked and the typed text; another takes the typed text, else the label.
 *
 * @example
 * answerText({ question: "Sizes?", options: [], multiSelect: true }, { picked: ["S", "L"], other: "XL" }); // "S, L, XL"
 */
export function answerText(question: Question, choice: QuestionChoice): string | undefined {
  const other = choice.other.trim();
  const parts = question.multiSelect ? [...choice.picked, ...(other ? [other] : [])] : other ? [other] : choice.picked.slice(0, 1);
  return parts.length > 0 ? parts.join(", ") : undefined;
}

/**
 * The `answers` object; questions left without an answer are not in it.
 *
 * @example
 * answersFor(questions, [{ picked: [], other: "green" }]); // { "Which color?": "green" }
 */
export function answersFor(questions: readonly Question[], choices: readonly QuestionChoice[]): Record<string, string> {
  const answers: Record<string, string> = {};
  questions.forEach((question, index) => {
    const choice = choices[index];
    const text = choice && answerText(question, choice);
    if (text !== undefined) answers[question.question] = text;
  });
  return answers;
}
