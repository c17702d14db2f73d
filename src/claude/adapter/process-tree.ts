/**
 * Finds and signals a process tree by process groups. Used by the adapters' `killGroup`.
 *
 * Claude Code starts its Bash tool with setsid, so signalling Claude's own group does not reach
 * it and it is orphaned when Claude dies. We therefore walk the tree (Linux: /proc; elsewhere:
 * `ps`) and signal every group in it. For SIGKILL the groups are first frozen with SIGSTOP, so a
 * process forked during the walk cannot escape.
 *
 * @example
 * ```ts
 * const groups = new GroupTracker(child.pid);
 * groups.track();            // remember the groups in the tree now
 * groups.kill("SIGKILL");    // freeze, re-walk, kill all of them
 * ```
 */
import { execFileSync } from "node:child_process";
import { existsSync, readdirSync, readFileSync } from "node:fs";

export interface ProcessInfo {
  pid: number;
  ppid: number;
  pgid: number;
}

/** Every process visible to us, with parent and process group. */
export function listProcesses(): ProcessInfo[] {
  return existsSync("/proc/self/stat") ? listFromProc() : listFromPs();
}

function listFromProc(): ProcessInfo[] {
  const out: ProcessInfo[] = [];
  for (const name of readdirSync("/proc")) {
    if (!/^\d+$/.test(name)) continue;
    let stat: string;
    try {
      stat = readFileSync(`/proc/${name}/stat`, "utf8");
    } catch {
      continue; // exited meanwhile
    }
    // "pid (comm) state ppid pgrp …" — comm may contain spaces and parentheses.
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    out.push({ pid: Number(name), ppid: Number(fields[1]), pgid: Number(fields[2]) });
  }
  return out;
}

function listFromPs(): ProcessInfo[] {
  const text = execFileSync("ps", ["-A", "-o", "pid=,ppid=,pgid="], { encoding: "utf8" });
  return text
    .split("\n")
    .map((row) => row.trim().split(/\s+/).map(Number))
    .filter((f) => f.length === 3 && f.every(Number.isFinite))
    .map(([pid, ppid, pgid]) => ({ pid: pid!, ppid: ppid!, pgid: pgid! }));
}

/** Process groups of `rootPid`'s group members and of all their descendants. */
export function treeGroups(rootPid: number, processes: ProcessInfo[] = listProcesses()): Set<number> {
  const children = new Map<number, ProcessInfo[]>();
  for (const p of processes) children.set(p.ppid, [...(children.get(p.ppid) ?? []), p]);
  const groups = new Set<number>([rootPid]);
  // Never signal the relay's own group, whatever a child did with setpgid.
  const ownGroup = processes.find((p) => p.pid === process.pid)?.pgid;
  const stack = processes.filter((p) => p.pid === rootPid || p.pgid === rootPid);
  const seen = new Set<number>();
  while (stack.length > 0) {
    const p = stack.pop()!;
    if (seen.has(p.pid)) continue;
    seen.add(p.pid);
    if (p.pgid !== ownGroup) groups.add(p.pgid);
    stack.push(...(children.get(p.pid) ?? []));
  }
  return groups;
}

/** Signals process groups; a group that no longer exists is skipped. */
export function signalGroups(groups: Iterable<number>, signal: NodeJS.Signals): void {
  for (const pgid of groups) {
    if (pgid <= 1) continue; // never init's group or "every process"
    try {
      process.kill(-pgid, signal);
    } catch {
      // ESRCH: gone already.
    }
  }
}

/** The groups of one child's tree, remembered across walks. */
export class GroupTracker {
  readonly #known = new Set<number>();
  readonly #rootPid: number;

  constructor(rootPid: number) {
    this.#rootPid = rootPid;
    this.#known.add(rootPid);
  }

  /** Walks the tree now and remembers its groups. */
  track(): void {
    try {
      for (const g of treeGroups(this.#rootPid)) this.#known.add(g);
    } catch {
      // No /proc and no ps: only the root group is known.
    }
  }

  /** Signals every known group (after a fresh walk); SIGKILL freezes them first. */
  kill(signal: NodeJS.Signals): void {
    this.track();
    if (signal === "SIGKILL") {
      signalGroups(this.#known, "SIGSTOP");
      this.track();
    }
    signalGroups(this.#known, signal);
  }
}
