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
import { homedir } from "node:os";
import type { CommandSpec } from "./command.ts";

/**
 * `connect`'s declaration for the CLI (see src/cli.ts).
 *
 * @example
 * ```ts
 * const commands = [serveCommand, connectCommand];
 * ```
 */
export const connectCommand: CommandSpec = {
  name: "connect",
  summary: "A terminal client: watch the session, send prompts, answer permission requests",
  synopsis: "URL [--identity KEY] [--json] [--no-reconnect]",
  args: ["URL"],
  flags: [
    { flag: "--identity <key>", help: "Private key to sign with", default: "ssh-agent's first key, else ~/.ssh/id_ed25519, id_ecdsa, id_rsa" },
    { flag: "--no-reconnect", help: "Exit when the connection drops (by default it reconnects and resumes where it left off)" },
    { flag: "--json", help: "Print every received frame as one JSON line; input lines holding JSON are sent as-is" },
  ],
  examples: ["claude-relay connect ws://127.0.0.1:7717/ws", "claude-relay connect laptop.local:7717 --identity ~/.ssh/id_ecdsa --json"],
  notes: [
    "URL is ws://HOST:PORT/ws as `claude-relay serve` prints it (HOST:PORT alone also works). " +
      "Type a line to send it as a prompt; /allow, /deny, /interrupt, /quit, /help while connected. " +
      "Exit codes: 0 after /quit or end of input, 1 connection failed or lost, 2 bad usage, 3 the relay refused the key.",
  ],
  run: async ({ args, flags }) => {
    const abort = new AbortController();
    const stop = () => abort.abort();
    process.once("SIGTERM", stop);
    process.once("SIGINT", stop);
    const { runConnect } = await import("./terminal-client.ts");
    const code = await runConnect(
      { url: args[0]!, identity: typeof flags.identity === "string" ? flags.identity : undefined, reconnect: flags.noReconnect !== true, json: flags.json === true },
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
  },
};
