/**
 * The worker thread git runs from (started by git-runner.ts): it takes `{ id, args, options }`,
 * runs git with git-process.ts, and answers `{ id, run }` (stdout's buffer transferred, not copied)
 * or `{ id, error, unavailable }`. Starting a process blocks the thread that starts it until the
 * child has exec'd; here that is this thread, not the relay's event loop that forwards Claude's
 * output to every client.
 *
 * @example
 * ```ts
 * const worker = new Worker(new URL("./git-worker.ts", import.meta.url).href, { type: "module" });
 * worker.postMessage({ id: 1, args: ["status"], options: { cwd: "/home/me/app" } });
 * ```
 */
import { type GitRunOptions, GitUnavailableError, runGitProcess } from "./git-process.ts";

/** A request from git-runner.ts. */
export interface GitWorkerRequest {
  id: number;
  args: string[];
  options: GitRunOptions;
}

declare const self: { onmessage: ((event: MessageEvent<GitWorkerRequest>) => void) | null; postMessage(message: unknown, transfer?: Transferable[]): void };

self.onmessage = async ({ data: { id, args, options } }) => {
  try {
    const run = await runGitProcess(args, options);
    self.postMessage({ id, run }, [run.stdout.buffer as ArrayBuffer]);
  } catch (error) {
    self.postMessage({ id, error: (error as Error).message, unavailable: error instanceof GitUnavailableError });
  }
};
