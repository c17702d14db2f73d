/**
 * Starting a session: a directory on the relay's computer (suggested from the directories used
 * before and those of open sessions), and the relay's refusal shown next to the field, in words.
 *
 * @example
 * ```tsx
 * <CreateSession store={store} actions={actions} />
 * ```
 */
import { useState } from "preact/hooks";
import type { AppStore } from "../state/store.ts";
import type { Actions } from "./actions.ts";

export function CreateSession({ store, actions }: { store: AppStore; actions: Actions }) {
  const [cwd, setCwd] = useState("");
  const creating = store.creating.value;
  const error = store.createError.value;
  const suggestions = store.directorySuggestions.value;
  return (
    <form
      class="create-session"
      onSubmit={(event) => {
        event.preventDefault();
        const dir = (event.currentTarget.elements.namedItem("cwd") as HTMLInputElement).value.trim();
        if (dir) actions.createSession(dir);
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
      {creating && (
        <p role="status" class="hint">
          Starting a session in {creating.cwd}…
        </p>
      )}
    </form>
  );
}
