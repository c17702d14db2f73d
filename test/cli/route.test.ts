/** What a command line asks for, and the help texts it prints (pure; the real CLI is in serve-process.test.ts). */
import { describe, expect, test } from "bun:test";
import type { CommandSpec } from "../../src/cli/command.ts";
import { commandHelp, overviewHelp } from "../../src/cli/help.ts";
import { route } from "../../src/cli/route.ts";
import { closest } from "../../src/cli/suggest.ts";
import { UsageError } from "../../src/cli/usage-error.ts";
import { thrown } from "../support/thrown.ts";

const noop = () => {};
const serve: CommandSpec = {
  name: "serve",
  summary: "Run the relay",
  synopsis: "[--port N] [-- extra args for claude]",
  rest: "extra args for claude",
  flags: [
    { flag: "--port <port>", help: "TCP port; 0 picks a free one", default: "7717" },
    {
      flag: "--authorized-keys <path>",
      help: "SSH public keys allowed to connect, a description long enough to need wrapping in the help",
      default: "~/.ssh/authorized_keys",
    },
  ],
  examples: ["claude-relay serve --port 0"],
  notes: ["Durations: 1500, 1.5s."],
  run: noop,
};
const connect: CommandSpec = {
  name: "connect",
  summary: "A terminal client",
  synopsis: "URL [--identity KEY] [--no-reconnect]",
  args: ["URL"],
  flags: [
    { flag: "-i, --identity <key>", help: "Private key to sign with" },
    { flag: "--no-reconnect", help: "Exit when the connection drops" },
  ],
  run: noop,
};
const commands = [serve, connect];
const overview = { version: "9.9.9", description: "a test tool.", notes: ["Only key holders connect."] };

const printed = (argv: string[]) => {
  const next = route(argv, commands, overview);
  if (next.kind !== "print") throw new Error(`expected text, got a run of ${next.command.name}`);
  return next.text;
};

/** The UsageError message routing `argv` fails with. */
function refusal(argv: string[]): string {
  const error = thrown(() => route(argv, commands, overview));
  expect(error).toBeInstanceOf(UsageError);
  return error.message;
}

describe("route", () => {
  test("no arguments, --help, -h and help print the overview", () => {
    const text = overviewHelp(commands, overview);
    for (const argv of [[], ["--help"], ["-h"], ["help"]]) expect(printed(argv)).toBe(text);
  });

  test("help COMMAND and COMMAND --help print that command's help", () => {
    for (const argv of [
      ["help", "serve"],
      ["serve", "--help"],
      ["serve", "--port", "1", "-h"],
      ["serve", "--bogus", "--help"],
    ])
      expect(printed(argv)).toBe(commandHelp(serve));
    expect(printed(["connect", "--help"])).toBe(commandHelp(connect));
  });

  test("--help after -- belongs to Claude", () => {
    const next = route(["serve", "--", "--help"], commands, overview);
    expect(next).toMatchObject({ kind: "run", command: serve, input: { flags: { "--": ["--help"] } } });
  });

  test("--version and -v print the version", () => {
    expect(printed(["--version"])).toBe("claude-relay 9.9.9\n");
    expect(printed(["-v"])).toBe("claude-relay 9.9.9\n");
  });

  test("a command runs with its parsed input", () => {
    expect(route(["connect", "ws://h/ws", "--no-reconnect"], commands, overview)).toEqual({
      kind: "run",
      command: connect,
      input: { flags: { noReconnect: true, "--": [] }, args: ["ws://h/ws"] },
    });
  });

  test("unknown commands, a help for one, and flags before the command are usage errors naming them", () => {
    expect(refusal(["frobnicate"])).toBe(`unknown command "frobnicate" (commands: serve, connect, help; claude-relay --help)`);
    expect(refusal(["conect"])).toBe(`unknown command "conect"; did you mean connect? (commands: serve, connect, help; claude-relay --help)`);
    expect(refusal(["help", "bogus"])).toContain(`unknown command "bogus"`);
    expect(refusal(["help", "serve", "connect"])).toBe(`help takes one command name, got "serve" "connect"`);
    expect(refusal(["--port", "1", "serve"])).toBe(
      "--port before a command: the command comes first (claude-relay COMMAND [flags]); commands: serve, connect, help",
    );
  });
});

describe("help texts", () => {
  test("a command's help has its usage, every flag with its default, examples and notes", () => {
    expect(commandHelp(serve)).toBe(
      [
        "claude-relay serve: Run the relay",
        "",
        "Usage:",
        "  claude-relay serve [flags] [-- extra args for claude]",
        "",
        "Flags:",
        "      --port <port>             TCP port; 0 picks a free one (default: 7717)",
        "      --authorized-keys <path>  SSH public keys allowed to connect, a description long enough to",
        "                                need wrapping in the help (default: ~/.ssh/authorized_keys)",
        "  -h, --help                    Show this help",
        "",
        "Examples:",
        "  claude-relay serve --port 0",
        "",
        "Durations: 1500, 1.5s.",
        "",
      ].join("\n"),
    );
  });

  test("a repeatable flag says so, before its default", () => {
    const repeatable: CommandSpec = { ...serve, flags: [{ flag: "--allow-dir <dir>", help: "A directory", default: "home", repeatable: true }] };
    expect(commandHelp(repeatable)).toContain("  --allow-dir <dir>  A directory; repeatable (default: home)\n");
    expect(commandHelp(serve)).not.toContain("repeatable");
  });

  test("short forms line up; a negated switch shows no misleading default", () => {
    const help = commandHelp(connect);
    expect(help).toContain("Usage:\n  claude-relay connect URL [flags]\n");
    expect(help).toContain("  -i, --identity <key>  Private key to sign with\n      --no-reconnect    Exit when the connection drops\n");
    expect(help).not.toContain("default: true");
  });

  test("the overview lists each command with its synopsis and summary, and the global flags", () => {
    const text = overviewHelp(commands, overview);
    expect(text).toStartWith("claude-relay 9.9.9: a test tool.\n");
    expect(text).toContain("  claude-relay serve [--port N] [-- extra args for claude]\n      Run the relay\n");
    expect(text).toContain("  claude-relay connect URL [--identity KEY] [--no-reconnect]\n      A terminal client\n");
    expect(text).toContain("  claude-relay help [COMMAND]\n");
    expect(text).toContain("  -v, --version  Print the version\n");
    expect(text).toEndWith("Only key holders connect.\n");
    expect(text).not.toContain("--authorized-keys"); // flags are in each command's help
  });

  test("no line is wider than 100 columns unless one word is", () => {
    for (const line of commandHelp(serve).split("\n")) expect(line.length).toBeLessThanOrEqual(100);
  });
});

describe("closest", () => {
  test("finds typos, case and dash differences; not unrelated words", () => {
    expect(closest("--prot", ["--host", "--port"])).toBe("--port");
    expect(closest("--maxClients", ["--max-clients", "--max-message-bytes"])).toBe("--max-clients");
    expect(closest("sevre", ["serve", "keys"])).toBe("serve");
    expect(closest("--bogus-flag", ["--host", "--port", "--log-format"])).toBeUndefined();
    expect(closest("x", ["keys"])).toBeUndefined();
  });
});
