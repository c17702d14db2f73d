/**
 * Holds the parsed authorized_keys file and keeps it current.
 *
 * The promise (contract: "edits apply to the next login") is kept without a `stat` per login:
 *
 * - A check is a `stat` of the file, re-reading it when inode, size, mtime or ctime changed.
 *   Checks are numbered. {@link AuthorizedKeysStore.checkpoint} tells the number so far; a login
 *   takes it when its connection opens and asks for {@link AuthorizedKeysStore.current}`(checkpoint)`
 *   when it verifies. A check made after the connection opened also saw every edit saved before the
 *   client connected, so it is reused; otherwise one check is made then. Under a login storm one
 *   stat thus serves every connection opened before it, yet a login that starts after an edit
 *   always sees the edit — whether or not fs.watch ever reports it (network file systems, full
 *   inotify tables). This needs no clock, so it also holds when logins come faster than any
 *   interval.
 * - fs.watch on the file and on its directory (editors and `mv` replace the file) re-checks as soon
 *   as the OS reports a change, and a poll re-checks every `pollIntervalMs` (default 2 s) for file
 *   systems that report nothing. Either way a removed key's open sessions are ended
 *   ({@link AuthorizedKeysStore.onKeysRemoved}), including a login that was in flight during the
 *   edit (connected before it, answered after it, verified on the check before it).
 * - What a `stat` cannot see, nothing here sees without fs.watch: a rewrite that keeps inode, size,
 *   mtime and ctime — two same-size saves within one tick of the kernel's coarse file clock.
 *
 * @example
 * ```ts
 * const store = openAuthorizedKeys({ path, explicit: flagGiven, logger });  // throws KeyStoreError
 * const startup = store.startupDiagnosis();
 * if (startup.level === "warn") logger.warn(startup.message, { path });
 * store.onKeysRemoved((fingerprints) => closeClientsOf(fingerprints));
 * const seen = store.checkpoint();                         // when a connection opens
 * authenticate({ keys: store.current(seen).entries, … });  // when it answers
 * store.close();
 * ```
 */
import { type FSWatcher, readFileSync, type Stats, statSync, watch } from "node:fs";
import { basename, dirname } from "node:path";
import { clearInterval, setInterval } from "node:timers";
import { type Logger, silentLogger } from "../log/logger.ts";
import { selfCommand } from "../shared/self-command.ts";
import { type ParsedAuthorizedKeys, parseAuthorizedKeys } from "./authorized-keys.ts";

/** The authorized_keys path cannot be used (explicitly given and unreadable). */
export class KeyStoreError extends Error {
  override readonly name = "KeyStoreError";
}

export interface KeyStoreOptions {
  path: string;
  /** The user named this path (e.g. --authorized-keys): failing to read it is fatal at startup. */
  explicit?: boolean;
  logger?: Logger;
  /** Watch the file and its directory for changes (default true). */
  watch?: boolean;
  /** Re-check the file this often even when nothing reported a change; 0: never (default 2000). */
  pollIntervalMs?: number;
}

export interface StartupDiagnosis {
  level: "info" | "warn";
  message: string;
}

type KeysRemovedListener = (fingerprints: string[]) => void;

const EMPTY: ParsedAuthorizedKeys = { entries: [], diagnostics: [] };

/**
 * Opens the store and reads the file once.
 *
 * @example
 * const store = openAuthorizedKeys({ path: join(homedir(), ".ssh/authorized_keys") });
 */
export function openAuthorizedKeys(options: KeyStoreOptions): AuthorizedKeysStore {
  return new AuthorizedKeysStore(options);
}

/** See the module comment. Create with {@link openAuthorizedKeys}. */
export class AuthorizedKeysStore {
  readonly path: string;
  readonly #logger: Logger;
  #parsed: ParsedAuthorizedKeys = EMPTY;
  #signature = "";
  #readError: string | undefined;
  readonly #listeners = new Set<KeysRemovedListener>();
  readonly #watchers: FSWatcher[] = [];
  #fileWatcher: FSWatcher | undefined;
  #poll: ReturnType<typeof setInterval> | undefined;
  #checks = 0;
  #closed = false;

