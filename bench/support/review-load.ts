#!/usr/bin/env bun
/**
 * The same review work as a relay's `changes.get`, in a process of its own: `listChanges` of
 * src/changes (git rev-parse, status and diff --numstat, untracked files counted) in a loop with
 * `inFlight` runs at a time, so a benchmark can load the machine exactly as reviews do without
 * the relay's event loop doing any of it. Driven by JSON commands on stdin:
 *
 * - `{"cmd":"start"}` → starts the loops
 * - `{"cmd":"stop"}` → waits for the runs in flight → `{"kind":"reviews","answered","cpuMs"}`
 * - `{"cmd":"exit"}`
 *
 * @example
 * ```sh
 * BENCH_REVIEW_LOAD='{"cwd":"/tmp/repo","inFlight":2}' bun bench/support/review-load.ts
 * ```
 */
import { listChanges } from "../../src/changes/changes-list.ts";
import { LineSplitter } from "../../src/claude/line-splitter.ts";

const config = JSON.parse(process.env.BENCH_REVIEW_LOAD ?? "{}") as { cwd: string; inFlight: number };
const report = (kind: string, fields: Record<string, unknown>) => console.log(JSON.stringify({ kind, ...fields }));
const cpuMs = () => {
  const usage = process.cpuUsage();
  return (usage.user + usage.system) / 1000;
};

let running = false;
let loops: Promise<void>[] = [];
let answered = 0;

function onCommand(command: { cmd: string }): void {
  if (command.cmd === "start") {
    running = true;
    answered = 0;
    loops = Array.from({ length: config.inFlight }, async () => {
      while (running) {
        await listChanges(config.cwd);
        answered++;
      }
    });
  } else if (command.cmd === "stop") {
    running = false;
    void Promise.all(loops).then(() => report("reviews", { answered, cpuMs: cpuMs() }));
  } else if (command.cmd === "exit") {
    process.exit(0);
  }
}

report("loaded", {});
const splitter = new LineSplitter();
for await (const chunk of process.stdin as AsyncIterable<Uint8Array>) {
  for (const event of splitter.push(chunk)) if (event.kind === "line") onCommand(JSON.parse(event.text));
}
process.exit(0);
