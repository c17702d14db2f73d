/**
 * Answering Claude in the interactive view: the keys that answer the oldest pending permission
 * request (y allows, s allows for this session, n denies, r denies with a reason typed next), and
 * Claude's questions (AskUserQuestion) answered one after the other by option number or typed text.
 * The answers themselves are built by the rules both clients share (src/client/permission-answers.ts,
 * src/client/questions.ts).
 *
 * @example
 * ```ts
 * const keys = new PermissionKeys(out);
 * keys.key("s");           // true: allowed for this session (or told why not)
 * keys.submit("2");        // true: the typed line answered the question or gave the reason
 * keys.statusHint();       // { reasonFor, question } for the status line
 * ```
 */
import type { PermissionRequestMessage } from "../../client/messages.ts";
import { allowForSession, questionAnswer } from "../../client/permission-answers.ts";
import type { Question } from "../../client/questions.ts";
import { updatesInWords } from "../../terminal/permission-updates.ts";
import { answerFor, answerHint, questionsOf } from "../../terminal/questions.ts";
import { toolLabel } from "../../terminal/tool-call.ts";
import type { ViewOutput } from "./view-output.ts";

/** The question of Claude's to answer now, and where it stands among the request's questions. */
interface Asked {
  request: PermissionRequestMessage;
  questions: Question[];
  question: Question;
  index: number;
}

export class PermissionKeys {
  readonly #out: ViewOutput;
  /** Answers given so far to Claude's questions of one request. */
  #answers: { requestId: string; answers: Record<string, string> } | undefined;
  /** The request a reason for denying is being typed for. */
  #reasonFor: PermissionRequestMessage | undefined;

  constructor(out: ViewOutput) {
    this.#out = out;
  }

  /** Whether a reason is being typed (Ctrl-C leaves that first). */
  get typingReason(): boolean {
    return this.#reasonFor !== undefined;
  }

  /** A key pressed on an empty line: true when it answered (or tried to answer) the pending request. */
  key(key: string): boolean {
    const { client } = this.#out;
    const request = client.pendingPermissions[0];
    if (!request || this.#reasonFor) return false;
    const asked = this.#question();
    // A single option's number answers a question that takes one; anything else is typed.
    if (asked && /^[1-9]$/.test(key) && !asked.question.multiSelect) {
      this.#answerQuestion(key);
      return true;
    }
    if (asked && key.toLowerCase() !== "n" && key.toLowerCase() !== "r") return false;
    try {
      switch (key.toLowerCase()) {
        case "y":
          client.allow(request.requestId);
          return true;
        case "s":
          this.#allowForSession(request);
          return true;
        case "n":
          client.deny(request.requestId);
          return true;
        case "r":
          this.#reasonFor = request;
          this.#out.setLabel("reason › ");
          this.#out.refresh();
          return true;
        default:
          return false;
      }
    } catch (error) {
      this.#out.problem((error as Error).message);
      return true;
    }
  }

  /** A line submitted: true when it was the reason for a denial or an answer to Claude's question (not a slash command). */
  submit(text: string): boolean {
    if (this.#reasonFor) {
      this.#denyWithReason(text);
      return true;
    }
    if (this.#question() && !text.trim().startsWith("/")) {
      this.#answerQuestion(text);
      return true;
    }
    return false;
  }

  /** A request was resolved (by anyone): a reason typed for it is no longer wanted. */
  resolved(requestId: string): void {
    if (this.#reasonFor?.requestId === requestId) this.leaveReason();
  }

  leaveReason(): void {
    this.#reasonFor = undefined;
    this.#out.setLabel("› ");
    this.#out.refresh();
  }

  /** What the status line says about answering: the reason being typed, the question and how to answer it. */
  statusHint(cwd: string | undefined): { reasonFor?: string; question?: { index: number; count: number; hint: string } } {
    const asked = this.#question();
    const reasonFor = this.#reasonFor;
    return {
      ...(reasonFor && { reasonFor: toolLabel(reasonFor.toolName, reasonFor.input, cwd, 60) }),
      ...(asked && { question: { index: asked.index, count: asked.questions.length, hint: answerHint(asked.question) } }),
    };
  }

  #allowForSession(request: PermissionRequestMessage): void {
    const answer = allowForSession(request);
    if (!answer) return this.#out.problem(`Claude offers no "allow for this session" for ${request.toolName}: y allows it once`);
    this.#out.client.respond(request, answer);
    const { style } = this.#out;
    this.#out.print(style.paint("dim", `${style.symbols.info} allowed for this session: ${updatesInWords(answer.updatedPermissions ?? [])}`));
  }

  /** The question of Claude's to answer now: the oldest pending request, when it is AskUserQuestion. */
  #question(): Asked | undefined {
    const request = this.#out.client.pendingPermissions[0];
    if (request?.toolName !== "AskUserQuestion") return undefined;
    const questions = questionsOf(request.input);
    if (!questions) return undefined;
    if (this.#answers?.requestId !== request.requestId) this.#answers = { requestId: request.requestId, answers: {} };
    const index = Object.keys(this.#answers.answers).length;
    return index < questions.length ? { request, questions, question: questions[index]!, index } : undefined;
  }

  #answerQuestion(typed: string): void {
    const asked = this.#question();
    if (!asked) return;
    const chosen = answerFor(asked.question, typed);
    if ("problem" in chosen) return this.#out.problem(chosen.problem);
    const progress = this.#answers!;
    progress.answers[asked.question.question] = chosen.answer;
    const { style } = this.#out;
    this.#out.print(style.paint("dim", `${style.symbols.info} ${asked.question.question} → ${chosen.answer}`));
    if (Object.keys(progress.answers).length < asked.questions.length) return this.#out.refresh();
    try {
      this.#out.client.respond(asked.request, questionAnswer(asked.request, progress.answers));
    } catch (error) {
      this.#out.problem((error as Error).message);
    }
    this.#out.refresh();
  }

  #denyWithReason(text: string): void {
    const request = this.#reasonFor!;
    this.leaveReason();
    if (!this.#out.client.pendingPermissions.some((pending) => pending.requestId === request.requestId)) {
      return this.#out.problem(`the request for ${request.toolName} was already answered`);
    }
    try {
      this.#out.client.deny(request.requestId, text.trim() === "" ? undefined : text.trim());
    } catch (error) {
      this.#out.problem((error as Error).message);
    }
  }
}
