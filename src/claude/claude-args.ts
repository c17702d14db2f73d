/**
 * Claude Code's command line as the supervisor starts it: stream-json in and out, permission
 * prompts answered over stdio, and the session's id (`--resume` once Claude has persisted it).
 *
 * @example
 * ```ts
 * claudeArgs("5e55104e-…", false, ["--model", "opus"]);
 * // ["-p", "--input-format", "stream-json", …, "--session-id", "5e55104e-…", "--model", "opus"]
 * ```
 */
/** The fixed part of Claude's command line; `resume` when the transcript exists. */
export function claudeArgs(sessionId: string, resume: boolean, extraArgs: readonly string[] = []): string[] {
  return [
    "-p",
    "--input-format",
    "stream-json",
    "--output-format",
    "stream-json",
    "--verbose",
    "--permission-prompt-tool",
    "stdio",
    resume ? "--resume" : "--session-id",
    sessionId,
    ...extraArgs,
  ];
}