  constructor(options: KeyStoreOptions) {
    this.path = options.path;
    this.#logger = options.logger ?? silentLogger;
    this.#reload(true);
    if (options.explicit && this.#readError) throw new KeyStoreError(`cannot read authorized keys file ${this.path}: ${this.#readError}`);
    if (options.watch ?? true) this.#startWatching();
    const pollIntervalMs = options.pollIntervalMs ?? 2000;
    if (pollIntervalMs > 0) this.#poll = setInterval(() => this.#reload(false), pollIntervalMs).unref();
  }

  /**
   * The number of checks made so far: take it when a connection opens, pass it to
   * {@link current} when that connection's login is verified.
   */
  checkpoint(): number {
    return this.#checks;
  }

  /**
   * The keys as of a check made after `checkpoint`; checks the file first unless one was. Without
   * a checkpoint, always checks.
   *
   * @example
   * store.current(seenWhenConnected).entries
   */
  current(checkpoint?: number): ParsedAuthorizedKeys {
    if (!this.#closed && (checkpoint === undefined || this.#checks <= checkpoint)) this.#reload(false);
    return this.#parsed;
  }

  /** What to tell the operator at startup; `warn` when nobody can log in. */
  startupDiagnosis(): StartupDiagnosis {
    const accepted = this.#parsed.entries.filter((e) => !e.refused).length;
    if (this.#readError) {
      return { level: "warn", message: `authorized keys file ${this.path} is not readable (${this.#readError}): NOBODY CAN LOG IN until it exists` };
    }
    if (accepted === 0) {
      const why = this.#parsed.entries.length + this.#parsed.diagnostics.length === 0 ? "has no keys" : `has no usable keys (run \`${selfCommand()} keys\`)`;
      return { level: "warn", message: `authorized keys file ${this.path} ${why}: NOBODY CAN LOG IN until a key is added` };
    }
    return { level: "info", message: `${accepted} authorized key${accepted === 1 ? "" : "s"} loaded from ${this.path}` };
  }

  /**
   * Calls `listener` with the fingerprints that were accepted before a reload and are not any more.
   * Returns an unsubscribe function.
   */
  onKeysRemoved(listener: KeysRemovedListener): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** Stops watching; `current()` then keeps returning the last keys read. */
  close(): void {
    this.#closed = true;
    clearInterval(this.#poll);
    for (const w of this.#watchers) w.close();
    this.#fileWatcher?.close();
    this.#watchers.length = 0;
    this.#fileWatcher = undefined;
    this.#listeners.clear();
  }

  #reload(force: boolean): void {
    this.#checks++;
    const { stats, error } = statFile(this.path);
    const signature = stats ? `${stats.ino}:${stats.size}:${stats.mtimeMs}:${stats.ctimeMs}` : `missing:${error}`;
    if (!force && signature === this.#signature) return;
    this.#signature = signature;
    const before = acceptedFingerprints(this.#parsed);
    try {
      if (!stats) throw new Error(error);
      this.#parsed = parseAuthorizedKeys(readFileSync(this.path, "utf8"));
      this.#readError = undefined;
    } catch (err) {
      this.#parsed = EMPTY;
      this.#readError = errorText(err);
    }
    this.#logDiagnostics();
    const after = acceptedFingerprints(this.#parsed);
    const removed = [...before].filter((fp) => !after.has(fp));
    if (removed.length > 0) {
      this.#logger.info("authorized keys removed", { path: this.path, fingerprints: removed });
      for (const listener of this.#listeners) listener(removed);
    }
    this.#watchFile();
  }

  #logDiagnostics(): void {
    for (const d of this.#parsed.diagnostics) {
      this.#logger.warn(`authorized_keys line ${d.line} skipped: ${d.message}`, { path: this.path, line: d.line, fingerprint: d.fingerprint });
    }
    for (const e of this.#parsed.entries) {
      if (e.refused) this.#logger.warn(`authorized_keys line ${e.line} refused: ${e.refused}`, { path: this.path, line: e.line, fingerprint: e.fingerprint });
    }
  }

  #startWatching(): void {
    const name = basename(this.path);
    const dirWatcher = tryWatch(dirname(this.path), (_event, filename) => {
      if (filename === null || filename.toString() === name) this.#reload(false);
    });
    if (dirWatcher) this.#watchers.push(dirWatcher);
    this.#watchFile();
  }

  /** (Re)arms the watch on the file itself; a replaced file has a new inode, so the old watch goes stale. */
  #watchFile(): void {
    if (this.#closed || this.#watchers.length === 0) return;
    this.#fileWatcher?.close();
    this.#fileWatcher = tryWatch(this.path, () => this.#reload(false));
  }
}

function acceptedFingerprints(parsed: ParsedAuthorizedKeys): Set<string> {
  return new Set(parsed.entries.filter((e) => !e.refused).map((e) => e.fingerprint));
}

function statFile(path: string): { stats?: Stats; error?: string } {
  try {
    const stats = statSync(path);
    return stats.isFile() ? { stats } : { error: "not a regular file" };
  } catch (err) {
    return { error: errorText(err) };
  }
}

function tryWatch(path: string, onChange: (event: string, filename: string | Buffer | null) => void): FSWatcher | undefined {
  try {
    const watcher = watch(path, { persistent: false }, onChange);
    watcher.on("error", () => watcher.close());
    return watcher;
  } catch {
    return undefined;
  }
}

const ERRNO_TEXT: Record<string, string> = {
  ENOENT: "no such file",
  EACCES: "permission denied",
  EISDIR: "is a directory",
  ENOTDIR: "a parent is not a directory",
  ELOOP: "too many symbolic links",
};

function errorText(err: unknown): string {
  const e = err as NodeJS.ErrnoException;
  return (e.code && ERRNO_TEXT[e.code]) ?? e.message ?? String(err);
}
