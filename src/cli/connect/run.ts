/**
 * `claude-relay connect` from parsed options to exit code: opens the key, connects, and runs one
 * of the three ways (options.ts): a one-shot turn, JSON lines, or the interactive view.
 *
 * @example
 * ```ts
 * const options = connectOptions(flags, args);
 * const code = await runConnect(options, { stdin: process.stdin, stdout: process.stdout, stderr: process.stderr, env: process.env, home: homedir() });
 * ```
 */
import { existsSync } from "node:fs";
import { RelayClient, RelayClientError } from "../../client/client.ts";
import type { ChallengeSigner } from "../../client/signer.ts";
import { isLoopback } from "../../server/loopback.ts";
import { LineEditor } from "../../terminal/line-editor.ts";
import { PlainConsole } from "../../terminal/plain-console.ts";
import { sessionLines } from "../../terminal/session-list.ts";
import { detectStyle, type Style } from "../../terminal/style.ts";
import { UsageError } from "../usage-error.ts";
import { connectTls } from "./certificates.ts";
import { EXIT_USAGE, exitCodeFor } from "./exit-codes.ts";
import { readImageFile } from "./image-file.ts";
import { InteractiveView } from "./interactive.ts";
import { runJsonLines } from "./json-lines.ts";
import { identityPath, openDefaultSigner } from "./keys.ts";
import { runOneShot } from "./one-shot.ts";
import { type ConnectOptions, chooseMode } from "./options.ts";
import { sessionDir } from "./session-dir.ts";
import { diagnoseRelayUrl } from "./url-diagnosis.ts";

export interface ConnectIo {
  stdin: NodeJS.ReadStream;
  stdout: NodeJS.WriteStream;
  stderr: NodeJS.WriteStream;
  env: Record<string, string | undefined>;
  home: string;
  /** Where the command runs: a relative `--new DIR` for a relay on this machine is taken from here. */
  cwd: string;
  /** Aborting ends the session: interrupts a one-shot turn (exit 1), ends the others (exit 0). */
  signal?: AbortSignal;
}

/**
 * Runs the command; resolves with the exit code. Usage errors (a bad combination of flags, an
 * empty prompt, a missing --identity file) throw UsageError.
 *
 * @example
 * process.exitCode = await runConnect(options, io);
 */
