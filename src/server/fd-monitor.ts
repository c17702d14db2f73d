/**
 * Watches how many file descriptors the relay holds against its limit. When they run out, the
 * runtime can no longer accept connections (EMFILE) and says nothing; this makes it visible: one
 * warning when usage crosses the high mark, one note when it is back under the low mark, and a
 * `degraded` entry in /healthz meanwhile. Existing clients are unaffected either way.
 *
 * Linux only (/proc/self); elsewhere `usage()` is undefined and nothing is logged. (Bun's HTTP
 * idle timeout closes connections that never send a request, so a flood of such sockets ends by
 * itself; this monitor only makes the episode visible.)
 *
 * @example
 * ```ts
 * const fds = startFdMonitor({ log });
 * fds.usage(); // { open: 42, limit: 1024, exhausted: false }
 * fds.stop();
 * ```
 */
import { readdirSync, readFileSync } from "node:fs";
import type { Logger } from "../log/logger.ts";

export interface FdUsage {
  open: number;
  limit: number;
  /** Above the high mark, until back under the low mark. */
  exhausted: boolean;
}

export interface FdMonitorOptions {
  log: Logger;
  intervalMs?: number;
  /** Fractions of the limit: warn above `high`, recover below `low`. */
  high?: number;
  low?: number;
  /** Injected for tests. */
  read?: () => { open: number; limit: number } | undefined;
}

export interface FdMonitor {
  usage(): FdUsage | undefined;
  /** Why the relay is degraded on account of descriptors (for /healthz); empty when it is not. */
  degraded(): string[];
  /** Samples now (the timer calls this every interval). */
  check(): FdUsage | undefined;
  stop(): void;
}

/**
 * A reader of this process's open descriptors and soft limit, from /proc. The limit is read once,
 * up front: when descriptors run out, reading /proc needs one too, and that failure (EMFILE)
 * itself reports the exhaustion.
 */
export function procFdReader(): (() => { open: number; limit: number } | undefined) | undefined {
  let limit: number;
  try {
    const match = /^Max open files\s+(\d+|unlimited)/m.exec(readFileSync("/proc/self/limits", "utf8"));
    if (!match || match[1] === "unlimited") return undefined;
    limit = Number(match[1]);
  } catch {
    return undefined;
  }
  return () => {
    try {
      return { open: readdirSync("/proc/self/fd").length, limit };
    } catch (error) {
      const code = (error as { code?: string }).code;
      return code === "EMFILE" || code === "ENFILE" ? { open: limit, limit } : undefined;
    }
  };
}

export function startFdMonitor(options: FdMonitorOptions): FdMonitor {
  const { log, high = 0.9, low = 0.8 } = options;
  const read = options.read ?? procFdReader() ?? (() => undefined);
  let current: FdUsage | undefined;
  const check = (): FdUsage | undefined => {
    const sample = read();
    if (!sample) {
      current = undefined;
      return current;
    }
    const wasExhausted = current?.exhausted ?? false;
    const ratio = sample.open / sample.limit;
    const exhausted = wasExhausted ? ratio >= low : ratio >= high;
    if (exhausted && !wasExhausted) {
      log.warn("file descriptors nearly exhausted: new connections are being refused until some close", sample);
    } else if (!exhausted && wasExhausted) {
      log.info("file descriptors available again: accepting connections", sample);
    }
    current = { ...sample, exhausted };
    return current;
  };
  check();
  const timer = setInterval(check, options.intervalMs ?? 2000);
  (timer as { unref?: () => void }).unref?.();
  return {
    usage: () => current,
    degraded: () => (current?.exhausted ? ["file descriptors nearly exhausted: new connections refused"] : []),
    check,
    stop: () => clearInterval(timer),
  };
}
