/**
 * Quotes one argument for a POSIX shell, for commands shown to the user (to copy and paste).
 *
 * @example
 * ```ts
 * shellQuote("/opt/claude-relay"); // "/opt/claude-relay"
 * shellQuote("it's here");         // "'it'\\''s here'"
 * ```
 */
export function shellQuote(arg: string): string {
  return /^[\w@%+=:,./-]+$/.test(arg) ? arg : `'${arg.replace(/'/g, `'\\''`)}'`;
}
