/**
 * Client liveness with one timer for all sockets: every interval each open connection is pinged,
 * and one that has not answered a ping for `timeoutMs` is terminated as stale.
 *
 * @example
 * ```ts
 * const heartbeat = startHeartbeat({ intervalMs: 15_000, timeoutMs: 45_000, connections: () => gateway.connections });
 * heartbeat.stop();
 * ```
 */
import type { Connection } from "./connection.ts";

export interface HeartbeatOptions {
  intervalMs: number;
  timeoutMs: number;
  connections: () => Iterable<Connection>;
  now?: () => number;
}

export interface Heartbeat {
  /** One round: terminate the stale, ping the rest. Returns how many were terminated. */
  tick(): number;
  stop(): void;
  /** Connections terminated as stale since start. */
  readonly terminated: number;
}

export function startHeartbeat(options: HeartbeatOptions): Heartbeat {
  const now = options.now ?? Date.now;
  let terminated = 0;
  const tick = () => {
    const at = now();
    let stale = 0;
    for (const connection of options.connections()) {
      if (!connection.isOpen) continue;
      const silentMs = at - connection.lastPongAt;
      if (silentMs > options.timeoutMs) {
        connection.log.warn("no pong within the heartbeat timeout: terminating stale client", { silentMs, timeoutMs: options.timeoutMs });
        connection.terminate();
        stale++;
      } else if (!connection.ping()) {
        // The runtime pings by itself (Deno) and closes dead sockets: count the socket as alive.
        connection.markPong();
      }
    }
    terminated += stale;
    return stale;
  };
  const timer = setInterval(tick, options.intervalMs);
  (timer as { unref?: () => void }).unref?.();
  return {
    tick,
    stop: () => clearInterval(timer),
    get terminated() {
      return terminated;
    },
  };
}
