/**
 * What Claude's own output says about its permission mode and model, pure. Claude prints
 * `{"type":"system","subtype":"status","permissionMode":…}` whenever its mode changes (a
 * `set_permission_mode`, plan mode left through ExitPlanMode, a `setMode` permission update
 * accepted with an answer) and `{"type":"system","subtype":"init","permissionMode":…,"model":…}` at
 * the start of every turn (docs/claude-stream-json.md).
 *
 * @example
 * ```ts
 * reportedSettings({ type: "system", subtype: "status", status: null, permissionMode: "default" }); // { permissionMode: "default" }
 * reportedSettings({ type: "system", subtype: "init", permissionMode: "plan", model: "claude-sonnet-5" }); // { permissionMode: "plan", model: "claude-sonnet-5" }
 * reportedSettings({ type: "assistant" }); // {}
 * ```
 */

/** Claude's permission mode and model as one line states them (each only when stated). */
export interface ReportedSettings {
  permissionMode?: string;
  model?: string;
}

export function reportedSettings(event: Record<string, unknown>): ReportedSettings {
  if (event.type !== "system" || (event.subtype !== "status" && event.subtype !== "init")) return {};
  const reported: ReportedSettings = {};
  if (typeof event.permissionMode === "string" && event.permissionMode !== "") reported.permissionMode = event.permissionMode;
  if (event.subtype === "init" && typeof event.model === "string" && event.model !== "") reported.model = event.model;
  return reported;
}
