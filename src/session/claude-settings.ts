/**
 * Telling Claude a session's permission mode and model, with the control requests that set them
 * (`set_permission_mode`, `set_model`): at once when a client configures a running Claude, and
 * right after a new Claude answers `initialize`, before any prompt, so that a restart with
 * `--resume` does not silently fall back to Claude's launch defaults.
 *
 * @example
 * ```ts
 * const { took, refusals } = await applySettings(claude, settings, { permissionMode: "plan" });
 * tellNewClaude(claude, settings.forNewClaude(), log); // from the "initialized" event
 * ```
 */
import type { Logger } from "../log/logger.ts";
import type { ClaudePort } from "./session-ports.ts";
import type { SessionSettings, SettingsChange } from "./session-settings.ts";

/** The control request that sets each setting, and its field. */
const SETTING_REQUESTS = { permissionMode: ["set_permission_mode", "mode"], model: ["set_model", "model"] } as const;

/**
 * Asks the running Claude to take `change`, one request per setting, at once; each setting it
 * took is set in `settings`. Resolves with how many it took and, in words, what it refused.
 */
export async function applySettings(claude: ClaudePort, settings: SessionSettings, change: SettingsChange): Promise<{ took: number; refusals: string[] }> {
  const refusals: string[] = [];
  let took = 0;
  await Promise.all(
    (Object.keys(SETTING_REQUESTS) as Array<keyof SettingsChange>).map(async (setting) => {
      const value = change[setting];
      if (value === undefined) return;
      const [subtype, field] = SETTING_REQUESTS[setting];
      const result = await claude.control(subtype, { [field]: value });
      if (result.ok) {
        settings.set({ [setting]: value });
        took += 1;
      } else refusals.push(`${setting} ${JSON.stringify(value)}: ${result.error}`);
    }),
  );
  return { took, refusals };
}

/** Tells a Claude that just started the settings it must carry on with; a refusal is logged (what Claude then runs with shows in its next status or init line). */
export function tellNewClaude(claude: ClaudePort, carried: SettingsChange, log: Logger): void {
  for (const setting of Object.keys(carried) as Array<keyof SettingsChange>) {
    const [subtype, field] = SETTING_REQUESTS[setting];
    const value = carried[setting];
    void claude.control(subtype, { [field]: value }).then((result) => {
      if (!result.ok) log.warn(`Claude did not take the session's ${setting}`, { [setting]: value, error: result.error });
    });
  }
}
