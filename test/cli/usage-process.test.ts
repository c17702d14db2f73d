/**
 * The real CLI's help and usage errors, run as a process: `help`, `help COMMAND`, each command's
 * `--help` with its own flags, and for every command a bad value or unknown flag → exit 2 with one
 * line naming the flag as typed and what would be accepted.
 */
import { describe, expect, test } from "bun:test";
import pkg from "../../package.json" with { type: "json" };
import { SERVE_FLAGS } from "../../src/cli/serve-options.ts";
import { runCli } from "../support/cli-process.ts";

const COMMANDS = ["serve", "keys", "connect", "pair", "install", "uninstall"];

/** Each flag's spelling as shown in help, e.g. `--port <port>`. */
const serveFlagSpellings = SERVE_FLAGS.map((spec) => spec.flag);

describe("help", () => {
  test("claude-relay, --help, -h and help print the same overview with a synopsis of every command", () => {
    const overview = runCli(["help"]);
    expect(overview.code).toBe(0);
    for (const argv of [[], ["--help"], ["-h"]]) expect(runCli(argv)).toEqual(overview);
    for (const synopsis of [
      "claude-relay serve [--host ADDR] [--port N]",
      "claude-relay keys [--authorized-keys PATH]",
      "claude-relay connect URL [-i KEY] [--session ID | --new DIR] [--prompt TEXT] [--yes | --allow TOOL,…] [--json] [--history N] [--fingerprint SHA256:…] [--no-reconnect]",
      "claude-relay pair [--name NAME] [--yes] [--state-dir DIR]",
      "claude-relay install [serve flags] [--binary PATH] [--dry-run]",
      "claude-relay uninstall [--dry-run]",
      "claude-relay help [COMMAND]",
    ]) {
      expect(overview.stdout).toContain(synopsis);
    }
    expect(overview.stdout).toContain(`claude-relay ${pkg.version}`);
  });

  test.each(COMMANDS)("help %s, COMMAND --help and -h print that command's own help", (command) => {
    const viaHelp = runCli(["help", command]);
    expect(viaHelp.code).toBe(0);
    expect(viaHelp.stdout).toStartWith(`claude-relay ${command}: `);
    expect(runCli([command, "--help"])).toEqual(viaHelp);
    expect(runCli([command, "-h"])).toEqual(viaHelp);
    // not the overview's synopsis of every command
    const synopses = runCli(["help"])
      .stdout.split("\n")
      .filter((line) => /^ {2}claude-relay [a-z]/.test(line));
    expect(synopses.length).toBe(COMMANDS.length + 1);
    for (const line of synopses) expect(viaHelp.stdout).not.toContain(line);
  });

  test("serve --help shows every serve flag (also the ones the old synopsis left out), nothing of connect", () => {
    const { stdout } = runCli(["serve", "--help"]);
    for (const spelling of serveFlagSpellings) expect(stdout).toContain(`  ${spelling}  `.trimEnd());
    for (const added of ["--max-buffered-bytes", "--max-pending-per-address", "--max-invalid-frames", "--replay-events", "--replay-bytes", "--new-session"]) {
      expect(stdout).toContain(added);
    }
    expect(stdout).toContain("(default: 7717)");
    expect(stdout).not.toContain("--identity");
  });

  test("connect --help shows connect's flags (with -i); --no-reconnect reads right", () => {
    const { stdout } = runCli(["connect", "--help"]);
    for (const flag of [
      "-i, --identity <key>",
      "--prompt <text>",
      "--yes",
      "--allow <tools>",
      "--json",
      "--history <turns>",
      "--fingerprint <sha256>",
      "--no-reconnect",
      "-h, --help",
    ]) {
      expect(stdout).toContain(flag);
    }
    expect(stdout).toContain("4 the relay is unreachable");
    expect(stdout).toContain("5 the relay did not prove who it is");
    expect(stdout).toContain("StrictHostKeyChecking=accept-new");
    expect(stdout).not.toContain("--max-clients");
    const line = stdout.split("\n").find((text) => text.includes("--no-reconnect"))!;
    expect(line).not.toContain("default: true");
    expect(line).toContain("Exit when the connection drops");
  });

  test("pair --help shows pair's flags and says what it needs from the relay", () => {
    const { stdout } = runCli(["pair", "--help"]);
    for (const flag of ["--name <name>", "--yes", "--state-dir <dir>", "-h, --help"]) expect(stdout).toContain(flag);
    expect(stdout).toContain("claude-relay pair --name phone");
    expect(stdout).toContain("--public-url");
    expect(stdout).not.toContain("--max-clients");
  });

  test("serve --help shows the TLS and exposure flags", () => {
    const { stdout } = runCli(["serve", "--help"]);
    for (const flag of ["--tls ", "--tls-cert <path>", "--tls-key <path>", "--allow-plaintext", "--public-url <url>"]) expect(stdout).toContain(flag);
  });

  test("serve --help shows the session flags; --allow-dir says it is repeatable", () => {
    const { stdout } = runCli(["serve", "--help"]);
    expect(stdout).toContain("--max-sessions <n>");
    // the flag's entry: its line and the indented lines its text wraps onto
    const entry = /^ +--allow-dir <dir>.*(?:\n {20,}\S.*)*/m.exec(stdout)?.[0] ?? "";
    expect(entry).toContain("repeatable");
    expect(entry).toContain("(default: your home directory)");
  });

  test("install --help has the serve flags and its own; uninstall only its own", () => {
    const install = runCli(["install", "--help"]).stdout;
    for (const spelling of [...serveFlagSpellings, "--binary <path>", "--dry-run"]) expect(install).toContain(spelling);
    const uninstall = runCli(["uninstall", "--help"]).stdout;
    expect(uninstall).toContain("--dry-run");
    expect(uninstall).not.toContain("--port");
  });

  test("--help after -- is an argument for Claude, not a request for help", () => {
    const result = runCli(["serve", "--cwd", "/no/such/dir", "--", "--help"]);
    expect(result.code).toBe(2);
    expect(result.stdout).toBe("");
  });

  test("--version and -v print package.json's version", () => {
    for (const flag of ["--version", "-v"]) expect(runCli([flag])).toEqual({ code: 0, stdout: `claude-relay ${pkg.version}\n`, stderr: "" });
  });
});

