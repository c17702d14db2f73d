/**
 * Claude's questions (AskUserQuestion) as choices: each question with its options as buttons
 * (pressed when chosen; several at once where the question allows it) and a field for another
 * answer in the user's own words; "Send answers" allows the tool with the answers, "Decline" denies
 * it. Everything shown is Claude's text, as text.
 *
 * @example
 * ```tsx
 * <QuestionCard request={askUserQuestionRequest} actions={actions} />
 * ```
 */
import { useState } from "preact/hooks";
import type { PermissionRequestMessage } from "../../client/client.ts";
import { answersFor, type QuestionChoice, readQuestions } from "../../client/questions.ts";
import { pick } from "../state/questions.ts";
import type { Actions } from "./actions.ts";

export function QuestionCard({ request, actions }: { request: PermissionRequestMessage; actions: Actions }) {
  const questions = readQuestions(request.input);
  const [choices, setChoices] = useState<QuestionChoice[]>(() => questions.map(() => ({ picked: [], other: "" })));
  const [answered, setAnswered] = useState(false);
  const titleId = `question-${request.requestId}`;
  const answers = answersFor(questions, choices);
  const complete = questions.length > 0 && Object.keys(answers).length === questions.length;
  const choose = (index: number, next: QuestionChoice) => setChoices(choices.map((choice, at) => (at === index ? next : choice)));
  return (
    <section class="permission question" aria-labelledby={titleId} data-testid="question-card" data-request-id={request.requestId}>
      <h2 id={titleId}>Claude asks you</h2>
      {questions.map((question, index) => {
        const choice = choices[index]!;
        const groupId = `${titleId}-${index}`;
        return (
          <fieldset key={index} class="question-group" data-testid="question">
            <legend>
              {question.header && <span class="question-header">{question.header}</span>}
              <span class="question-text">{question.question}</span>
            </legend>
            {question.multiSelect && <p class="hint">Choose any that apply.</p>}
            <div class="options">
              {question.options.map((option) => (
                <button
                  key={option.label}
                  type="button"
                  class="option"
                  aria-pressed={choice.picked.includes(option.label)}
                  disabled={answered}
                  onClick={() => choose(index, pick(question, choice, option.label))}
                >
                  <span class="option-label">{option.label}</span>
                  {option.description && <span class="option-description">{option.description}</span>}
                </button>
              ))}
            </div>
            <label class="reason" for={`${groupId}-other`}>
              Other answer
            </label>
            <input
              id={`${groupId}-other`}
              type="text"
              value={choice.other}
              maxLength={2000}
              disabled={answered}
              onInput={(event) => choose(index, { picked: question.multiSelect ? choice.picked : [], other: event.currentTarget.value })}
            />
          </fieldset>
        );
      })}
      <div class="choices">
        <button
          type="button"
          class="allow"
          disabled={answered || !complete}
          onClick={() => {
            setAnswered(true);
            actions.answer(request, answers);
          }}
        >
          Send answers
        </button>
        <button
          type="button"
          class="deny"
          disabled={answered}
          onClick={() => {
            setAnswered(true);
            actions.deny(request, "The user declined to answer.");
          }}
        >
          Decline
        </button>
      </div>
    </section>
  );
}
