/**
 * `--notify-command CMD` as an argument vector: the command runs without a shell, so CMD is split
 * here, once, at start-up. Two forms:
 * - a JSON array of strings, for exact control: `["/usr/bin/curl","-d","@-","ntfy.sh/my-topic"]`;
 * - words separated by blanks, with shell-like quoting but nothing else of a shell: `'…'` keeps
 *   everything literally, `"…"` keeps everything but `\"` and `\\`, a backslash outside quotes
 *   keeps the next character. No variables, globs, pipes or redirections: `$HOME` stays `$HOME`.
 * Pure; a malformed CMD is an error that says what is wrong.
 *
 * @example
 * ```ts
 * parseNotifyCommand("notify-send 'Claude relay'");          // ["notify-send", "Claude relay"]
 * parseNotifyCommand('["curl","-d","@-","ntfy.sh/topic"]');  // ["curl", "-d", "@-", "ntfy.sh/topic"]
 * ```
 */

export class NotifyCommandError extends Error {
  override name = "NotifyCommandError";
}

/** The argv of CMD (at least the program); throws {@link NotifyCommandError} when CMD is malformed. */
export function parseNotifyCommand(command: string): string[] {
  const argv = command.trimStart().startsWith("[") ? jsonArgv(command) : splitWords(command);
  if (argv.length === 0 || argv[0] === "") throw new NotifyCommandError("--notify-command needs a program to run");
  return argv;
}

function jsonArgv(command: string): string[] {
  let value: unknown;
  try {
    value = JSON.parse(command);
  } catch (error) {
    throw new NotifyCommandError(`--notify-command starts with "[" but is not a JSON array: ${(error as Error).message}`);
  }
  if (!Array.isArray(value) || !value.every((item): item is string => typeof item === "string")) {
    throw new NotifyCommandError('--notify-command as JSON must be an array of strings, e.g. ["notify-send","Claude"]');
  }
  return value;
}

function splitWords(command: string): string[] {
  const words: string[] = [];
  let word = "";
  /** Whether a word has begun (an empty quoted word, '', counts). */
  let inWord = false;
  let quote: "'" | '"' | undefined;
  for (let i = 0; i < command.length; i++) {
    const char = command[i]!;
    if (quote === "'") {
      if (char === "'") quote = undefined;
      else word += char;
    } else if (quote === '"') {
      if (char === '"') quote = undefined;
      else if (char === "\\" && (command[i + 1] === '"' || command[i + 1] === "\\")) word += command[++i];
      else word += char;
    } else if (/\s/.test(char)) {
      if (inWord) words.push(word);
      word = "";
      inWord = false;
    } else {
      inWord = true;
      if (char === "'" || char === '"') quote = char;
      else if (char !== "\\") word += char;
      else if (i + 1 < command.length) word += command[++i];
      else throw new NotifyCommandError("--notify-command ends with a lone backslash");
    }
  }
  if (quote) throw new NotifyCommandError(`--notify-command has an unclosed ${quote} quote`);
  if (inWord) words.push(word);
  return words;
}
