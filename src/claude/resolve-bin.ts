/**
 * Finds the Claude Code executable: `--claude-bin` if given (a path, or a name looked up on
 * PATH), else `claude` on PATH, else `node_modules/.bin/claude` under the current directory or
 * this package's root (running from the repo).
 *
 * @example
 * ```ts
 * const bin = resolveClaudeBin({ bin: options.claudeBin }); // throws ClaudeBinaryNotFoundError
 * ```
 */
import { accessSync, constants, statSync } from "node:fs";
import { delimiter, isAbsolute, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

/** The binary could not be found; `tried` lists every path checked. */
export class ClaudeBinaryNotFoundError extends Error {
  override readonly name = "ClaudeBinaryNotFoundError";
  constructor(
    readonly requested: string,
    readonly tried: string[],
  ) {
    super(`Claude Code executable "${requested}" not found (tried: ${tried.join(", ")})`);
  }
}

export interface ResolveClaudeBinOptions {
  /** `--claude-bin`; when set there is no fallback. */
  bin?: string;
  /** Defaults to process.cwd(). */
  cwd?: string;
  /** Defaults to process.env.PATH. */
  path?: string;
  /** Package root for the node_modules fallback; defaults to this repository's root. */
  packageRoot?: string | null;
}

const DEFAULT_NAME = "claude";

function defaultPackageRoot(): string | null {
  try {
    return fileURLToPath(new URL("../../", import.meta.url));
  } catch {
    return null; // e.g. a compiled binary without a file URL
  }
}

/** Returns an absolute path to an executable file, or throws ClaudeBinaryNotFoundError. */
export function resolveClaudeBin(options: ResolveClaudeBinOptions = {}): string {
  const cwd = options.cwd ?? process.cwd();
  const requested = options.bin ?? DEFAULT_NAME;
  const candidates: string[] = [];
  if (requested.includes("/") || isAbsolute(requested)) {
    candidates.push(resolve(cwd, requested));
  } else {
    for (const dir of (options.path ?? process.env.PATH ?? "").split(delimiter)) {
      if (dir) candidates.push(join(resolve(cwd, dir), requested));
    }
  }
  if (options.bin === undefined) {
    const root = options.packageRoot === undefined ? defaultPackageRoot() : options.packageRoot;
    for (const base of [cwd, root]) {
      if (base) candidates.push(join(base, "node_modules", ".bin", DEFAULT_NAME));
    }
  }
  const tried = [...new Set(candidates)];
  const found = tried.find(isExecutableFile);
  if (!found) throw new ClaudeBinaryNotFoundError(requested, tried);
  return found;
}

function isExecutableFile(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return statSync(path).isFile();
  } catch {
    return false;
  }
}
