/**
 * The error `run` throws; throws itself (failing the test) when `run` returns normally, so a test
 * can look at the error's class and exact message.
 *
 * @example
 * ```ts
 * const error = thrown(() => parseCommandLine(["--bogus"], command));
 * expect(error).toBeInstanceOf(UsageError);
 * expect(error.message).toBe("unknown flag --bogus …");
 * ```
 */
export function thrown(run: () => unknown): Error {
  try {
    run();
  } catch (error) {
    return error as Error;
  }
  throw new Error("expected an error, but none was thrown");
}
