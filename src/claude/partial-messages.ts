/**
 * Whether a Claude Code binary can stream partial messages (`--include-partial-messages`: 2.1.x
 * prints `stream_event` lines with each delta; 2.0.77 has no such flag and would refuse to start
 * with it). Learnt from the binary's `--help`, once per binary (path, size and modification time)
 * per process: the relay asks before it starts the first Claude.
 *
 * @example
 * ```ts
 * const args = partialMessagesArgs(await supportsPartialMessages(bin, env), extraArgs);
 * new ClaudeSupervisor({ bin, extraArgs: [...args, ...extraArgs], … });
 * ```
 */
import { execFile } from "node:child_process";
import { statSync } from "node:fs";

export const PARTIAL_MESSAGES_FLAG = "--include-partial-messages";

/** `--help` of a sane binary returns in well under a second; a busy machine gets some slack. */
const HELP_TIMEOUT_MS = 15_000;

const known = new Map<string, Promise<boolean>>();

/** True when `bin --help` lists `--include-partial-messages`; false when it does not, fails or hangs. */
export function supportsPartialMessages(bin: string, env: Record<string, string | undefined> = process.env): Promise<boolean> {
  let key = bin;
  try {
    const stat = statSync(bin);
    key = `${bin}\0${stat.size}\0${stat.mtimeMs}`;
  } catch {
    // not there (any more): the answer is false, and the spawn will say why
  }
  let answer = known.get(key);
  if (!answer) {
    answer = helpMentions(bin, env, PARTIAL_MESSAGES_FLAG);
    known.set(key, answer);
  }
  return answer;
}

/** The flag to add to Claude's command line: none when unsupported or already among the user's extra args. */
export function partialMessagesArgs(supported: boolean, extraArgs: readonly string[]): string[] {
  return supported && !extraArgs.includes(PARTIAL_MESSAGES_FLAG) ? [PARTIAL_MESSAGES_FLAG] : [];
}

function helpMentions(bin: string, env: Record<string, string | undefined>, flag: string): Promise<boolean> {
  return new Promise((resolve) => {
    try {
      const child = execFile(bin, ["--help"], { env: env as NodeJS.ProcessEnv, timeout: HELP_TIMEOUT_MS, maxBuffer: 4 << 20 }, (_error, stdout) =>
        resolve(String(stdout ?? "").includes(flag)),
      );
      child.stdin?.end(); // a binary that reads its input (not a real Claude) sees its end at once
    } catch {
      resolve(false);
    }
  });
}
