/**
 * Starting a session: a directory on the relay's computer (suggested from the directories used
 * before, those of open sessions and those Claude's history was listed for), optionally a new
 * branch to run it in its own git worktree, and the relay's refusal shown next to the field, in words. Below, Claude's earlier conversations in that
 * directory (history.list; at first those of the default session's directory), newest first,
 * each of which can be continued as a session of its own.
 *
 * @example
 * ```tsx
 * <CreateSession store={store} actions={actions} />
 * ```
 */
import { useEffect, useState } from "preact/hooks";
import { plainText } from "../../client/plain-text.ts";
import { relativeTime } from "../state/session-words.ts";
import type { AppStore } from "../state/store.ts";
import type { Actions } from "./actions.ts";

export function CreateSession({ store, actions }: { store: AppStore; actions: Actions }) {
  const [cwd, setCwd] = useState("");
  const creating = store.forms.creating.value;
  const error = store.forms.createError.value;
  const suggestions = store.directorySuggestions.value;
  useEffect(() => {
    if (!store.forms.history.value) actions.listHistory();
  }, []);
  return (
    <>
      <form
        class="create-session"
        onSubmit={(event) => {
          event.preventDefault();
          const dir = (event.currentTarget.elements.namedItem("cwd") as HTMLInputElement).value.trim();
          const branch = (event.currentTarget.elements.namedItem("worktree") as HTMLInputElement).value.trim();
          if (dir) actions.createSession(dir, branch || undefined);
        }}
      >
        <label for="new-session-dir">Start a session in a directory</label>
        <div class="create-row">
          <input
            id="new-session-dir"
            name="cwd"
            type="text"
            value={cwd}
            list="session-dirs"
            autocomplete="off"
            autocapitalize="off"
            spellcheck={false}
            aria-invalid={error ? "true" : undefined}
            aria-describedby={error ? "new-session-error" : "new-session-hint"}
            onInput={(event) => setCwd(event.currentTarget.value)}
          />
          <button type="submit" disabled={creating !== undefined || !cwd.trim()}>
            Start
          </button>
        </div>
        <datalist id="session-dirs">
          {suggestions.map((dir) => (
            <option key={dir} value={dir} />
          ))}
        </datalist>
        {error ? (
          <p id="new-session-error" class="field-error" role="alert" data-testid="create-error">
            {error}
          </p>
        ) : (
          <p id="new-session-hint" class="hint">
            A directory on the computer running the relay, as a full path (e.g. /home/me/code/app).
          </p>
        )}
        <label for="new-session-worktree" class="optional-label">
          In a new git worktree on branch (optional)
        </label>
        <input
          id="new-session-worktree"
          name="worktree"
          type="text"
          autocomplete="off"
          autocapitalize="off"
          spellcheck={false}
          placeholder="e.g. fix-login"
          aria-describedby="new-session-worktree-hint"
        />
        <p id="new-session-worktree-hint" class="hint">
          A new branch of the directory's repository: the session gets its own checkout, so it does not edit the same files as another.
        </p>
        <button type="button" class="secondary" disabled={!cwd.trim()} onClick={() => actions.listHistory(cwd.trim())}>
          Earlier conversations there
        </button>
        {creating && (
          <p role="status" class="hint">
            {creating.resume ? `Continuing a conversation in ${creating.cwd}…` : `Starting a session in ${creating.cwd}…`}
          </p>
        )}
      </form>
      <History store={store} actions={actions} />
    </>
  );
}

function History({ store, actions }: { store: AppStore; actions: Actions }) {
  const history = store.forms.history.value;
  if (!history) return null;
  const where = history.cwd ?? store.sessions.value.find((info) => info.sessionId === store.defaultSessionId.value)?.cwd ?? "the relay's directory";
  const now = store.now.value;
  const busy = store.forms.creating.value !== undefined;
  return (
    <section class="history" aria-labelledby="history-title" data-testid="history">
      <h3 id="history-title">
        Earlier conversations in <span class="cwd">{where}</span>
      </h3>
      {history.phase === "loading" && (
        <p class="hint" role="status">
          Looking for Claude's earlier conversations…
        </p>
      )}
      {history.phase === "failed" && (
        <p class="field-error" role="alert" data-testid="history-error">
          {history.error}
        </p>
      )}
      {history.phase === "done" && history.conversations.length === 0 && <p class="hint">Claude has no earlier conversations there.</p>}
      {history.conversations.length > 0 && (
        <ul>
          {history.conversations.map((conversation) => (
            <li key={conversation.sessionId} data-testid="past-conversation" data-session-id={conversation.sessionId}>
              <span class="session-name">{plainText(conversation.title ?? "") || "(no prompt typed)"}</span>
              <span class="session-meta">{relativeTime(conversation.updatedAt, now)}</span>
              <button
                type="button"
                class="secondary"
                disabled={busy}
                aria-label={`Continue “${plainText(conversation.title ?? "") || conversation.sessionId}”`}
                onClick={() => actions.resumeConversation(conversation.cwd, conversation.sessionId)}
              >
                Continue
              </button>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
