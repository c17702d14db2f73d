/** The argument parser: values as typed, negative numbers, flags named as typed, positionals, `--`. */
import { describe, expect, test } from "bun:test";
import { parseCommandLine } from "../../src/cli/args.ts";
import { type CommandSpec, flagKey, flagShape } from "../../src/cli/command.ts";
import { UsageError } from "../../src/cli/usage-error.ts";
import { thrown } from "../support/thrown.ts";

const serveLike: CommandSpec = {
  name: "serve",
  summary: "test command",
  synopsis: "[flags] [-- extra]",
  rest: "extra args for claude",
  flags: [
    { flag: "--port <port>", help: "TCP port", default: "7717" },
    { flag: "--max-clients <n>", help: "clients" },
    { flag: "--cwd <dir>", help: "directory" },
    { flag: "--allow-dir <dir>", help: "repeatable", repeatable: true },
    { flag: "--new-session", help: "switch" },
    { flag: "--no-reconnect", help: "negated switch" },
    { flag: "-i, --identity <key>", help: "with a short form" },
  ],
  run: () => {},
};
const connectLike: CommandSpec = { name: "connect", summary: "", synopsis: "URL [flags]", args: ["URL"], flags: [{ flag: "--json", help: "" }], run: () => {} };

/** The UsageError message parsing `argv` fails with. */
function refusal(argv: string[], command: CommandSpec = serveLike): string {
  const error = thrown(() => parseCommandLine(argv, command));
  expect(error).toBeInstanceOf(UsageError);
  return error.message;
}

describe("values", () => {
  test("kept as the strings typed, in both spellings", () => {
    expect(parseCommandLine(["--port", "0x10", "--cwd=010", "--max-clients", "1e3"], serveLike).flags).toEqual({
      port: "0x10",
      cwd: "010",
      maxClients: "1e3",
      "--": [],
    });
  });

  test("a negative number after a flag that takes a value is its value", () => {
    expect(parseCommandLine(["--max-clients", "-1"], serveLike).flags.maxClients).toBe("-1");
    expect(parseCommandLine(["--port", "-0.5", "--cwd", "-.5"], serveLike).flags).toMatchObject({ port: "-0.5", cwd: "-.5" });
    expect(parseCommandLine(["--max-clients=-1"], serveLike).flags.maxClients).toBe("-1");
    expect(parseCommandLine(["--cwd", "-"], serveLike).flags.cwd).toBe("-");
  });

  test("a flag where a value should be is not swallowed as the value", () => {
    expect(refusal(["--cwd", "--port", "1"])).toBe("--cwd needs a value: --cwd <dir>");
    expect(refusal(["--port"])).toBe("--port needs a value: --port <port> (default: 7717)");
    expect(refusal(["--cwd", "--", "x"])).toContain("--cwd needs a value");
    expect(refusal(["--identity="])).toBe("--identity needs a value: -i, --identity <key>");
    expect(refusal(["--cwd", " "])).toBe("--cwd needs a value: --cwd <dir>");
  });

  test("switches are true and take no value; negated ones keep their name", () => {
    expect(parseCommandLine(["--new-session", "--no-reconnect"], serveLike).flags).toEqual({ newSession: true, noReconnect: true, "--": [] });
    expect(refusal(["--new-session=yes"])).toBe(`--new-session is a switch and takes no value, got "yes"`);
  });

  test("a flag given twice is refused unless repeatable", () => {
    expect(refusal(["--port", "1", "--port=2"])).toBe(`--port was given twice ("1" and "2"); give it once`);
    expect(parseCommandLine(["--allow-dir", "a", "--allow-dir", "b"], serveLike).flags.allowDir).toEqual(["a", "b"]);
    expect(parseCommandLine(["--allow-dir", "a"], serveLike).flags.allowDir).toEqual(["a"]);
  });

  test("short forms", () => {
    expect(parseCommandLine(["-i", "~/.ssh/id_ed25519"], serveLike).flags.identity).toBe("~/.ssh/id_ed25519");
    expect(refusal(["-x"])).toStartWith("unknown flag -x for serve: serve takes --port,");
  });
});

describe("unknown flags are named as typed, with what would be accepted", () => {
  test("a close one gets a suggestion", () => {
    expect(refusal(["--prot", "1"])).toBe("unknown flag --prot for serve: did you mean --port? (claude-relay serve --help explains each)");
    expect(refusal(["--maxClients", "3"])).toContain("unknown flag --maxClients for serve: did you mean --max-clients?");
    expect(refusal(["--max-client=3"])).toContain("unknown flag --max-client for serve: did you mean --max-clients?");
  });

  test("otherwise the command's flags are listed", () => {
    const message = refusal(["--bogus-flag"]);
    expect(message).toBe(
      "unknown flag --bogus-flag for serve: serve takes --port, --max-clients, --cwd, --allow-dir, --new-session, --no-reconnect, --identity, --help (claude-relay serve --help explains each)",
    );
    expect(message).not.toContain("bogusFlag");
  });

  test("after `--` nothing is a flag", () => {
    expect(parseCommandLine(["--port", "1", "--", "--bogus", "-1"], serveLike).flags["--"]).toEqual(["--bogus", "-1"]);
  });
});

describe("positional arguments", () => {
  test("exactly the declared ones", () => {
    expect(parseCommandLine(["ws://h:1/ws", "--json"], connectLike)).toEqual({ flags: { json: true, "--": [] }, args: ["ws://h:1/ws"] });
    expect(refusal(["--json"], connectLike)).toBe("connect needs URL: claude-relay connect URL [flags]");
    expect(refusal(["a", "b"], connectLike)).toBe(`connect takes only URL, got "b": claude-relay connect URL [flags]`);
  });

  test("none where none are declared; extra args for Claude go after --", () => {
    expect(refusal(["--port", "1", "stray"])).toBe(
      `serve takes no arguments, got "stray"; extra args for claude go after --: claude-relay serve [flags] [-- extra]`,
    );
  });

  test("`--` only where the command takes something after it", () => {
    expect(refusal(["x", "--", "y"], connectLike)).toBe(`connect takes nothing after --, got "y": claude-relay connect URL [flags]`);
  });
});

describe("flag spellings", () => {
  test("are taken apart into name, short form, value and key", () => {
    expect(flagShape("-i, --identity <key>")).toEqual({ long: "identity", short: "i", takesValue: true, key: "identity" });
    expect(flagShape("--no-reconnect")).toEqual({ long: "no-reconnect", takesValue: false, key: "noReconnect" });
    expect(flagKey("max-pending-per-address")).toBe("maxPendingPerAddress");
    expect(() => flagShape("--Port <n>")).toThrow(/bad flag spelling/);
  });
});
