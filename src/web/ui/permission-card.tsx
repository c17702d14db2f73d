/**
 * A pending permission request: what Claude wants to do (its description, and the input to check
 * before allowing: the command, the diff), and Allow / Allow for this session / Deny (with an
 * optional reason for Claude). "Allow for this session" is offered when Claude suggested rules
 * with the request; the card says what they allow. Large, well-spaced buttons so a thumb does not
 * hit the wrong one. The card goes away as soon as any device answers. Claude's questions
 * (AskUserQuestion) come as a request too, and get their own card (question-card.tsx).
 *
 * @example
 * ```tsx
 * <PermissionCard request={request} actions={actions} />
 * ```
 */
import { useState } from "preact/hooks";
import type { PermissionRequestMessage } from "../../client/client.ts";
import { suggestionWords } from "../state/permission-suggestions.ts";
import type { Actions } from "./actions.ts";
import { QuestionCard } from "./question-card.tsx";
import { ToolInput, toolTarget } from "./tool-view.tsx";

export function PermissionCard({ request, actions }: { request: PermissionRequestMessage; actions: Actions }) {
  if (request.toolName === "AskUserQuestion") return <QuestionCard request={request} actions={actions} />;
  return <ToolPermissionCard request={request} actions={actions} />;
}

function ToolPermissionCard({ request, actions }: { request: PermissionRequestMessage; actions: Actions }) {
  const [reason, setReason] = useState("");
  const [answered, setAnswered] = useState(false);
  const titleId = `permission-${request.requestId}`;
  const suggestions = request.suggestions ?? [];
  const target = toolTarget(request.input);
  const answer = (send: () => void) => () => {
    setAnswered(true);
    send();
  };
  return (
    <section class="permission" aria-labelledby={titleId} data-testid="permission-card" data-request-id={request.requestId}>
      <h2 id={titleId}>Claude asks to use {request.toolName}</h2>
      {request.description && <p class="description">{request.description}</p>}
      {/* What it acts on in full (a description may name a file relatively). */}
      {target && target !== request.description && request.toolName !== "Bash" && <p class="path">{target}</p>}
      {/* The input itself, once (the conversation above has the call's one-line summary). */}
      <details class="tool-input" open={request.toolName === "Bash"}>
        <summary>{request.toolName === "Bash" ? "Command" : "Details"}</summary>
        <ToolInput name={request.toolName} input={request.input} />
      </details>
      <label class="reason">
        Reason for Claude if you deny (optional)
        <input type="text" value={reason} onInput={(event) => setReason(event.currentTarget.value)} maxLength={2000} />
      </label>
      <div class="choices">
        <button type="button" class="allow" disabled={answered} onClick={answer(() => actions.allow(request))}>
          Allow
        </button>
        <button type="button" class="deny" disabled={answered} onClick={answer(() => actions.deny(request, reason.trim()))}>
          Deny
        </button>
      </div>
      {suggestions.length > 0 && (
        <div class="session-allow">
          <button
            type="button"
            class="secondary"
            disabled={answered}
            onClick={answer(() => actions.allowForSession(request))}
            aria-describedby={`${titleId}-rules`}
          >
            Allow for this session
          </button>
          <p class="hint" id={`${titleId}-rules`}>
            Also allows from now on, until this session's Claude stops: {suggestions.map(suggestionWords).join("; ")}
          </p>
        </div>
      )}
    </section>
  );
}
