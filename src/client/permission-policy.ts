/**
 * How an unattended turn answers Claude's permission requests (pure): deny everything (the
 * default), allow everything, or allow only named tools. A denial carries a message for Claude
 * saying why, so it can tell the user instead of retrying.
 *
 * @example
 * ```ts
 * const policy = allowTools(["Write", "Edit"]);
 * policy(request); // { behavior: "allow" } for Write and Edit, else { behavior: "deny", message: "…" }
 * ```
 */
import type { PermissionRequestMessage } from "./messages.ts";

/**
 * An answer: allow (v2: with `updatedPermissions`, e.g. the request's `suggestions`, so the same
 * question is not asked again this session), or deny saying why.
 */
export type PermissionDecision = { behavior: "allow"; updatedPermissions?: Array<Record<string, unknown>> } | { behavior: "deny"; message: string };

/** Decides one request; may be async (e.g. to ask someone). */
export type PermissionPolicy = (request: PermissionRequestMessage) => PermissionDecision | Promise<PermissionDecision>;

/**
 * Denies every request: the default for a turn nobody watches.
 *
 * @example
 * await runTurn(client, "summarise README.md", { permissionPolicy: denyAll });
 */
export const denyAll: PermissionPolicy = (request) => ({
  behavior: "deny",
  message: `${request.toolName} was denied: this turn runs unattended and may use no tools that need permission. Do not retry; say what you would have done.`,
});

/**
 * Allows every request (`--yes`).
 *
 * @example
 * await runTurn(client, "fix the failing test", { permissionPolicy: allowAll });
 */
export const allowAll: PermissionPolicy = () => ({ behavior: "allow" });

/**
 * Allows the named tools (compared without regard to case: `write` allows Write), denies the rest.
 *
 * @example
 * allowTools(["Write"])({ toolName: "Bash", … }); // { behavior: "deny", message: "Bash was denied: … (Write)…" }
 */
export function allowTools(tools: readonly string[]): PermissionPolicy {
  const allowed = new Set(tools.map((tool) => tool.toLowerCase()));
  const list = tools.join(", ");
  return (request) =>
    allowed.has(request.toolName.toLowerCase())
      ? { behavior: "allow" }
      : {
          behavior: "deny",
          message: `${request.toolName} was denied: this turn runs unattended and may only use ${list}. Do not retry; say what you would have done.`,
        };
}
