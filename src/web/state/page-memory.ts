/**
 * Small things the page keeps across loads (localStorage in the page, a map in tests): the
 * interface and reading a remembered list back, tolerating what another version wrote.
 *
 * @example
 * ```ts
 * remembered(memory, "claude-relay:directories"); // ["/home/me/api"], or [] when missing or malformed
 * ```
 */

/** Small things kept across page loads (localStorage in the page). */
export interface PageMemory {
  load(name: string): string | null;
  save(name: string, value: string): void;
}

/** The list of strings saved under `name`; empty when there is none or it is not one. */
export function remembered(memory: PageMemory | undefined, name: string): string[] {
  try {
    const parsed: unknown = JSON.parse(memory?.load(name) ?? "[]");
    return Array.isArray(parsed) ? parsed.filter((item): item is string => typeof item === "string") : [];
  } catch {
    return [];
  }
}
