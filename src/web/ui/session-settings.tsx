/**
 * The shown session's permission mode and model, as two pickers offering what the session's
 * capabilities list (Claude's models; the modes this relay accepts). Each shows the current value;
 * choosing another sends `session.configure`, and a refusal (a mode the relay does not allow,
 * Claude unavailable) is shown below in words. Nothing is shown before Claude has told its models.
 *
 * @example
 * ```tsx
 * <SessionSettings store={store} actions={actions} />
 * ```
 */
import type { PermissionMode } from "../../protocol/messages.ts";
import { modelChoices, modeWords, shownModel } from "../state/settings-words.ts";
import type { AppStore } from "../state/store.ts";
import type { Actions } from "./actions.ts";

export function SessionSettings({ store, actions }: { store: AppStore; actions: Actions }) {
  const capabilities = store.activeCapabilities.value;
  const sessionId = store.activeSessionId.value;
  const { permissionMode, model } = store.activeSettings.value;
  const busy = store.forms.configuring.value?.sessionId === sessionId && sessionId !== undefined;
  const error = store.forms.configureError.value;
  if (!capabilities) return null;
  const modes =
    permissionMode === undefined || capabilities.permissionModes.includes(permissionMode)
      ? capabilities.permissionModes
      : [permissionMode, ...capabilities.permissionModes];
  const models = modelChoices(capabilities.models, model);
  return (
    <div class="session-settings" data-testid="session-settings">
      <label class="picker">
        <span>Permission mode</span>
        <select
          value={permissionMode ?? "default"}
          disabled={busy}
          data-testid="mode-picker"
          onChange={(event) => actions.configure({ permissionMode: event.currentTarget.value as PermissionMode })}
        >
          {modes.map((mode) => (
            <option key={mode} value={mode}>
              {modeWords(mode)}
            </option>
          ))}
        </select>
      </label>
      {models.length > 0 && (
        <label class="picker">
          <span>Model</span>
          <select
            value={shownModel(capabilities.models, model)}
            disabled={busy}
            data-testid="model-picker"
            onChange={(event) => actions.configure({ model: event.currentTarget.value })}
          >
            {models.map((choice) => (
              <option key={choice.value} value={choice.value}>
                {choice.label}
              </option>
            ))}
          </select>
        </label>
      )}
      {busy && (
        <p class="hint" role="status">
          Switching…
        </p>
      )}
      {error && error.sessionId === sessionId && (
        <p class="field-error" role="alert" data-testid="configure-error">
          {error.text}
        </p>
      )}
    </div>
  );
}
