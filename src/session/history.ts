/**
 * Claude's earlier conversations in a directory (`history.list`), read from Claude Code's own
 * transcripts (`<config>/projects/<munged cwd>/<uuid>.jsonl`, src/claude/transcript.ts): newest
 * first by the file's modification time, each with the title of its first typed prompt.
 *
 * The work is bounded so a directory with thousands of conversations neither stalls the relay nor
 * reads gigabytes: file system calls are asynchronous and at most {@link IO_CONCURRENCY} run at once,
 * only the newest `limit` transcripts (default 100) are opened, and of each only its first
 * `headBytes` (default 64 KiB), where the first prompt is.
 *
 * @example
 * ```ts
 * const history = conversationHistory(process.env);
 * await history.list("/home/me/app");
 * // [{ sessionId: "7f0c…", cwd: "/home/me/app", title: "Fix the login test", updatedAt: "2026-11-25T20:04:11.532Z" }, …]
 * history.find("/home/me/app", "7f0c…"); // { title: "Fix the login test" }, or undefined
 * ```
 */
import { closeSync, openSync, readdirSync, readSync } from "node:fs";
import { type FileHandle, open, readdir, stat } from "node:fs/promises";
import { join } from "node:path";
import { isProjectFolderOf, projectFolders, projectsDir } from "../claude/transcript.ts";
import { isNonEmptyFile } from "../shared/non-empty-file.ts";
import { isSessionUuid } from "./session-store.ts";
import { transcriptTitle } from "./transcript-title.ts";

/** One earlier conversation, as `history` lists it. */
export interface Conversation {
  sessionId: string;
  cwd: string;
  /** The first typed prompt's first line; "" when the transcript's head holds none (e.g. only slash commands). */
  title: string;
  /** RFC 3339: when the transcript was last written. */
  updatedAt: string;
}

/** What the session manager needs: the list for a directory, and one conversation of it. */
export interface ConversationHistory {
  list(cwd: string): Promise<Conversation[]>;
  /** The conversation `sessionId` in `cwd` when Claude has a transcript of it there; undefined otherwise. */
  find(cwd: string, sessionId: string): { title: string } | undefined;
}

export interface HistoryOptions {
  /** Conversations listed at most (the newest). Default 100. */
  limit?: number;
  /** Bytes read from the start of each transcript to find its title. Default 64 KiB. */
  headBytes?: number;
}

/** File system calls in flight at once while listing. */
const IO_CONCURRENCY = 8;

/** Claude's conversations as Claude's environment `env` ($CLAUDE_CONFIG_DIR or $HOME) locates them. */
export function conversationHistory(env: Record<string, string | undefined>, options: HistoryOptions = {}): ConversationHistory {
  const limit = options.limit ?? 100;
  const headBytes = options.headBytes ?? 64 * 1024;
  return {
    list: (cwd) => listConversations(cwd, env, limit, headBytes),
    find: (cwd, sessionId) => findConversation(cwd, sessionId, env, headBytes),
  };
}

async function listConversations(cwd: string, env: Record<string, string | undefined>, limit: number, headBytes: number): Promise<Conversation[]> {
  const files = (await Promise.all((await projectFolders(cwd, env)).map(transcriptsIn))).flat();
  const stats = await mapLimited(files, async (file) => {
    try {
      const info = await stat(file.path);
      return info.isFile() && info.size > 0 ? { ...file, mtimeMs: info.mtimeMs } : undefined;
    } catch {
      return undefined; // removed meanwhile
    }
  });
  const newest = new Map<string, { path: string; sessionId: string; mtimeMs: number }>();
  for (const file of stats) {
    if (file && (newest.get(file.sessionId)?.mtimeMs ?? -1) < file.mtimeMs) newest.set(file.sessionId, file);
  }
  const chosen = [...newest.values()].sort((a, b) => b.mtimeMs - a.mtimeMs).slice(0, limit);
  return mapLimited(chosen, async (file) => ({
    sessionId: file.sessionId,
    cwd,
    title: transcriptTitle(await readHead(file.path, headBytes)) ?? "",
    updatedAt: new Date(file.mtimeMs).toISOString(),
  }));
}

/** The `<uuid>.jsonl` files directly in a project folder (not sub-agent folders, not other files). */
async function transcriptsIn(folder: string): Promise<Array<{ path: string; sessionId: string }>> {
  let names: string[];
  try {
    names = await readdir(folder);
  } catch {
    return [];
  }
  return names.flatMap((name) => {
    const sessionId = name.endsWith(".jsonl") ? name.slice(0, -".jsonl".length) : "";
    return isSessionUuid(sessionId) ? [{ path: join(folder, name), sessionId }] : [];
  });
}

function findConversation(cwd: string, sessionId: string, env: Record<string, string | undefined>, headBytes: number): { title: string } | undefined {
  if (!isSessionUuid(sessionId)) return undefined; // also keeps the id from naming any other file
  const projects = projectsDir(env);
  let folders: string[];
  try {
    folders = readdirSync(projects).filter((folder) => isProjectFolderOf(folder, cwd));
  } catch {
    return undefined;
  }
  for (const folder of folders) {
    const path = join(projects, folder, `${sessionId}.jsonl`);
    if (isNonEmptyFile(path)) return { title: transcriptTitle(readHeadSync(path, headBytes)) ?? "" };
  }
  return undefined;
}

async function readHead(path: string, bytes: number): Promise<string> {
  let handle: FileHandle | undefined;
  try {
    handle = await open(path, "r");
    const buffer = Buffer.alloc(bytes);
    const { bytesRead } = await handle.read(buffer, 0, bytes, 0);
    return buffer.subarray(0, bytesRead).toString("utf8");
  } catch {
    return "";
  } finally {
    await handle?.close();
  }
}

function readHeadSync(path: string, bytes: number): string {
  let fd: number | undefined;
  try {
    fd = openSync(path, "r");
    const buffer = Buffer.alloc(bytes);
    return buffer.subarray(0, readSync(fd, buffer, 0, bytes, 0)).toString("utf8");
  } catch {
    return "";
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

/** `fn` over `items`, at most {@link IO_CONCURRENCY} at a time, results in the items' order. */
async function mapLimited<T, R>(items: readonly T[], fn: (item: T) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await fn(items[index]!);
    }
  };
  await Promise.all(Array.from({ length: Math.min(IO_CONCURRENCY, items.length) }, worker));
  return results;
}
