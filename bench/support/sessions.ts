/**
 * What the session benchmarks need of a running relay: a control client that creates sessions and
 * prompts them, the relay's `/healthz` (each session's state and Claude pid), and the Claude
 * processes the relay runs with their memory, from /proc.
 *
 * @example
 * ```ts
 * const control = await openControl(relay.url, bench.keyPath);
 * const [a, b] = await createSessions(control, ["/tmp/a", "/tmp/b"]);
 * await waitForSessions(relay.port, (sessions) => sessions.every((s) => s.state === "ready"), 30_000, "all ready");
 * claudeProcesses(relay.child.pid); // { count: 3, rssKiB: 640_000 }
 * ```
 */
import { readdirSync, readFileSync } from "node:fs";
import { RelayClient } from "../../src/client/client.ts";
import { keyFileSigner } from "../../src/client/signer.ts";
import { procStats, sleep } from "./harness.ts";

/** One session in `/healthz`. */
export interface SessionHealth {
  sessionId: string;
  state: string;
  claudePid: number;
}

/** An authenticated client of the relay that does not reconnect. */
export async function openControl(url: string, keyPath: string): Promise<RelayClient> {
  const control = new RelayClient({ signer: keyFileSigner(keyPath), reconnect: false, heartbeat: false });
  await control.connect(url);
  return control;
}

/** One session per directory (each under an --allow-dir); their ids, in order. */
export async function createSessions(control: RelayClient, cwds: readonly string[]): Promise<string[]> {
  const ids: string[] = [];
  for (const [index, cwd] of cwds.entries()) {
    const id = `bench-create-${index}`;
    const reply = new Promise<Record<string, unknown>>((resolve) => {
      const off = control.on("frame", (frame) => {
        if (frame.id !== id) return;
        off();
        resolve(frame);
      });
    });
    control.send({ type: "session.create", cwd, id });
    const answer = await reply;
    if (answer.type !== "session.created") throw new Error(`session.create ${cwd} refused: ${JSON.stringify(answer)}`);
    ids.push(answer.sessionId as string);
  }
  return ids;
}

export async function sessionsHealth(port: number): Promise<SessionHealth[]> {
  const health = (await (await fetch(`http://127.0.0.1:${port}/healthz`)).json()) as { sessions: SessionHealth[] };
  return health.sessions;
}

/** Polls /healthz until `done` holds for the sessions; throws naming `what` after `timeoutMs`. */
export async function waitForSessions(port: number, done: (sessions: SessionHealth[]) => boolean, timeoutMs: number, what: string): Promise<SessionHealth[]> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const sessions = await sessionsHealth(port);
    if (done(sessions)) return sessions;
    if (Date.now() > deadline) throw new Error(`${what}: not within ${timeoutMs / 1000} s; sessions ${JSON.stringify(sessions.map((s) => s.state))}`);
    await sleep(100);
  }
}

/**
 * The processes the relay started (each Claude; they run in their own process groups) and
 * everything below them: how many Claudes, and the RSS of the whole trees. An exited child not yet
 * reaped (a zombie, which holds no memory) is not counted.
 */
export function claudeProcesses(relayPid: number): { count: number; rssKiB: number; processes: number } {
  const claudes = childrenOf(relayPid).filter((pid) => !isZombie(pid));
  const trees = claudes.flatMap(function tree(pid: number): number[] {
    return [pid, ...childrenOf(pid).flatMap(tree)];
  });
  return { count: claudes.length, processes: trees.length, rssKiB: trees.reduce((sum, pid) => sum + rssKiB(pid), 0) };
}

/** Children of every thread of `pid` (Linux /proc). */
function childrenOf(pid: number): number[] {
  try {
    return readdirSync(`/proc/${pid}/task`).flatMap((task) =>
      readFileSync(`/proc/${pid}/task/${task}/children`, "utf8").trim().split(" ").filter(Boolean).map(Number),
    );
  } catch {
    return []; // it exited meanwhile
  }
}

function isZombie(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    return stat.slice(stat.lastIndexOf(")") + 2).startsWith("Z");
  } catch {
    return true; // gone altogether
  }
}

function rssKiB(pid: number): number {
  try {
    return procStats(pid).rssKiB;
  } catch {
    return 0; // it exited meanwhile
  }
}
