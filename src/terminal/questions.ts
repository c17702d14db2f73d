/**
 * Claude's AskUserQuestion in a terminal (pure): the questions of the request's input, each shown
 * with numbered options, and what a person types turned into the answer Claude expects — the
 * chosen option's label, several labels of a multi-select question joined with ", ", or the text
 * typed as a free answer (docs/protocol.md, "Claude's questions"). Reading the questions and
 * encoding the answer are the rules both clients share (src/client/questions.ts).
 *
 * @example
 * ```ts
 * const questions = questionsOf(request.input);         // undefined when the input is not AskUserQuestion's
 * answerFor(questions![0]!, "2");                         // { answer: "Blue" }
 * answerFor(questions![1]!, "1, 2");                      // { answer: "S, L" } (multi-select)
 * answerFor(questions![0]!, "green, please");             // { answer: "green, please" } (free text)
 * ```
 */
import { answerText, type Question, readQuestions } from "../client/questions.ts";
import type { Style } from "./style.ts";
import { oneLine } from "./tool-call.ts";

/**
 * The questions of an AskUserQuestion input (read by the rule both clients share), or undefined
 * when it holds none that can be shown.
 *
 * @example
 * questionsOf({ questions: [{ question: "Which?", options: [{ label: "A" }], multiSelect: false }] })?.length; // 1
 */
export function questionsOf(input: unknown): Question[] | undefined {
  const questions = readQuestions(input);
  return questions.length > 0 ? questions : undefined;
}

/**
 * One question as transcript lines: the question, then its options numbered from 1.
 *
 * @example
 * questionLines(question, 0, 2, style); // ["? Claude asks (1 of 2) · Color: Which color?", "  1 Red — warm", "  2 Blue — cool"]
 */
export function questionLines(question: Question, index: number, count: number, style: Style): string[] {
  const which = count > 1 ? ` (${index + 1} of ${count})` : "";
  const header = question.header ? `${question.header}: ` : "";
  const multi = question.multiSelect ? style.paint("dim", " (one or more)") : "";
  return [
    style.paint("yellow", `${style.symbols.ask} Claude asks${which} · ${header}${question.question}`) + multi,
    ...question.options.map(
      (option, i) =>
        `  ${style.paint("bold", String(i + 1))} ${option.label}${option.description ? style.paint("dim", ` — ${oneLine(option.description, 100)}`) : ""}`,
    ),
  ];
}

/**
 * How to answer, for the status line.
 *
 * @example
 * answerHint(question); // "press 1–2 · or type an answer and Enter · n declines"
 */
export function answerHint(question: Question): string {
  const range = question.options.length > 1 ? `1–${question.options.length}` : "1";
  const choose = question.multiSelect ? `type numbers (e.g. 1,${Math.min(2, question.options.length)}) and Enter` : `press ${range}`;
  return `${choose} · or type an answer and Enter · n declines`;
}

/**
 * What was typed as the answer to `question`: option numbers (several only for a multi-select
 * question), or else the text itself.
 *
 * @example
 * answerFor({ question: "Which?", options: [{ label: "A" }], multiSelect: false }, "3"); // { problem: "choose 1 (or type an answer)" }
 */
export function answerFor(question: Question, typed: string): { answer: string } | { problem: string } {
  const text = typed.trim();
  if (text === "") return { problem: "type an answer, or the number of an option" };
  if (!/^\d+(\s*[, ]\s*\d+)*$/.test(text)) return { answer: answerText(question, { picked: [], other: text })! };
  const numbers = [...new Set(text.split(/[\s,]+/).map(Number))];
  const count = question.options.length;
  const outside = numbers.find((n) => n < 1 || n > count);
  if (outside !== undefined) return { problem: `there is no option ${outside}: choose ${count > 1 ? `1–${count}` : "1"} (or type an answer)` };
  if (numbers.length > 1 && !question.multiSelect) return { problem: "this question takes one option: give one number" };
  return { answer: answerText(question, { picked: numbers.map((n) => question.options[n - 1]!.label), other: "" })! };
}
