/**
 * How to run this claude-relay again from a shell, for every hint it prints (`… connect URL`,
 * `… pair`, `… keys`): a command that works as this process was started, in a fresh shell and
 * from any directory, not a `claude-relay` that may not be on PATH.
 *
 * - the compiled binary: `claude-relay` when that name on PATH is this very file, else its
 *   absolute path;
 * - from source (`bun src/cli.ts`, `npm start`, `deno run -A src/cli.ts`): the checkout's launcher
 *   `bin/claude-relay` (it runs src/cli.ts with the checkout's own Bun), as `claude-relay` when that
 *   name on PATH leads to it (`npm link`), else by its absolute path.
 *
 * @example
 * ```ts
 * `${selfCommand()} connect ${url}`; // "claude-relay connect ws://…" or "/home/me/claude-relay/bin/claude-relay connect ws://…"
 * ```
 */
import { realpathSync, statSync } from "node:fs";
import { basename, delimiter, isAbsolute, join } from "node:path";
import { fileURLToPath } from "node:url";
import { shellQuote } from "./shell-quote.ts";

/** The name the command is documented under. */
export const COMMAND_NAME = "claude-relay";

/** What the answer depends on; {@link selfCommand} takes it from this process. */
export interface SelfContext {
  execPath: string;
  /** The script the runtime runs (`process.argv[1]`). */
  argv1: string | undefined;
  /** `$PATH`. */
  path: string | undefined;
  /** The checkout's `bin/claude-relay`. */
  launcher: string;
}

/**
 * True when this is `bun|deno|node src/cli.ts`, not a compiled binary: then `execPath` is the
 * runtime, not claude-relay. (In a Bun binary `argv[1]` is a `/$bunfs/…` path and `execPath` the binary.)
 *
 * @example
 * ```ts
 * isRunningFromSource("/usr/bin/bun", "/src/claude-relay/src/cli.ts"); // true
 * isRunningFromSource("/usr/local/bin/claude-relay", "/$bunfs/root/claude-relay"); // false
 * ```
 */
export function isRunningFromSource(execPath: string, argv1: string | undefined): boolean {
  if (argv1?.startsWith("/$bunfs/")) return false;
  return /^(bun|deno|node)(\.exe)?$/i.test(basename(execPath)) || /\.[cm]?[jt]sx?$/.test(argv1 ?? "");
}

/**
 * The shell command for `context` (see the module's comment).
 *
 * @example
 * selfCommandFor({ execPath: "/opt/relay/claude-relay", argv1: "/$bunfs/root/claude-relay", path: "/usr/bin", launcher: "" }); // "/opt/relay/claude-relay"
 */
export function selfCommandFor(context: SelfContext): string {
  const program = isRunningFromSource(context.execPath, context.argv1) ? context.launcher : context.execPath;
  const found = findOnPath(COMMAND_NAME, context.path);
  return found !== undefined && sameFile(found, program) ? COMMAND_NAME : shellQuote(program);
}

let cached: string | undefined;

/**
 * {@link selfCommandFor} this process (worked out once).
 *
 * @example
 * log.info(`pair a phone with: ${selfCommand()} pair`);
 */
export function selfCommand(): string {
  cached ??= selfCommandFor({
    execPath: process.execPath,
    argv1: process.argv[1],
    path: process.env.PATH,
    launcher: fileURLToPath(new URL("../../bin/claude-relay", import.meta.url)),
  });
  return cached;
}

/** The first executable file named `name` in the absolute entries of `path`, as a shell would find it. */
function findOnPath(name: string, path: string | undefined): string | undefined {
  for (const dir of (path ?? "").split(delimiter)) {
    if (!isAbsolute(dir)) continue;
    const candidate = join(dir, name);
    try {
      if (statSync(candidate).isFile()) return candidate;
    } catch {
      // not in this directory
    }
  }
  return undefined;
}

function sameFile(a: string, b: string): boolean {
  try {
    return realpathSync(a) === realpathSync(b);
  } catch {
    return false;
  }
}