export async function runConnect(options: ConnectOptions, io: ConnectIo): Promise<number> {
  const mode = chooseMode(options, { stdinIsTTY: io.stdin.isTTY === true });
  const prompt = mode === "one-shot" ? (options.prompt ?? (await promptFromStdin(io.stdin))) : undefined;
  if (options.identity !== undefined) {
    const path = identityPath(options.identity, io.home);
    if (!existsSync(path) && !existsSync(`${path}.pub`)) throw new UsageError(`--identity: no key file ${path}`);
  }
  const newDir = options.newSession === undefined ? undefined : sessionDir(options.newSession, { url: options.url, home: io.home, cwd: io.cwd });
  if (newDir && "problem" in newDir) throw new UsageError(`--new: ${newDir.problem}`);
  const err = (line: string) => void io.stderr.write(`${line}\n`);
  let signer: ChallengeSigner;
  try {
    signer = await openDefaultSigner(options.identity, io.env, io.home);
  } catch (error) {
    err(`claude-relay: ${(error as Error).message}`);
    return exitCodeFor(error);
  }
  try {
    const client = new RelayClient({
      signer,
      reconnect: options.reconnect,
      // The interactive view shows the past of the session it joins (not of the default one when --new leaves it at once).
      replayHeld: mode === "interactive" && newDir === undefined,
      // The live view (Claude's text as it is written, the status) for people and one-shot scripts; --json without a prompt stays as it was.
      partial: mode !== "json-lines",
      ...(options.session !== undefined && { session: options.session }),
      tls: connectTls(options, io, err),
    });
    if (options.json) client.on("frame", (frame) => void io.stdout.write(`${JSON.stringify(frame)}\n`));
    const view =
      mode === "interactive"
        ? new InteractiveView(
            client,
            { url: options.url, ...(options.history !== undefined && { history: options.history }) },
            {
              style: detectStyle(io.env, io.stdout.isTTY === true),
              ...(isLocalRelay(options.url) && { home: io.home }),
              newSessionDir: (dir) => sessionDir(dir, { url: options.url, home: io.home, cwd: io.cwd }),
              readImage: (path) => readImageFile(path, { home: io.home, cwd: io.cwd }),
              makeConsole: (handlers) =>
                io.stdout.isTTY
                  ? new LineEditor({ input: io.stdin, output: io.stdout }, handlers)
                  : new PlainConsole({ input: io.stdin, output: io.stdout }, handlers),
              now: Date.now,
            },
          )
        : undefined;
    try {
      const ok = await client.connect(options.url);
      if (mode === "json-lines") err(`connected to ${options.url} as ${ok.key.fingerprint}`);
    } catch (error) {
      const wrongUrl = isNoWebSocket(error) ? await diagnoseRelayUrl(options.url) : undefined;
      if (wrongUrl !== undefined) {
        err(`claude-relay: cannot connect to ${options.url}: ${wrongUrl}`);
        return EXIT_USAGE;
      }
      err(`claude-relay: ${(error as Error).message}`);
      if (error instanceof RelayClientError && error.code === "unknown_session")
        err(sessionsHelp(client, options.url, io.home, detectStyle(io.env, io.stderr.isTTY === true)));
      return exitCodeFor(error);
    }
    if (newDir) {
      try {
        const sessionId = await client.createSession(newDir.dir);
        await client.follow(sessionId, { replay: mode === "interactive" ? "held" : "live" });
        if (mode !== "interactive") err(`started session ${sessionId} in ${newDir.dir}`);
      } catch (error) {
        err(`claude-relay: --new ${newDir.dir}: ${(error as Error).message}`);
        await client.close();
        return exitCodeFor(error);
      }
    }
    if (view) {
      io.signal?.addEventListener("abort", () => view.stop(), { once: true });
      return await view.run();
    }
    if (mode === "json-lines") return await runJsonLines(client, { input: io.stdin, err, ...(io.signal && { signal: io.signal }) });
    const code = await runOneShot(
      client,
      { text: prompt!, policy: options.policy },
      {
        out: (text) => void io.stdout.write(text),
        note: err,
        style: detectStyle(io.env, io.stderr.isTTY === true),
        text: !options.json,
        ...(io.signal && { signal: io.signal }),
      },
    );
    await client.close();
    return code;
  } finally {
    signer.close();
  }
}

/** What to do about a --session the relay does not run: the sessions it does run. */
function sessionsHelp(client: RelayClient, url: string, home: string, style: Style): string {
  const lines = sessionLines(client.sessions, {
    style,
    ...(client.defaultSessionId !== undefined && { defaultId: client.defaultSessionId }),
    ...(isLocalRelay(url) && { home }),
  });
  return `The relay's sessions (--session takes an id or its start; --new DIR starts one):\n${lines.join("\n")}`;
}

/** Whether connecting failed without any WebSocket (close 1006): then the URL may be the problem. */
function isNoWebSocket(error: unknown): boolean {
  return error instanceof RelayClientError && error.code === "unreachable" && error.closeCode === 1006;
}

/** Whether the relay runs on this machine, so its paths are this machine's. */
function isLocalRelay(url: string): boolean {
  return isLoopback(new URL(url).hostname);
}

/** The whole of stdin as the prompt (trailing line breaks dropped); an empty one is a usage error. */
async function promptFromStdin(stdin: NodeJS.ReadableStream): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of stdin) chunks.push(typeof chunk === "string" ? Buffer.from(chunk) : (chunk as Buffer));
  const text = Buffer.concat(chunks).toString("utf8").replace(/\s+$/, "");
  if (text.trim() === "") {
    throw new UsageError(
      "no prompt: stdin was empty. Pass --prompt TEXT, pipe a prompt in (echo 'run the tests' | claude-relay connect URL), or run it in a terminal for the interactive view",
    );
  }
  return text;
}
