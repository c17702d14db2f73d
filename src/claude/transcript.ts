/**
 * Where Claude Code persists a session: `<config>/projects/<munged cwd>/<sessionId>.jsonl`, with
 * `<config>` = $CLAUDE_CONFIG_DIR or $HOME/.claude. To resume a session, any project folder is
 * searched, since the munged name depends on how Claude saw the cwd (symlinks, long paths); to
 * list a directory's conversations, the folders Claude itself uses for that directory are read.
 *
 * @example
 * ```ts
 * const args = transcriptPath(sessionId, process.env) ? ["--resume", sessionId] : ["--session-id", sessionId];
 * projectFolderName("/home/me/my.app"); // "-home-me-my-app"
 * ```
 */
import { existsSync, readdirSync } from "node:fs";
import { readdir } from "node:fs/promises";
import { homedir } from "node:os";
import { join } from "node:path";

/** Longest munged directory name Claude uses as is; longer ones are cut and get a hash. */
const MAX_FOLDER_NAME = 200;

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

/** Claude's projects directory for an environment. */
export function projectsDir(env: Record<string, string | undefined>): string {
  return join(claudeConfigDir(env), "projects");
}

/**
 * The folder name Claude Code keeps a directory's transcripts under: every character that is not
 * an ASCII letter or digit becomes "-"; a name longer than 200 characters is cut to 200 and gets
 * "-" and a base-36 hash of the path (Claude's own rule, so the relay finds the same folder).
 */
export function projectFolderName(cwd: string): string {
  const name = cwd.replace(/[^a-zA-Z0-9]/g, "-");
  if (name.length <= MAX_FOLDER_NAME) return name;
  return `${name.slice(0, MAX_FOLDER_NAME)}-${Math.abs(stringHash(cwd)).toString(36)}`;
}

/**
 * Whether `folder` (a name under projects/) holds the transcripts of conversations in `cwd` (a real
 * path): it is the name {@link projectFolderName} gives, or for a long path one sharing its cut
 * prefix (the hash differs between Claude's runtimes, so Claude looks at those too).
 */
export function isProjectFolderOf(folder: string, cwd: string): boolean {
  const name = projectFolderName(cwd);
  return folder === name || (name.length > MAX_FOLDER_NAME && folder.startsWith(`${name.slice(0, MAX_FOLDER_NAME)}-`));
}

/** The existing folders that hold transcripts of conversations in `cwd` (see {@link isProjectFolderOf}). */
export async function projectFolders(cwd: string, env: Record<string, string | undefined>): Promise<string[]> {
  const projects = projectsDir(env);
  try {
    return (await readdir(projects)).filter((folder) => isProjectFolderOf(folder, cwd)).map((folder) => join(projects, folder));
  } catch {
    return [];
  }
}

/** Java's String.hashCode over UTF-16 code units, as Claude computes it for long folder names. */
function stringHash(text: string): number {
  let hash = 0;
  for (let i = 0; i < text.length; i++) hash = (hash * 31 + text.charCodeAt(i)) | 0;
  return hash;
}
