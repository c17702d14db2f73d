/**
 * Picks the subprocess adapter for the running runtime.
 *
 * @example
 * ```ts
 * const child = defaultAdapter().spawn({ cmd: "claude", args: [] });
 * ```
 */
import { bunAdapter } from "./bun.ts";
import { nodeAdapter } from "./node.ts";
import type { SubprocessAdapter } from "./types.ts";

export type { ChildHandle, ExitInfo, SpawnOptions, SubprocessAdapter } from "./types.ts";
export { bunAdapter, nodeAdapter };

/** `Bun.spawn` on Bun, `node:child_process` elsewhere (Node, Deno). */
export function defaultAdapter(): SubprocessAdapter {
  return typeof Bun !== "undefined" ? bunAdapter : nodeAdapter;
}
