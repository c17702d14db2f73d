/**
 * `claude-relay pair [--name NAME] [--yes] [--state-dir DIR]`: the command line of pairing a phone
 * or another device with the running relay (src/cli/pair-terminal.ts, imported only when the
 * command runs so other commands start fast).
 *
 * @example
 * ```sh
 * claude-relay pair --name phone
 * ```
 */
import { homedir } from "node:os";
import type { CommandSpec } from "./command.ts";
import { expandPath } from "./expand-path.ts";
import { defaultStateDir } from "./serve-options.ts";

/**
 * `pair`'s declaration for the CLI (see src/cli.ts).
 *
 * @example
 * ```ts
 * const commands = [serveCommand, pairCommand];
 * ```
 */
export const pairCommand: CommandSpec = {
  name: "pair",
  summary: "Pair a phone or another device: show a one-time link and QR code, then add its key to authorized_keys",
  synopsis: "[--name NAME] [--yes] [--state-dir DIR]",
  flags: [
    { flag: "--name <name>", help: "Name for the device's key (its comment becomes claude-relay:<name>)", default: "the name the device gives" },
    { flag: "--yes", help: "Add the device's key without asking (only where nobody else can see the link)" },
    { flag: "--state-dir <dir>", help: "State dir of the running relay", default: "$XDG_STATE_HOME/claude-relay" },
  ],
  examples: ["claude-relay pair --name phone", "claude-relay pair --state-dir ~/relay-state --yes"],
  notes: [
    "Talks to the relay running on this machine (through a socket in its state dir only you can open) and prints a link " +
      "<relay url>/#pair=<code> (with &name=<name> after it when --name is given, so the page offers that name) and its QR code, good once for 10 minutes. Open it on the device: it shows the device key's " +
      "fingerprint here and asks before adding it. The link must reach the relay from the device: serve with --host and --tls, " +
      "or with --public-url behind a proxy (docs/remote-access.md). Exit codes: 0 the key was added (or already there), " +
      "1 not added (declined, expired, no relay running), 2 bad usage.",
  ],
  run: async ({ flags }) => {
    const home = homedir();
    const stateDir =
      typeof flags.stateDir === "string" ? expandPath(flags.stateDir, { home, cwd: process.cwd() }) : defaultStateDir(process.env, process.platform, home);
    const { runPair } = await import("./pair-terminal.ts");
    const code = await runPair(
      { stateDir, yes: flags.yes === true, ...(typeof flags.name === "string" && { name: flags.name }) },
      {
        input: process.stdin,
        out: (text) => process.stdout.write(`${text}\n`),
        err: (text) => process.stderr.write(`${text}\n`),
        color: process.stdout.isTTY === true,
      },
    );
    await new Promise<void>((flushed) => process.stdout.write("", () => flushed()));
    process.exit(code);
  },
};
