/**
 * `claude-relay pair` as its own process against a test relay (through the relay's control
 * socket in its state dir): the link and code it prints, its y/N question, its exit. Every process
 * started is killed by {@link killPairProcesses} (call it after each test).
 *
 * @example
 * ```ts
 * const pair = startPair(relay, ["--yes", "--name", "phone"]);
 * const link = await pair.url;      // http://127.0.0.1:…/#pair=…
 * expect(await pair.exit).toBe(0);
 * ```
 */
import { type ChildProcess, spawn } from "node:child_process";
import { CLI } from "./cli-process.ts";
import type { TestRelay } from "./relay.ts";

export interface PairProcess {
  child: ChildProcess;
  /** The pairing link's code, once printed. */
  code: Promise<string>;
  url: Promise<string>;
  /** Resolves when `pair` prints its question. */
  asked: Promise<void>;
  exit: Promise<number | null>;
  output(): string;
}

const running = new Set<ChildProcess>();

/** Starts `claude-relay pair --state-dir <the relay's> …args`. */
export function startPair(relay: TestRelay, args: string[]): PairProcess {
  const child = spawn(CLI[0]!, [...CLI.slice(1), "pair", "--state-dir", relay.options.stateDir, ...args], {
    stdio: ["pipe", "pipe", "pipe"],
    env: process.env,
  });
  running.add(child);
  let output = "";
  let onUrl!: (url: string) => void;
  let onAsked!: () => void;
  const url = new Promise<string>((resolve) => (onUrl = resolve));
  const asked = new Promise<void>((resolve) => (onAsked = resolve));
  const collect = (chunk: Buffer) => {
    output += chunk.toString();
    const match = /^ {2}(https?:\/\/\S+#pair=\S+)$/m.exec(output);
    if (match) onUrl(match[1]!);
    if (output.includes("[y/N]")) onAsked();
  };
  child.stdout!.on("data", collect);
  child.stderr!.on("data", collect);
  const exit = new Promise<number | null>((resolve) => child.on("exit", (code) => (running.delete(child), resolve(code))));
  return { child, url, code: url.then((link) => /#pair=([^&]+)/.exec(link)![1]!), asked, exit, output: () => output };
}

/** Kills every `pair` process still running. */
export function killPairProcesses(): void {
  for (const child of running) child.kill("SIGKILL");
}
