#!/usr/bin/env bun
/**
 * claude-relay's command line: `serve`, `keys`, `connect`, `pair`, `install`, `uninstall`, `help`.
 * Each command is declared once (here or in src/cli/<command>.ts) and that declaration drives
 * parsing, validation of flag names and the help texts (src/cli/route.ts). The relay itself is
 * imported when `serve` runs, so `--version` and `--help` start fast.
 *
 * Exit codes: 0 done, 1 failed, 2 usage error (unknown command or flag, bad value, missing
 * argument: the message names it as typed and says what would be accepted).
 */
import { homedir } from "node:os";
import { join } from "node:path";
import pkg from "../package.json" with { type: "json" };
import type { CommandSpec } from "./cli/command.ts";
import { connectCommand } from "./cli/connect.ts";
import { expandPath } from "./cli/expand-path.ts";
import { installCommand, uninstallCommand } from "./cli/install.ts";
import { pairCommand } from "./cli/pair.ts";
import { route } from "./cli/route.ts";
import { SERVE_FLAGS } from "./cli/serve-options.ts";
import { UsageError } from "./cli/usage-error.ts";

const UNITS = "Durations: 1500 (milliseconds), 1.5s, 2m, 1h. Sizes: 1048576, 512KiB, 1MiB.";

const serveCommand: CommandSpec = {
  name: "serve",
  summary: "Run Claude Code and serve it over an SSH-key-authenticated WebSocket",
  synopsis: "[--host ADDR] [--port N] [--cwd DIR] [--authorized-keys PATH] [… more flags] [-- extra args for claude]",
  rest: "extra args for claude",
  flags: SERVE_FLAGS,
  examples: ["claude-relay serve --port 0", "claude-relay serve --host 0.0.0.0 --tls --cwd ~/code/app -- --model opus"],
  notes: [
    UNITS,
    "Only holders of a key in --authorized-keys can connect (see claude-relay keys; claude-relay pair adds a phone's). After " +
      "start-up it prints the claude-relay connect command and the web app's address for your other devices. GET /healthz " +
      "reports its state, GET /metrics Prometheus counters (both in full only to this machine).",
    "A --host other than a loopback address needs TLS (--tls, or --tls-cert/--tls-key) or --allow-plaintext; SIGHUP " +
      "re-reads the certificate. Reaching the relay from a phone: docs/remote-access.md.",
    "Besides the default session (--cwd), clients may start up to --max-sessions sessions in directories under an --allow-dir; " +
      "the open ones are listed again after a restart (docs/protocol.md, Sessions).",
  ],
  run: async ({ flags }) => (await import("./cli/serve.ts")).runServe(flags),
};

const keysCommand: CommandSpec = {
  name: "keys",
  summary: "List each authorized_keys line as the relay sees it: accepted, or refused and why",
  synopsis: "[--authorized-keys PATH]",
  flags: [{ flag: "--authorized-keys <path>", help: "Keys file to inspect", default: "~/.ssh/authorized_keys" }],
  examples: ["claude-relay keys", "claude-relay keys --authorized-keys ~/relay_keys"],
  run: async ({ flags }) => {
    const { runKeysCommand } = await import("./cli/keys.ts");
    const given = typeof flags.authorizedKeys === "string" ? flags.authorizedKeys : undefined;
    const path = given ? expandPath(given, { home: homedir(), cwd: process.cwd() }) : join(homedir(), ".ssh", "authorized_keys");
    process.exitCode = runKeysCommand({ authorizedKeysPath: path, now: new Date() });
  },
};

const COMMANDS = [serveCommand, keysCommand, connectCommand, pairCommand, installCommand, uninstallCommand];

const overview = {
  version: pkg.version,
  description: "drive one Claude Code session from every device you own, over a WebSocket secured by your SSH keys.",
  notes: [UNITS, "Only holders of a key in ~/.ssh/authorized_keys can connect; see claude-relay keys."],
};

try {
  const next = route(process.argv.slice(2), COMMANDS, overview);
  if (next.kind === "print") process.stdout.write(next.text);
  else await next.command.run(next.input);
} catch (error) {
  process.stderr.write(`claude-relay: ${(error as Error).message}\n`);
  process.exit(error instanceof UsageError ? 2 : 1);
}
