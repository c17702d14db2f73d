/**
 * `claude-relay connect URL [--identity KEY] [--no-reconnect] [--json]`: the command line of the
 * terminal client (src/cli/terminal-client.ts, imported only when the command runs so other
 * commands start fast).
 *
 * @example
 * ```sh
 * claude-relay connect ws://laptop.local:7717/ws --identity ~/.ssh/id_ed25519
 * echo "run the tests" | claude-relay connect 127.0.0.1:7717 --json
 * ```
 */
import type { CAC } from "cac";
import { homedir } from "node:os";

/**
 * Registers `connect` on the CLI.
 *
 * @example
 * const cli = cac("claude-relay");
 * registerConnectCommand(cli);
 */
export function registerConnectCommand(cli: CAC): void {
  cli
    .command("connect <url>", "A terminal client: watch the session, send prompts, answer permission requests")
    .option("--identity <key>", "Private key to sign with (default: ssh-agent's first key, else ~/.ssh/id_ed25519, id_ecdsa, id_rsa)")
    .option("--no-reconnect", "Exit when the connection drops instead of reconnecting")
    .option("--json", "Print every received frame as one JSON line; input lines holding JSON are sent as-is")
    .example("claude-relay connect ws://127.0.0.1:7717/ws")
    .example("claude-relay connect laptop.local:7717 --identity ~/.ssh/id_ecdsa --json")
    .action(async (url: string, flags: { identity?: string; reconnect?: boolean; json?: boolean }) => {
      const abort = new AbortController();
      const stop = () => abort.abort();
      process.once("SIGTERM", stop);
      process.once("SIGINT", stop);
      const { runConnect } = await import("./terminal-client.ts");
      const code = await runConnect(
        { url: String(url), identity: flags.identity === undefined ? undefined : String(flags.identity), reconnect: flags.reconnect !== false, json: flags.json === true },
        {
          input: process.stdin,
          out: (text) => process.stdout.write(text + "\n"),
          err: (text) => process.stderr.write(text + "\n"),
          env: process.env,
          home: homedir(),
          signal: abort.signal,
        },
      );
      // stdin stays referenced after readline is closed; flush stdout, then leave.
      await new Promise<void>((done) => process.stdout.write("", () => done()));
      process.exit(code);
    });
}
