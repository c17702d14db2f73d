/**
 * Subprocess adapter on `Bun.spawn`. `detached: true` makes Bun call setsid(), so the child leads
 * its own session and process group.
 *
 * @example
 * ```ts
 * const child = bunAdapter.spawn({ cmd: "claude", args, cwd, env });
 * ```
 */
import { GroupTracker } from "./process-tree.ts";
import type { ChildHandle, SpawnOptions, SubprocessAdapter } from "./types.ts";

export const bunAdapter: SubprocessAdapter = {
  name: "bun",
  spawn(options: SpawnOptions): ChildHandle {
    const proc = Bun.spawn([options.cmd, ...options.args], {
      cwd: options.cwd,
      env: options.env,
      stdin: "pipe",
      stdout: "pipe",
      stderr: "pipe",
      detached: true,
    });
    const groups = new GroupTracker(proc.pid);
    const swallow = (fn: () => unknown) => {
      try {
        const result = fn();
        if (result instanceof Promise) result.catch(() => {});
      } catch {
        // The child is gone; `exited` reports it.
      }
    };
    return {
      pid: proc.pid,
      write: (data) =>
        swallow(() => {
          proc.stdin.write(data);
          return proc.stdin.flush();
        }),
      end: () => swallow(() => proc.stdin.end()),
      stdout: proc.stdout,
      stderr: proc.stderr,
      exited: proc.exited.then(() => ({
        code: proc.exitCode,
        signal: proc.signalCode === null ? null : String(proc.signalCode),
      })),
      killGroup: (signal) => groups.kill(signal),
      track: () => groups.track(),
    };
  },
};
