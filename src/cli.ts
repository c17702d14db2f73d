#!/usr/bin/env bun
/**
 * claude-relay's command line: `serve`, `keys`, `connect`, `install`, `uninstall`.
 * Each command lives in src/cli/<command>.ts; this file only declares them. The relay itself is
 * imported when `serve` runs, so `--version` and `--help` start fast.
 */
import { cac } from "cac";
import pkg from "../package.json" with { type: "json" };
import { registerConnectCommand } from "./cli/connect.ts";
import { registerInstallCommands } from "./cli/install.ts";
import { homedir } from "node:os";
import { join, resolve } from "node:path";
import { SERVE_FLAGS, UsageError } from "./cli/serve-options.ts";

const cli = cac("claude-relay");

const serve = cli
  .command("serve", "Run Claude Code and serve it over an SSH-key-authenticated WebSocket")
  .usage("serve [options] [-- extra args for claude]");
for (const spec of SERVE_FLAGS) serve.option(spec.flag, spec.default ? `${spec.help} (default: ${spec.default})` : spec.help);
serve
  .example("claude-relay serve --port 0")
  .example("claude-relay serve --host 0.0.0.0 --cwd ~/code/app -- --model opus")
  .action(async (flags: Record<string, unknown>) => (await import("./cli/serve.ts")).runServe(flags));

registerInstallCommands(cli);
registerConnectCommand(cli);

cli
  .command("keys", "List each authorized_keys line as the relay sees it: accepted, or refused and why")
  .option("--authorized-keys <path>", "Keys file to inspect (default: ~/.ssh/authorized_keys)")
  .action(async (flags: { authorizedKeys?: string }) => {
    const { runKeysCommand } = await import("./cli/keys.ts");
    const path = flags.authorizedKeys ? resolve(String(flags.authorizedKeys).replace(/^~(?=$|\/)/, homedir())) : join(homedir(), ".ssh", "authorized_keys");
    process.exitCode = runKeysCommand({ authorizedKeysPath: path, now: new Date() });
  });

cli.help((sections) => {
  sections.splice(1, 0, {
    title: "Synopsis",
    body: [
      "  claude-relay serve [--host ADDR] [--port N] [--authorized-keys PATH] [--max-clients N]",
      "                     [--auth-timeout D] [--heartbeat-interval D] [--heartbeat-timeout D]",
      "                     [--claude-bin PATH] [--cwd DIR] [--claude-timeout D] [--max-message-bytes N]",
      "                     [--state-dir DIR] [--max-sessions N] [--allow-dir DIR]…",
      "                     [--log-level LEVEL] [--log-format pretty|json] [-- CLAUDE ARGS]",
      "  claude-relay keys [--authorized-keys PATH]",
      "  claude-relay connect URL [--identity KEY] [--json] [--no-reconnect]",
      "  claude-relay install [SERVE FLAGS] [--dry-run] | uninstall [--dry-run]",
      "",
      "  D is a duration: 1500 (milliseconds), 1.5s, 2m. Sizes: 1048576, 512KiB, 1MiB.",
      "  Only holders of a key in authorized_keys can connect; see `claude-relay keys`.",
    ].join("\n"),
  });
});
cli.version(pkg.version);
cli.outputVersion = () => console.log(`claude-relay ${pkg.version}`);

try {
  cli.parse(process.argv, { run: false });
  if (!cli.matchedCommand && !cli.options.help && !cli.options.version) {
    if (cli.args.length > 0) throw new UsageError(`unknown command "${cli.args[0]}"; run claude-relay --help`);
    cli.outputHelp();
  } else {
    await cli.runMatchedCommand();
  }
} catch (error) {
  const known = error instanceof UsageError || (error as Error).name === "CACError";
  process.stderr.write(`claude-relay: ${(error as Error).message}\n`);
  process.exit(known ? 2 : 1);
}
