/**
 * Subprocess adapter on `node:child_process` (Node, Deno). `detached: true` puts the child in a
 * new session and process group.
 *
 * @example
 * ```ts
 * const child = nodeAdapter.spawn({ cmd: "claude", args, cwd, env });
 * ```
 */
import { spawn } from "node:child_process";
import { GroupTracker } from "./process-tree.ts";
import type { ChildHandle, ExitInfo, SpawnOptions, SubprocessAdapter } from "./types.ts";

export const nodeAdapter: SubprocessAdapter = {
  name: "node",
  spawn(options: SpawnOptions): ChildHandle {
    const child = spawn(options.cmd, options.args, {
      cwd: options.cwd,
      env: options.env as NodeJS.ProcessEnv | undefined,
      stdio: ["pipe", "pipe", "pipe"],
      detached: true,
    });
    // Spawn errors (ENOENT, EACCES) arrive as an event; without a listener they would throw.
    const exited = new Promise<ExitInfo>((resolve) => {
      child.once("exit", (code, signal) => resolve({ code, signal }));
      child.once("error", () => resolve({ code: null, signal: null }));
    });
    if (child.pid === undefined) throw new Error(`cannot start ${options.cmd}`);
    child.stdin.on("error", () => {}); // EPIPE after the child died; `exited` reports it.
    const groups = new GroupTracker(child.pid);
    return {
      pid: child.pid,
      write: (data) => {
        if (child.stdin.writable) child.stdin.write(data);
      },
      end: () => child.stdin.end(),
      stdout: child.stdout,
      stderr: child.stderr,
      exited,
      killGroup: (signal) => groups.kill(signal),
      track: () => groups.track(),
    };
  },
};
