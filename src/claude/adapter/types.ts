/**
 * The subprocess seam (Hono-style adapters): the supervisor talks to this interface, and
 * `bun.ts` / `node.ts` implement it on `Bun.spawn` and `node:child_process`.
 *
 * @example
 * ```ts
 * const child = adapter.spawn({ cmd: "claude", args: ["-p"], cwd: "/repo", env: process.env });
 * child.write('{"type":"user",…}\n');
 * for await (const chunk of child.stdout) …;
 * const { code, signal } = await child.exited;
 * ```
 */

export interface SpawnOptions {
  cmd: string;
  args: string[];
  cwd?: string;
  env?: Record<string, string | undefined>;
}

export interface ExitInfo {
  code: number | null;
  signal: string | null;
}

/** A running child. It leads its own process group (and session). */
export interface ChildHandle {
  readonly pid: number;
  /** Writes to stdin; errors (the child is gone) are swallowed: `exited` reports the death. */
  write(data: string): void;
  /** Closes stdin. */
  end(): void;
  readonly stdout: AsyncIterable<Uint8Array>;
  readonly stderr: AsyncIterable<Uint8Array>;
  readonly exited: Promise<ExitInfo>;
  /**
   * Signals the child's process group and the groups of every process it started (tools such as
   * Claude's Bash run in their own sessions), including groups seen by earlier `track()` calls.
   */
  killGroup(signal: NodeJS.Signals): void;
  /** Records the process groups currently in the child's tree, so `killGroup` can reach them
   * even after the child died and they were orphaned. */
  track(): void;
}

export interface SubprocessAdapter {
  readonly name: string;
  /** Starts a child; throws when it cannot be started. */
  spawn(options: SpawnOptions): ChildHandle;
}
