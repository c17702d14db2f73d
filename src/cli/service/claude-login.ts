/**
 * Whether Claude Code has a stored login the service can use without any variable. Where the real
 * CLI (2.x) keeps it, as read from its code:
 *
 * - `$CLAUDE_CONFIG_DIR/.credentials.json`, else `~/.claude/.credentials.json` (the `/login`
 *   OAuth token on Linux, and on macOS when the keychain is unavailable);
 * - on macOS the login keychain, service `Claude Code-credentials` (with `-<8 hex digits of the
 *   SHA-256 of the config dir>` appended when `CLAUDE_CONFIG_DIR` is set);
 * - an API key approved in `/login`: `primaryApiKey` in `~/.claude.json` (or
 *   `$CLAUDE_CONFIG_DIR/.claude.json`).
 *
 * @example
 * ```ts
 * storedClaudeLogin({ env: process.env, home: homedir(), platform: process.platform });
 * // "/home/me/.claude/.credentials.json", or undefined when Claude has never logged in
 * ```
 */
import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { isNonEmptyFile } from "../../shared/non-empty-file.ts";

export interface LoginContext {
  env: Record<string, string | undefined>;
  home: string;
  platform: NodeJS.Platform;
}

/** Where the stored login was found (for the log), or undefined when there is none. */
export function storedClaudeLogin(context: LoginContext): string | undefined {
  const configured = context.env.CLAUDE_CONFIG_DIR || undefined;
  const configDir = (configured ?? join(context.home, ".claude")).normalize("NFC");
  const credentials = join(configDir, ".credentials.json");
  if (isNonEmptyFile(credentials)) return credentials;
  if (context.platform === "darwin") {
    const service = `Claude Code-credentials${configured ? `-${createHash("sha256").update(configDir).digest("hex").slice(0, 8)}` : ""}`;
    // Without -w the password itself is not printed; the exit status says whether the item exists.
    const found = spawnSync("security", ["find-generic-password", "-s", service], { stdio: "ignore", timeout: 5000 });
    if (found.status === 0) return `the macOS keychain (${service})`;
  }
  const globalConfig = join(configured ?? context.home, ".claude.json");
  if (hasPrimaryApiKey(globalConfig)) return `${globalConfig} (primaryApiKey)`;
  return undefined;
}

function hasPrimaryApiKey(path: string): boolean {
  try {
    const config = JSON.parse(readFileSync(path, "utf8")) as { primaryApiKey?: unknown };
    return typeof config.primaryApiKey === "string" && config.primaryApiKey !== "";
  } catch {
    return false;
  }
}
