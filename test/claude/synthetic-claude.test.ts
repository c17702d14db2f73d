// The benchmark stand-in for Claude speaks the same protocol the supervisor relies on.
import { expect, test } from "bun:test";
import { join } from "node:path";
import { ClaudeSupervisor } from "../../src/claude/supervisor.ts";
import { recordSupervisor, waitFor } from "../support/claude-harness.ts";

const SYNTHETIC = join(import.meta.dir, "..", "..", "bench", "support", "synthetic-claude.ts");

test("synthetic Claude: ready, turns with N events, permission round trip, interrupt", async () => {
  const claude = new ClaudeSupervisor({
    bin: SYNTHETIC,
    env: { ...process.env, PATH: `${join(import.meta.dir, "..", "..", "node_modules", ".bin")}:${process.env.PATH}`, SYNTH_EVENTS: "5" },
    claudeTimeoutMs: 10_000,
  });
  const record = recordSupervisor(claude);
  try {
    await claude.start();
    await waitFor(() => claude.state === "ready", "ready");
    claude.prompt("hello");
    claude.prompt("permission please");
    await waitFor(() => record.permissions.length === 1, "permission request");
    expect(record.permissions[0]).toMatchObject({ toolName: "Write", input: { file_path: "/tmp/synthetic.txt" } });
    claude.answerPermission(record.permissions[0]!, { behavior: "deny", message: "no" });
    await waitFor(() => record.results().length === 2, "two results");
    expect(record.events.filter((e) => e.type === "assistant").length).toBe(10);
    expect(record.results()).toMatchObject([{ result: "echo: hello" }, { result: "echo: permission please", permission: "deny" }]);
    // Busy across both turns; the last result is emitted before the state goes back to ready.
    expect(record.timeline.filter((t) => t.startsWith("state:") || t === "event:result")).toEqual([
      "state:starting",
      "state:ready",
      "state:busy",
      "event:result",
      "event:result",
      "state:ready",
    ]);

    claude.prompt("permission again");
    await waitFor(() => record.permissions.length === 2, "second permission request");
    claude.interrupt();
    await waitFor(() => record.cancelled.length === 1 && record.results().length === 3, "withdrawn and ended");
    expect(record.results()[2]).toMatchObject({ subtype: "error_during_execution" });
  } finally {
    await claude.stop();
  }
});
