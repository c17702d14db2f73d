/**
 * A session's permission mode and model: which ones a client may choose, and what the session
 * reports — kept in step with what Claude itself says — and re-applies to a new Claude process
 * (a restart with `--resume` starts Claude in its launch mode and model). Pure.
 *
 * Claude Code accepts any string for both (`set_permission_mode` "bogus" succeeds, and so does
 * `set_model` "nonsense-model"), so the relay checks them: modes from its own list, models from
 * the `models` of Claude's initialize answer, or a full model id.
 *
 * @example
 * ```ts
 * checkModel("haiku", models); // undefined: fine
 * checkPermissionMode("bypassPermissions", ["default", "acceptEdits", "plan"]); // "…start it with --allow-bypass-permissions…"
 * const settings = new SessionSettings();
 * settings.set({ permissionMode: "plan" });
 * settings.observe({ type: "system", subtype: "status", permissionMode: "default" }, () => undefined); // true: ExitPlanMode left plan mode
 * settings.forNewClaude(); // { permissionMode: "default" }
 * ```
 */
import { reportedSettings } from "../claude/reported-settings.ts";
import { PERMISSION_MODES, type PermissionMode } from "../protocol/messages.ts";
import type { ModelChoice } from "./capabilities.ts";

/** The modes a client may choose: `bypassPermissions` only where the person running the relay allowed it. */
export function choosablePermissionModes(allowBypass: boolean): PermissionMode[] {
  return PERMISSION_MODES.filter((mode) => allowBypass || mode !== "bypassPermissions");
}

/** Claude Code's flag that lets a session switch to bypassPermissions later (without starting in it). */
export const ALLOW_BYPASS_FLAG = "--allow-dangerously-skip-permissions";

/**
 * Whether clients may choose bypassPermissions, and the flag Claude then needs: the person running
 * the relay allowed it (`--allow-bypass-permissions`), or already gave Claude one of its own
 * bypass flags after `--`.
 */
export function bypassPermissionsAllowed(allowFlag: boolean, claudeArgs: readonly string[]): { allowed: boolean; claudeArgs: string[] } {
  const given = claudeArgs.some((arg) => arg === ALLOW_BYPASS_FLAG || arg === "--dangerously-skip-permissions");
  return { allowed: allowFlag || given, claudeArgs: allowFlag && !given ? [ALLOW_BYPASS_FLAG] : [] };
}

/** A full model id, which a client may name even where Claude's list has only aliases: `claude-sonnet-4-5-20250929`, `claude-opus-4-8[1m]`. */
export const FULL_MODEL_ID = /^claude-[a-z0-9.\-[\]]+$/;

/** A change of mode and/or model. */
export interface SettingsChange {
  permissionMode?: string;
  model?: string;
}

/** Why `mode` may not be chosen here, or undefined when it may. */
export function checkPermissionMode(mode: string, allowed: readonly string[]): string | undefined {
  if (allowed.includes(mode)) return undefined;
  if (mode === "bypassPermissions") {
    return "permission mode bypassPermissions (every tool runs without asking) is off on this relay; whoever runs it can allow it with `claude-relay serve --allow-bypass-permissions`";
  }
  return `permission mode ${JSON.stringify(mode)} is not one of ${allowed.join(", ")}`;
}

/** Why `model` may not be chosen, or undefined when it may; `models` is Claude's list, undefined while no Claude has told it. */
export function checkModel(model: string, models: readonly ModelChoice[] | undefined): string | undefined {
  if (FULL_MODEL_ID.test(model) || models?.some((choice) => choice.value === model)) return undefined;
  if (!models)
    return `Claude has not listed its models yet (it is starting): try ${JSON.stringify(model)} again in a moment, or name a full model id (claude-…)`;
  return `unknown model ${JSON.stringify(model)}: choose one of ${models.map((choice) => choice.value).join(", ")}, or a full model id (claude-…)`;
}

/** The mode and model a session.create or session.configure asks for (absent fields left out). */
export function settingsOf(message: { permissionMode?: string | undefined; model?: string | undefined }): SettingsChange {
  return {
    ...(message.permissionMode !== undefined && { permissionMode: message.permissionMode }),
    ...(message.model !== undefined && { model: message.model }),
  };
}

/** Why `change` may not be chosen (a mode not in `modes`, a model not in `models`), or undefined. */
export function settingsRefusal(change: SettingsChange, modes: readonly string[], models: readonly ModelChoice[] | undefined): string | undefined {
  const mode = change.permissionMode === undefined ? undefined : checkPermissionMode(change.permissionMode, modes);
  return mode ?? (change.model === undefined ? undefined : checkModel(change.model, models));
}

export class SessionSettings {
  /** Claude's permission mode as clients see it: `default` until chosen or reported. */
  permissionMode = "default";
  /** Claude's model as clients see it (a chosen alias stays as chosen); undefined until chosen or reported. */
  model: string | undefined;
  /** What a new Claude process must be told to go on as the last one was. */
  readonly #carry: SettingsChange = {};

  /** A mode and/or model a client chose and Claude took (or will be told at its next start). */
  set(change: SettingsChange): void {
    if (change.permissionMode !== undefined) this.permissionMode = this.#carry.permissionMode = change.permissionMode;
    if (change.model !== undefined) this.model = this.#carry.model = change.model;
  }

  /**
   * A line Claude printed: its mode and model as stated there win (plan mode left through
   * ExitPlanMode, a `setMode` update, the model of a turn). A chosen alias stays while Claude runs
   * the model it stands for (`resolvedModel` tells). True when what clients see changed.
   */
  observe(event: Record<string, unknown>, resolvedModel: (value: string) => string | undefined): boolean {
    const reported = reportedSettings(event);
    let changed = false;
    if (reported.permissionMode !== undefined) {
      this.#carry.permissionMode = reported.permissionMode;
      changed = reported.permissionMode !== this.permissionMode;
      this.permissionMode = reported.permissionMode;
    }
    const model = reported.model;
    if (model !== undefined && model !== this.model && (this.model === undefined || resolvedModel(this.model) !== model)) {
      this.model = model;
      // a model Claude switched to on its own replaces the chosen one; Claude's launch model needs no telling
      if (this.#carry.model !== undefined) this.#carry.model = model;
      changed = true;
    }
    return changed;
  }

  /** What to tell a Claude process that has just started, before any prompt. */
  forNewClaude(): SettingsChange {
    return { ...this.#carry };
  }
}
