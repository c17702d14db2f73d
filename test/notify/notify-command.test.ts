/** --notify-command split into argv: words with quoting, or a JSON array; malformed ones refused. */
import { describe, expect, test } from "bun:test";
import { NotifyCommandError, parseNotifyCommand } from "../../src/notify/notify-command.ts";

describe("parseNotifyCommand", () => {
  test("words separated by blanks", () => {
    expect(parseNotifyCommand("  notify-send   Claude\trelay ")).toEqual(["notify-send", "Claude", "relay"]);
  });

  test("quotes and backslashes as in a shell, but no expansion of any kind", () => {
    expect(parseNotifyCommand(`notify-send 'Claude relay' "it's \\"done\\"" a\\ b '' "$HOME" *.txt 'x'"y"z`)).toEqual([
      "notify-send",
      "Claude relay",
      `it's "done"`,
      "a b",
      "",
      "$HOME",
      "*.txt",
      "xyz",
    ]);
    expect(parseNotifyCommand(`say "back\\slash" 'keep \\ this'`)).toEqual(["say", "back\\slash", "keep \\ this"]);
  });

  test("a JSON array of strings is taken exactly", () => {
    expect(parseNotifyCommand(' ["/usr/bin/curl", "-d", "@-", "ntfy.sh/my topic"] ')).toEqual(["/usr/bin/curl", "-d", "@-", "ntfy.sh/my topic"]);
  });

  test("malformed: each refusal says what is wrong", () => {
    const cases: Array<[string, string]> = [
      ["", "needs a program"],
      ["   ", "needs a program"],
      ["'' arg", "needs a program"],
      ["notify 'unclosed", "unclosed ' quote"],
      ['notify "unclosed', 'unclosed " quote'],
      ["notify \\", "lone backslash"],
      ["[not json", "not a JSON array"],
      ['["a", 1]', "array of strings"],
      ["[]", "needs a program"],
    ];
    for (const [command, words] of cases) {
      expect(() => parseNotifyCommand(command)).toThrow(NotifyCommandError);
      expect(() => parseNotifyCommand(command)).toThrow(words);
    }
  });
});
