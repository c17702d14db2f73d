/**
 * A pending permission request: what Claude wants to do, and Allow / Deny (with an optional reason
 * for Claude). Large, well-spaced buttons so a thumb does not hit the wrong one. The card goes
 * away as soon as any device answers.
 *
 * @example
 * ```tsx
 * <PermissionCard request={request} actions={actions} />
 * ```
 */
import { useState } from "preact/hooks";
import type { PermissionRequestMessage } from "../../client/client.ts";
import type { Actions } from "./actions.ts";
import { ToolView } from "./tool-view.tsx";

export function PermissionCard({ request, actions }: { request: PermissionRequestMessage; actions: Actions }) {
  const [reason, setReason] = useState("");
  const [answered, setAnswered] = useState(false);
  const titleId = `permission-${request.requestId}`;
  const item = { kind: "tool" as const, key: request.requestId, seq: request.seq, toolUseId: request.toolUseId, name: request.toolName, input: request.input };
  return (
    <section class="permission" aria-labelledby={titleId} data-testid="permission-card" data-request-id={request.requestId}>
      <h2 id={titleId}>Claude asks to use {request.toolName}</h2>
      {request.description && <p class="description">{request.description}</p>}
      <ToolView item={item} who={() => ""} />
      <label class="reason">
        Reason for Claude if you deny (optional)
        <input type="text" value={reason} onInput={(event) => setReason(event.currentTarget.value)} maxLength={2000} />
      </label>
      <div class="choices">
        <button
          type="button"
          class="allow"
          disabled={answered}
          onClick={() => {
            setAnswered(true);
            actions.allow(request);
          }}
        >
          Allow
        </button>
        <button
          type="button"
          class="deny"
          disabled={answered}
          onClick={() => {
            setAnswered(true);
            actions.deny(request, reason.trim());
          }}
        >
          Deny
        </button>
      </div>
    </section>
  );
}
