/**
 * Checks the `updatedPermissions` of a permission answer ("allow for this session"), pure. Claude
 * suggests them with its request (`suggestions`: add a rule, a directory, or switch mode, each
 * with a `destination` saying where Claude keeps it) and a client echoes the ones the user chose.
 * Claude ignores updates it cannot read, so this checks shape and size; and it holds the relay's
 * own line: a `setMode` may only switch to a mode a client could choose with session.configure.
 *
 * @example
 * ```ts
 * checkPermissionUpdates([{ type: "setMode", mode: "acceptEdits", destination: "session" }], ["default", "acceptEdits", "plan"]); // undefined: fine
 * checkPermissionUpdates([{ rules: [] }], modes); // "updatedPermissions[0] needs a string type (addRules, addDirectories, setMode …)"
 * ```
 */
import { checkPermissionMode } from "./session-settings.ts";

/** Largest `updatedPermissions`, serialized: Claude's own suggestions are a few hundred bytes. */
export const MAX_PERMISSION_UPDATES_BYTES = 64 * 1024;

/** Why these updates are refused, or undefined when they may go to Claude. */
export function checkPermissionUpdates(updates: readonly Record<string, unknown>[], permissionModes: readonly string[]): string | undefined {
  for (const [index, update] of updates.entries()) {
    const which = `updatedPermissions[${index}]`;
    if (typeof update.type !== "string" || update.type === "") return `${which} needs a string type (addRules, addDirectories, setMode …)`;
    if (update.type === "setMode") {
      if (typeof update.mode !== "string") return `${which}: setMode needs a string mode`;
      const refused = checkPermissionMode(update.mode, permissionModes);
      if (refused) return `${which}: ${refused}`;
    }
  }
  const size = Buffer.byteLength(JSON.stringify(updates));
  if (size > MAX_PERMISSION_UPDATES_BYTES) return `updatedPermissions is ${size} bytes; at most ${MAX_PERMISSION_UPDATES_BYTES} are accepted`;
  return undefined;
}
