/**
 * A real pseudo-terminal for tests of interactive programs: a command runs in a tmux window of a
 * private tmux server (its own socket, so nothing touches the user's tmux); the test types, pastes
 * and presses keys, and reads the screen and its scrollback.
 *
 * @example
 * ```ts
 * const term = await startTerminal(["bun", "src/cli.ts", "connect", url], { env, width: 100, height: 30 });
 * term.type("hello");
 * term.keys("Enter");
 * await term.waitFor((screen) => screen.includes("● Hello"));
 * await term.close();
 * ```
 */
import { spawnSync } from "node:child_process";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { makeTempDir, removeTempDir } from "./ssh.ts";

export interface Terminal {
  /** Types `text` literally (no key names). */
  type(text: string): void;
  /** Presses keys by tmux name: "Enter", "C-c", "C-u", "M-Enter", "y". */
  keys(...keys: string[]): void;
  /** Pastes `text` as a terminal does (bracketed when the program asked for it). */
  paste(text: string): void;
  /** The visible screen, one string (lines joined by "\n", trailing blanks removed). */
  screen(): string;
  /** Everything printed so far: the scrollback and the screen. */
  history(): string;
  /** The screen's last non-empty line (the input line of an interactive program). */
  lastLine(): string;
  /** Waits until `match(screen)` holds; throws with the screen after `timeoutMs`. */
  waitFor(match: (screen: string) => boolean, timeoutMs?: number, what?: string): Promise<string>;
  /** The exit code of the command once it has exited (undefined while it runs). */
  exitCode(): number | undefined;
  /** Waits for the command to exit; resolves with its exit code. */
  exited(timeoutMs?: number): Promise<number>;
  close(): Promise<void>;
}

/**
 * Runs `command` in a fresh tmux server, `width`×`height`. The exit code is kept in a file, and
 * the window stays open after the command ends so its last screen can still be read.
 */
export async function startTerminal(
  command: string[],
  options: { env: Record<string, string | undefined>; width?: number; height?: number; cwd?: string },
): Promise<Terminal> {
  const dir = makeTempDir("tmux-");
  const socket = join(dir, "tmux.sock");
  const exitFile = join(dir, "exit-code");
  const script = join(dir, "run.sh");
  const quoted = command.map((part) => `'${part.replaceAll("'", `'\\''`)}'`).join(" ");
  // The shell outlives a Ctrl-C that reaches it (once the program has left raw mode) to record the
  // exit code; a trap with a command is reset to the default in the program it starts.
  writeFileSync(script, `#!/bin/sh\ntrap true INT\n${quoted}\necho $? > '${exitFile}'\n`, { mode: 0o755 });
  const env = Object.fromEntries(
    Object.entries({ ...options.env, TERM: "xterm-256color" }).filter((entry): entry is [string, string] => entry[1] !== undefined),
  );
  const tmux = (...args: string[]) => {
    const result = spawnSync("tmux", ["-S", socket, ...args], { encoding: "utf8", env, cwd: options.cwd });
    if (result.error) throw new Error(`cannot run tmux (${result.error.message}): install it (apt-get install tmux; .ci/run does)`);
    if (result.status !== 0) throw new Error(`tmux ${args.join(" ")} failed: ${result.stderr}`);
    return result.stdout;
  };
  tmux("-f", "/dev/null", "new-session", "-d", "-x", String(options.width ?? 100), "-y", String(options.height ?? 30), script);
  tmux("set-option", "-g", "remain-on-exit", "on");
  tmux("set-option", "-g", "history-limit", "10000");
  const pane = () => tmux("capture-pane", "-p", "-J").replace(/\s+$/, "");
  const exitCode = () => {
    const written = existsSync(exitFile) ? readFileSync(exitFile, "utf8").trim() : "";
    return written === "" ? undefined : Number(written);
  };
  const terminal: Terminal = {
    type: (text) => void tmux("send-keys", "-l", text),
    keys: (...keys) => void tmux("send-keys", ...keys),
    paste(text) {
      const file = join(dir, "paste.txt");
      writeFileSync(file, text);
      tmux("load-buffer", "-b", "test-paste", file);
      tmux("paste-buffer", "-p", "-d", "-b", "test-paste");
    },
    screen: pane,
    history: () => tmux("capture-pane", "-p", "-J", "-S", "-", "-E", "-").replace(/\s+$/, ""),
    lastLine: () =>
      pane()
        .split("\n")
        .filter((line) => line.trim() !== "")
        .at(-1) ?? "",
    async waitFor(match, timeoutMs = 30_000, what = "the expected screen") {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const screen = pane();
        if (match(screen)) return screen;
        if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}; the screen:\n${screen}`);
        await Bun.sleep(50);
      }
    },
    exitCode,
    async exited(timeoutMs = 30_000) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const code = exitCode();
        if (code !== undefined) return code;
        if (Date.now() > deadline) throw new Error(`the command did not exit; the screen:\n${pane()}`);
        await Bun.sleep(50);
      }
    },
    async close() {
      spawnSync("tmux", ["-S", socket, "kill-server"], { encoding: "utf8" });
      removeTempDir(dir);
    },
  };
  return terminal;
}
