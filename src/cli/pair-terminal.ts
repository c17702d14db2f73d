/**
 * What `claude-relay pair` does (src/cli/pair.ts declares it; this is imported only when it runs,
 * so other commands start without the QR renderer): it asks the running relay, through its control
 * socket in the state dir, for a one-time code, prints the pairing link as text and as a QR code,
 * waits for the device to open it, shows the device's key fingerprint and asks before the key goes
 * into authorized_keys (`--yes`: no question).
 *
 * Exit codes: 0 the key was added (or already there), 1 not added (declined, expired, no relay).
 *
 * @example
 * ```ts
 * const code = await runPair({ stateDir, yes: false }, { input: process.stdin, out: console.log, err: console.error, color: true });
 * ```
 */
import { connect } from "node:net";
import { createInterface } from "node:readline";
import type { Readable } from "node:stream";
import { renderUnicodeCompact } from "uqr";
import { type ControlReply, type ControlRequest, controlSocketPath, readLines } from "../pair/control-socket.ts";
import { isLoopback } from "../server/loopback.ts";
import { selfCommand } from "../shared/self-command.ts";

export interface PairOptions {
  stateDir: string;
  name?: string;
  yes: boolean;
}

export interface PairIo {
  input: Readable;
  out: (text: string) => void;
  err: (text: string) => void;
  /** Draw the QR code with terminal colours (stdout is a terminal). */
  color: boolean;
}

/**
 * Runs one pairing; resolves with the exit code.
 *
 * @example
 * await runPair({ stateDir, yes: false }, { input: process.stdin, out: console.log, err: console.error, color: true })
 */
export function runPair(options: PairOptions, io: PairIo): Promise<number> {
  const path = controlSocketPath(options.stateDir);
  return new Promise((done) => {
    const socket = connect(path);
    let exitCode = 1;
    const send = (request: ControlRequest) => socket.write(`${JSON.stringify(request)}\n`);
    socket.once("connect", () => send({ type: "pair.start", ...(options.name !== undefined && { name: options.name }) }));
    socket.on("error", (error: NodeJS.ErrnoException) => {
      if (error.code === "ENOENT" || error.code === "ECONNREFUSED") {
        io.err(`claude-relay pair: no relay is running with state dir ${options.stateDir} (start \`${selfCommand()} serve\`, or pass the --state-dir it uses)`);
      } else {
        io.err(`claude-relay pair: cannot reach the relay at ${path}: ${error.message}`);
      }
    });
    socket.on("close", () => done(exitCode));
    readLines(socket, (line) => {
      const reply = JSON.parse(line) as ControlReply;
      switch (reply.type) {
        case "pair.code":
          io.out(pairingInstructions(pairingLink(reply.url, options.name), new Date(reply.expiresAt), io.color));
          if (isLoopback(new URL(reply.url).hostname)) {
            io.err(
              "Note: the relay listens only on this machine, so another device cannot open this link. " +
                "Put a proxy in front (tailscale serve, Caddy) and start the relay with --public-url, or use --host with --tls: see docs/remote-access.md.",
            );
          }
          return;
        case "pair.confirm": {
          io.out(`\nA device asks to be paired: "${reply.name}" from ${reply.from}\n  ${reply.keyType} ${reply.fingerprint}\n`);
          if (options.yes) {
            io.out("Adding it (--yes).");
            return send({ type: "pair.answer", accept: true });
          }
          return void ask(io, "Add this key to ~/.ssh/authorized_keys? [y/N] ").then((answer) =>
            send({ type: "pair.answer", accept: /^y(es)?$/i.test(answer.trim()) }),
          );
        }
        case "pair.added":
          exitCode = 0;
          return io.out(
            reply.added
              ? `Added ${reply.fingerprint} to ${reply.path} as claude-relay:${reply.name}. The device can log in now.`
              : `${reply.fingerprint} was already in ${reply.path}. The device can log in now.`,
          );
        case "pair.ended":
          return io.err(reply.message === "not added" ? "Not added." : `Not paired: ${reply.message}`);
        case "error":
          return io.err(`claude-relay pair: the relay answered: ${reply.message}`);
      }
    });
  });
}

/**
 * The relay's pairing link, with the name given to `pair --name` after the code (`&name=…`), so
 * the page offers that name rather than a guess from the browser (the name given here is the one
 * the key gets anyway).
 *
 * @example
 * pairingLink("https://laptop:7717/#pair=abc", "Anna's phone") // "https://laptop:7717/#pair=abc&name=Anna's%20phone"
 */
export function pairingLink(url: string, name: string | undefined): string {
  return name?.trim() ? `${url}&name=${encodeURIComponent(name.trim())}` : url;
}

/**
 * The link and its QR code, with what to check on the device.
 *
 * @example
 * pairingInstructions("https://192.168.1.20:7717/#pair=abc", new Date(), false)
 */
export function pairingInstructions(url: string, expiresAt: Date, color: boolean): string {
  const qr = renderUnicodeCompact(url, { border: 2, ecc: "M" })
    .split("\n")
    // White modules are drawn: force white on black so the code reads on light terminals too.
    .map((row) => (color ? `  \x1b[97;40m${row}\x1b[0m` : `  ${row}`))
    .join("\n");
  return [
    `Open this link on the device you want to pair (once, until ${expiresAt.toLocaleTimeString()}):`,
    "",
    `  ${url}`,
    "",
    qr,
    "",
    "Waiting for the device… (Ctrl-C cancels)",
  ].join("\n");
}

/** One line from the person, or "" when input ends first. */
function ask(io: PairIo, question: string): Promise<string> {
  return new Promise((answer) => {
    const rl = createInterface({ input: io.input, terminal: false });
    io.out(question);
    let answered = false;
    rl.once("line", (line) => {
      answered = true;
      rl.close();
      answer(line);
    });
    rl.once("close", () => {
      if (!answered) answer("");
    });
  });
}
