/**
 * Where Claude Code persists a session: `<config>/projects/<munged cwd>/<sessionId>.jsonl`, with
 * `<config>` = $CLAUDE_CONFIG_DIR or $HOME/.claude. Any project folder is searched, since the
 * munged name depends on how Claude sees the cwd (symlinks, long paths).
 *
 * @example
 * ```ts
 * const args = transcriptPath(sessionId, process.env) ? ["--resume", sessionId] : ["--session-id", sessionId];
 * ```
 */
import { existsSync, readdirSync } from "node:fs";
import { homedir } from "node:os";
import { join } from "node:path";

/** Claude's config directory for an environment. */
export function claudeConfigDir(env: Record<string, string | undefined>): string {
  return env.CLAUDE_CONFIG_DIR ?? join(env.HOME ?? homedir(), ".claude");
}

/** The transcript file of `sessionId`, or null when Claude has not persisted it (yet). */
export function transcriptPath(sessionId: string, env: Record<string, string | undefined>): string | null {
  const projects = join(claudeConfigDir(env), "projects");
  let folders: string[];
  try {
    folders = readdirSync(projects);
  } catch {
    return null;
  }
  for (const folder of folders) {
    const file = join(projects, folder, `${sessionId}.jsonl`);
    if (existsSync(file)) return file;
  }
  return null;
}
