/**
 * Answers to permission requests as the relay takes them (pure): the `permission.response` for an
 * allow, a deny, "allow for this session" and an answer to Claude's questions. Both clients send
 * what these build, so the protocol rules are written once:
 * - "allow for this session" echoes Claude's `suggestions` as `updatedPermissions` with every
 *   `destination` set to `session`: nothing is written to the project's or the user's settings
 *   (Claude suggests `localSettings` for Bash and WebFetch rules) and the rule lasts as long as the
 *   session's Claude (docs/protocol.md, "Allow for this session");
 * - an answer to AskUserQuestion is an allow whose `updatedInput` is the input plus `answers`.
 *
 * @example
 * ```ts
 * permissionResponse(request.requestId, allowForSession(request)!, { sessionId: request.sessionId });
 * // { type: "permission.response", requestId, behavior: "allow", updatedPermissions: [{ …, destination: "session" }], sessionId }
 * ```
 */
import type { ClientMessage } from "../protocol/messages.ts";
import type { PermissionRequestMessage } from "./messages.ts";

/** One permission update as Claude suggests it (addRules, addDirectories, setMode …). */
export type PermissionUpdate = Record<string, unknown>;

export type PermissionAllow = { behavior: "allow"; updatedInput?: Record<string, unknown>; updatedPermissions?: readonly PermissionUpdate[] };
export type PermissionAnswer = PermissionAllow | { behavior: "deny"; message?: string };

/**
 * The suggestions with every destination set to this session; the request's own list is left
 * alone, and an update without a destination is passed on as it is.
 *
 * @example
 * forThisSession([{ type: "addRules", rules: [{ toolName: "Bash", ruleContent: "npm test" }], behavior: "allow", destination: "localSettings" }]);
 * // [{ type: "addRules", …, destination: "session" }]
 * forThisSession(undefined); // []
 */
export function forThisSession(suggestions: readonly PermissionUpdate[] | undefined): PermissionUpdate[] {
  return (suggestions ?? []).map((update) => ("destination" in update ? { ...update, destination: "session" } : update));
}

/**
 * "Allow for this session": the allow that also takes Claude's suggestions for this session only,
 * or undefined when Claude suggested none (then there is nothing to allow beyond this once).
 *
 * @example
 * allowForSession({ …, suggestions: [] }); // undefined
 */
export function allowForSession(request: Pick<PermissionRequestMessage, "suggestions">): PermissionAllow | undefined {
  const updatedPermissions = forThisSession(request.suggestions);
  return updatedPermissions.length > 0 ? { behavior: "allow", updatedPermissions } : undefined;
}

/**
 * The answer to Claude's AskUserQuestion: its input plus `answers` (see questions.ts).
 *
 * @example
 * questionAnswer(request, { "Which color?": "Blue" }); // { behavior: "allow", updatedInput: { questions: […], answers: { "Which color?": "Blue" } } }
 */
export function questionAnswer(request: Pick<PermissionRequestMessage, "input">, answers: Record<string, string>): PermissionAllow {
  return { behavior: "allow", updatedInput: { ...request.input, answers } };
}

/**
 * The `permission.response` for `answer`; `where` names the session (absent: the default one, which
 * a v1 relay expects). Empty `updatedPermissions` and an undefined message are left out.
 *
 * @example
 * permissionResponse("5b1e…", { behavior: "deny", message: "not that file" }, {});
 */
export function permissionResponse(requestId: string, answer: PermissionAnswer, where: { sessionId?: string }): ClientMessage {
  if (answer.behavior === "deny")
    return { type: "permission.response", requestId, behavior: "deny", ...(answer.message !== undefined && { message: answer.message }), ...where };
  const { updatedInput, updatedPermissions } = answer;
  return {
    type: "permission.response",
    requestId,
    behavior: "allow",
    ...(updatedInput && { updatedInput }),
    ...(updatedPermissions && updatedPermissions.length > 0 && { updatedPermissions: [...updatedPermissions] }),
    ...where,
  };
}
