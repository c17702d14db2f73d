/**
 * The session's events on disk (one JSON line per event, `events-<sessionId>.jsonl` in the state
 * dir), so a restarted relay continues the numbering where it stopped and can still replay recent
 * events to clients that reconnect. Each tick's events are written with one synchronous write
 * before any client is sent them: whatever a client has seen survives a crash of the relay.
 * The file is rewritten from the replay buffer whenever it has grown well past it.
 *
 * @example
 * ```ts
 * const { store, saved } = openEventStore({ stateDir, sessionId, log, compactAboveBytes: 32 << 20 });
 * const events = ReplayBuffer.restore(sessionId, limits, saved);
 * store.append(['{"type":"user.prompt","sessionId":"…","seq":7,…}']);
 * ```
 */
import { closeSync, mkdirSync, openSync, readFileSync, statSync, writeSync } from "node:fs";
import { join } from "node:path";
import type { Logger } from "../log/logger.ts";
import { writeFileAtomically } from "../shared/atomic-write.ts";

export interface EventStoreOptions {
  stateDir: string;
  sessionId: string;
  log: Logger;
  /** Rewrite the file once it exceeds this many bytes (the replay buffer's size is a good base). */
  compactAboveBytes: number;
}

export interface EventStore {
  /** False after a write failed (e.g. a full disk): the relay goes on without persistence. */
  readonly healthy: boolean;
  /** Writes frames; `held()` gives the buffer's frames if the file must be rewritten. */
  append(frames: readonly string[], held: () => string[]): void;
  close(): void;
}

/** Opens (or creates) the session's log; `saved` is what it held, oldest first. */
export function openEventStore(options: EventStoreOptions): { store: EventStore; saved: string[] } {
  const { log, compactAboveBytes } = options;
  mkdirSync(options.stateDir, { recursive: true, mode: 0o700 });
  const path = join(options.stateDir, `events-${options.sessionId}.jsonl`);
  const saved = readLines(path);
  let fd: number | undefined = openSync(path, "a", 0o600);
  let size = safeSize(path);

  const fail = (error: unknown, doing: string) => {
    log.error(`cannot ${doing} the event log; continuing without it (replay will not survive a restart)`, { path, error: String(error) });
    if (fd !== undefined) closeSync(fd);
    fd = undefined;
  };

  const store: EventStore = {
    get healthy() {
      return fd !== undefined;
    },
    append(frames, held) {
      if (fd === undefined || frames.length === 0) return;
      const text = `${frames.join("\n")}\n`;
      try {
        writeSync(fd, text);
        size += Buffer.byteLength(text);
      } catch (error) {
        return fail(error, "append to");
      }
      if (size <= compactAboveBytes) return;
      try {
        const rest = held();
        const body = rest.length ? `${rest.join("\n")}\n` : "";
        writeFileAtomically(path, body, 0o600); // a crash leaves the old file or the new one
        closeSync(fd);
        fd = openSync(path, "a", 0o600);
        size = Buffer.byteLength(body);
        log.debug("event log compacted", { path, bytes: size, events: rest.length });
      } catch (error) {
        fail(error, "compact");
      }
    },
    close() {
      if (fd !== undefined) closeSync(fd);
      fd = undefined;
    },
  };
  return { store, saved };
}

function readLines(path: string): string[] {
  try {
    return readFileSync(path, "utf8")
      .split("\n")
      .filter((line) => line.length > 0);
  } catch {
    return []; // no log yet
  }
}

function safeSize(path: string): number {
  try {
    return statSync(path).size;
  } catch {
    return 0;
  }
}
