/**
 * `claude-relay connect URL …`: the command line of the terminal client (src/cli/connect/, imported
 * only when the command runs so other commands start fast).
 *
 * @example
 * ```sh
 * claude-relay connect ws://laptop.local:7717/ws -i ~/.ssh/id_ed25519
 * claude-relay connect 127.0.0.1:7717 --prompt "run the tests" --allow Bash
 * echo "summarise README.md" | claude-relay connect 127.0.0.1:7717
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
  summary: "A terminal client: watch the session and take part, or run one turn from a script",
  synopsis: "URL [-i KEY] [--session ID | --new DIR] [--prompt TEXT] [--yes | --allow TOOL,…] [--json] [--history N] [--fingerprint SHA256:…] [--no-reconnect]",
  args: ["URL"],
  flags: [
    {
      flag: "-i, --identity <key>",
      help: "Private key to sign with (through ssh-agent when it holds that key)",
      default: "ssh-agent's first key, else ~/.ssh/id_ed25519, id_ecdsa, id_rsa",
    },
    {
      flag: "--session <id>",
      help: "Join this session instead of the relay's default one: its id, or the start of it (as /sessions shows them)",
      default: "the default session (serve --cwd)",
    },
    {
      flag: "--new <dir>",
      help: "Start a new session (its own Claude) in DIR on the relay's machine and join it; DIR must be inside one of the relay's --allow-dir",
    },
    { flag: "--prompt <text>", help: "Run one turn and exit: Claude's answer on stdout, notes on stderr (also: pipe the prompt in on stdin)" },
    { flag: "--yes", help: "One-shot turns: allow every tool Claude asks for" },
    {
      flag: "--allow <tools>",
      help: "One-shot turns: allow these tools (comma-separated, e.g. Write,Edit), deny the rest",
      default: "deny every permission request",
    },
    { flag: "--json", help: "Print every frame from the relay as one JSON line (for jq); input lines holding JSON are sent as they are" },
    { flag: "--history <turns>", help: "Interactive view: show this many past turns on joining", default: "the turn in progress" },
    {
      flag: "--fingerprint <sha256>",
      help: "wss://: accept only the relay certificate with this fingerprint (SHA256:… as serve prints it, or a browser's hex); the known-relays file is then neither read nor written",
      default: "pin on first use in $XDG_CONFIG_HOME/claude-relay/known_relays",
    },
    { flag: "--no-reconnect", help: "Exit when the connection drops (by default it reconnects and resumes where it left off)" },
  ],
  examples: [
    "claude-relay connect ws://127.0.0.1:7717/ws",
    "claude-relay connect laptop.local:7717 -i ~/.ssh/id_ecdsa --history 3",
    'claude-relay connect 127.0.0.1:7717 --new ~/code/api --prompt "run the tests" --allow Bash',
    "claude-relay connect 127.0.0.1:7717 --session a2c4e6f8",
    'claude-relay connect 127.0.0.1:7717 --prompt "fix the failing test" --allow Edit,Bash',
    "claude-relay connect wss://192.168.1.20:7717/ws --fingerprint SHA256:qL3p9T0nWm0d4hTjQmC1sZ1m2M6O0c5bD3o2zvQ1x1E",
    '{ echo "Review this diff:"; git diff; } | claude-relay connect 127.0.0.1:7717 > review.md',
    'claude-relay connect 127.0.0.1:7717 --prompt "list the TODOs" --json | jq -c \'select(.type == "claude.event") | .event\'',
  ],
  notes: [
    "URL is ws://HOST:PORT/ws or wss://… as `claude-relay serve` prints it (HOST:PORT alone means ws://). In a terminal it shows the session live: " +
      "type a prompt, answer Claude's permission requests with y / n / r (s: allow for this session), /help lists the commands (/sessions, /switch, /new, /changes, /diff, /tasks, /stop-task, /mode, /model, /image …); Ctrl-C interrupts Claude, twice quits. " +
      "/changes lists what changed in the session's directory against git's HEAD, /diff PATH shows one file's patch, /new DIR --worktree BRANCH starts a session in a new git worktree.",
    "One-shot (--prompt, or a prompt on stdin when stdin is not a terminal and there is no --json): permission requests of the turn are " +
      "denied unless --yes or --allow covers them.",
    "wss://: the key signs only a challenge made for this very TLS connection (its tls: line names this connection's certificate; otherwise " +
      "another server is passing the relay's challenge on). A certificate your system trusts (Tailscale, Caddy) is accepted as usual. Any other " +
      "(serve --tls makes a self-signed one) is pinned on first use without asking, like ssh -o StrictHostKeyChecking=accept-new: a note shows its " +
      "fingerprint — compare it with the one the relay printed at start-up — and it is kept in $XDG_CONFIG_HOME/claude-relay/known_relays " +
      "(~/.config/… by default). A different certificate later is refused with a warning naming the line to remove; the file is never rewritten.",
    "--new DIR: relative paths and ~ are taken from where you run connect when the relay is on this machine (a loopback URL); " +
      "for another machine give an absolute path there. A --session the relay does not run, or a --new DIR it refuses, is exit 2 " +
      "(bad usage); a relay that already runs --max-sessions sessions is exit 1.",
    "Exit codes: 0 done (turn succeeded, /quit, end of input) · 1 the turn ended in an error, or the connection was lost for good · " +
      "2 bad usage · 3 authentication failed (the message names your key and the authorized_keys line to add) · 4 the relay is unreachable · " +
      "5 the relay did not prove who it is (a certificate other than the pinned one, or a challenge made for another connection): nothing was signed.",
  ],
  run: async ({ args, flags }) => {
    const { connectOptions } = await import("./connect/options.ts");
    const options = connectOptions(flags, args);
    // A reader that went away (`connect … --json | head`) needs no more output: leave quietly.
    process.stdout.on("error", (error: NodeJS.ErrnoException) => {
      if (error.code === "EPIPE") process.exit(0);
      throw error;
    });
    const abort = new AbortController();
    const stop = () => abort.abort();
    process.once("SIGTERM", stop);
    process.once("SIGINT", stop);
    const { runConnect } = await import("./connect/run.ts");
    const code = await runConnect(options, {
      stdin: process.stdin,
      stdout: process.stdout,
      stderr: process.stderr,
      env: process.env,
      home: homedir(),
      cwd: process.cwd(),
      signal: abort.signal,
    });
    // stdin stays referenced after readline is closed; flush stdout, then leave.
    await new Promise<void>((done) => process.stdout.write("", () => done()));
    process.exit(code);
  },
};