describe("usage errors: exit 2, one line naming the flag as typed and what would be accepted", () => {
  test.each([
    [["serve", "--max-clients", "-1"], `--max-clients must be a whole number from 1 to 1000000, got "-1"`],
    [["serve", "--max-clients=-1"], `--max-clients must be a whole number from 1 to 1000000, got "-1"`],
    [["serve", "--port", "-5"], `--port must be a whole number from 0 to 65535, got "-5"`],
    [["serve", "--port", "http"], `--port must be a whole number from 0 to 65535, got "http"`],
    [["serve", "--port", "0x10"], `--port must be a whole number from 0 to 65535, got "0x10"`],
    [["serve", "--auth-timeout", "-2s"], `--auth-timeout must be a duration such as 1500 (ms), 1.5s or 2m, got "-2s"`],
    [["serve", "--log-format", "xml"], `--log-format must be pretty or json, got "xml"`],
    [["serve", "--port"], "--port needs a value: --port <port> (default: 7717)"],
    [["serve", "--port", "1", "--port", "2"], `--port was given twice ("1" and "2"); give it once`],
    [["serve", "--bogus-flag"], "unknown flag --bogus-flag for serve: serve takes --host, --port,"],
    [["serve", "--maxClients", "3"], "unknown flag --maxClients for serve: did you mean --max-clients?"],
    [["serve", "--new-session=yes"], `--new-session is a switch and takes no value, got "yes"`],
    [["serve", "--model", "opus"], "unknown flag --model for serve"],
    [["serve", "opus"], `serve takes no arguments, got "opus"; extra args for claude go after --`],
    [["serve", "--host", "0.0.0.0"], "--host 0.0.0.0 without TLS would let anyone on that network read the session"],
    [["serve", "--tls=yes"], `--tls is a switch and takes no value, got "yes"`],
    [["serve", "--tls", "--tls-cert", "c.pem", "--tls-key", "k.pem"], "use either --tls (a self-signed certificate) or --tls-cert/--tls-key"],
    [["serve", "--tls-cert", "c.pem"], "--tls-cert needs --tls-key too"],
    [["serve", "--public-url", "laptop.ts.net"], "--public-url must be a URL such as https://"],
    [["keys", "--bogus"], "unknown flag --bogus for keys: keys takes --authorized-keys, --help"],
    [["keys", "--authorized-keys"], "--authorized-keys needs a value"],
    [["keys", "--authorized-keys="], "--authorized-keys needs a value"],
    [
      ["connect"],
      "connect needs URL: claude-relay connect URL [-i KEY] [--session ID | --new DIR] [--prompt TEXT] [--yes | --allow TOOL,…] [--json] [--history N] [--fingerprint SHA256:…] [--no-reconnect]",
    ],
    [["connect", "ws://127.0.0.1:1/ws", "-i"], "-i needs a value"],
    [["connect", "ws://127.0.0.1:1/ws", "--prompt"], "--prompt needs a value"],
    [["connect", "ws://127.0.0.1:1/ws", "--history", "lots"], '--history must be a whole number of turns from 0 to 1000, got "lots"'],
    [["connect", "ws://127.0.0.1:1/ws", "extra"], `connect takes only URL, got "extra"`],
    [["connect", "ws://127.0.0.1:1/ws", "--identity"], "--identity needs a value"],
    [["connect", "ws://127.0.0.1:1/ws", "--reconnect"], "unknown flag --reconnect for connect: did you mean --no-reconnect?"],
    [["pair", "--name"], "--name needs a value"],
    [["pair", "--name="], "--name needs a value"],
    [["pair", "--yes=no"], `--yes is a switch and takes no value, got "no"`],
    [["pair", "--code", "x"], "unknown flag --code for pair: pair takes --name, --yes, --state-dir, --help"],
    [["pair", "phone"], `pair takes no arguments, got "phone"`],
    [["install", "--colour"], "unknown flag --colour for install"],
    [["install", "--replay-events", "-1", "--dry-run"], `--replay-events must be a whole number from 0 to 100000000, got "-1"`],
    [["uninstall", "--dry-run=yes"], `--dry-run is a switch and takes no value, got "yes"`],
    [["uninstall", "--force"], "unknown flag --force for uninstall: uninstall takes --dry-run, --help"],
    [["frobnicate"], `unknown command "frobnicate"`],
    [["sevre"], `unknown command "sevre"; did you mean serve?`],
    [["help", "frobnicate"], `unknown command "frobnicate"`],
    [["--port", "0"], "--port before a command: the command comes first"],
  ])("%p", (args, expected) => {
    const { code, stdout, stderr } = runCli(args);
    expect(code).toBe(2);
    expect(stdout).toBe("");
    expect(stderr).toStartWith("claude-relay: ");
    expect(stderr).toContain(expected);
    expect(stderr.trimEnd().split("\n")).toHaveLength(1);
    // A flag is never reported camel-cased (`--bogusFlag`) unless the user typed it so.
    const typedCamelCase = args.some((arg) => /^--[a-z]+[A-Z]/.test(arg));
    if (!typedCamelCase) expect(stderr).not.toMatch(/--[a-z]+[A-Z]/);
  });
});
