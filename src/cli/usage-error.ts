/**
 * A command line the user got wrong (unknown flag, bad value, missing argument). The CLI prints
 * its message and exits 2; anything else that fails exits 1.
 *
 * @example
 * ```ts
 * throw new UsageError(`--port must be a whole number from 0 to 65535, got "http"`);
 * ```
 */
export class UsageError extends Error {
  override name = "UsageError";
}
